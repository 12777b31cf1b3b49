import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { InvalidInput } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import { scodocClient, type ScodocClient, type ScodocDepartementRecord } from "./client";
import { acronym } from "./names";

const inputs = z
  .object({
    acronym,
    visible: z.boolean().default(true),
    forceDestroy: z.boolean().default(false),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  acronym: string;
  visible: boolean;
  deptId: number;
  dateCreation: string | null;
}

function toState(d: ScodocDepartementRecord): State {
  return { acronym: d.acronym, visible: d.visible, deptId: d.id, dateCreation: d.date_creation ?? null };
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const departementSpec: ResourceSpec<Input, State, ScodocClient> = {
  app: "scodoc",
  kind: "scodoc:Departement",
  schemaVersion: 1,
  inputs,
  replaceOn: ["acronym"],
  behaviour: ["forceDestroy"],
  describe: (input) => `departement ${input.acronym}`,
  client: scodocClient,

  async create({ client }, input) {
    const d = await client.createDepartement(input.acronym, input.visible);
    return { id: d.acronym, state: toState(d) };
  },

  async read({ client }, id) {
    // Refresh: one list of departements serves every departement of the process.
    const d = await client.departementForRefresh(id);
    return d && toState(d);
  },

  async update({ client }, id, _previous, input) {
    return toState(await client.editDepartement(id, input.visible));
  },

  async delete({ client }, id, previous) {
    if (!previous.forceDestroy) {
      const students = await client.studentCount(id);
      if (students > 0) {
        throw new InvalidInput(
          "scodoc",
          `departement ${id} holds ${students} student(s); deleting it erases all of its data in ScoDoc`,
          "set forceDestroy: true and run `pulumi up` before destroying, or `pulumi state delete` the resource to stop managing it",
        );
      }
    }
    await client.deleteDepartement(id);
  },

  async find({ client }, input) {
    const d = await client.departement(input.acronym);
    return d && { id: d.acronym, state: toState(d) };
  },
};

/** The inputs of a {@link ScodocDepartement}. */
export interface ScodocDepartementArgs {
  /** The departement's acronym (`RT`, `GEII`): at most 31 letters, digits, `_ @ \ - .`. ScoDoc never renames one, so a change replaces the departement. */
  acronym: pulumi.Input<string>;
  /** Shown on ScoDoc's home page. Default true. */
  visible?: pulumi.Input<boolean>;
  /**
   * Deleting a departement erases all of its data in ScoDoc (students,
   * formations, marks). Without this flag (default false), delete refuses
   * while the departement holds students.
   */
  forceDestroy?: pulumi.Input<boolean>;
  /** Take over an existing departement with this acronym instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and credentials, when not the stack's `scodoc:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A ScoDoc departement. Id: its acronym.
 *
 * Delete: refused while the departement holds students unless `forceDestroy`.
 */
export class ScodocDepartement extends AccessResource {
  /** The departement's acronym, as ScoDoc holds it. */
  declare public readonly acronym: pulumi.Output<string>;
  /** Whether ScoDoc's home page shows the departement. */
  declare public readonly visible: pulumi.Output<boolean>;
  /** Whether delete may erase a departement that holds students. */
  declare public readonly forceDestroy: pulumi.Output<boolean>;
  /** ScoDoc's numeric id. */
  declare public readonly deptId: pulumi.Output<number>;
  /** When ScoDoc created the departement (ISO 8601), if it says. */
  declare public readonly dateCreation: pulumi.Output<string | null>;

  constructor(name: string, args: ScodocDepartementArgs, opts?: pulumi.CustomResourceOptions) {
    super("scodoc:Departement", name, { ...args }, opts, { outputs: ["deptId", "dateCreation", "visible", "forceDestroy"] });
  }
}
