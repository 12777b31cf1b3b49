import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { InvalidInput, noLongerExists } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec, SpecContext } from "../core/spec";
import { scodocClient, type ScodocClient, type ScodocRoleRecord } from "./client";
import { roleName } from "./names";

const inputs = z
  .object({
    name: roleName,
    permissions: z.array(z.string().min(1, "a permission name must not be empty")).optional(),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  name: string;
  permissions: string[];
  roleId: number;
}

function toState(r: ScodocRoleRecord): State {
  return { name: r.role_name, permissions: [...r.permissions].sort(), roleId: r.id };
}

/** Permission names are case-sensitive and change between ScoDoc versions: ask the server, and list the valid ones. */
async function checkPermissions(client: ScodocClient, wanted: readonly string[] | undefined): Promise<void> {
  if (!wanted?.length) return;
  const known = new Set(await client.permissions());
  const unknown = wanted.filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw new InvalidInput(
      "scodoc",
      `permissions: unknown permission ${unknown.join(", ")}`,
      `this server knows ${[...known].sort().join(", ")}`,
    );
  }
}

/** The role with this id; its name in the state may be stale if it was renamed behind Pulumi's back. */
async function roleById({ client }: SpecContext<ScodocClient>, id: string, lastKnownName: unknown): Promise<ScodocRoleRecord | undefined> {
  if (typeof lastKnownName === "string") {
    const byName = await client.role(lastKnownName);
    if (byName && String(byName.id) === id) return byName;
  }
  return (await client.roles()).find((r) => String(r.id) === id);
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const roleSpec: ResourceSpec<Input, State, ScodocClient> = {
  app: "scodoc",
  kind: "scodoc:Role",
  schemaVersion: 1,
  inputs,
  // The id is ScoDoc's numeric one, so a rename is an edit that keeps every user's grants.
  replaceOn: [],
  sets: ["permissions"],
  describe: (input) => `role ${input.name}`,
  client: scodocClient,

  async create({ client }, input) {
    await checkPermissions(client, input.permissions);
    const r = await client.createRole(input.name, input.permissions ?? []);
    return { id: String(r.id), state: toState(r) };
  },

  async read(ctx, id, previous) {
    // Refresh: one list of roles serves every role of the process; a role the list lacks is looked up alone.
    const r = (await ctx.client.roleForRefresh(Number(id))) ?? (await roleById(ctx, id, previous.name));
    return r && toState(r);
  },

  async update(ctx, id, previous, input, changed) {
    await checkPermissions(ctx.client, changed.has("permissions") ? input.permissions : undefined);
    const current = await roleById(ctx, id, previous.name);
    if (!current) throw noLongerExists("scodoc", `role ${String(previous.name)} (id ${id})`);
    const r = await ctx.client.editRole(current.role_name, {
      ...(changed.has("name") ? { role_name: input.name } : {}),
      ...(changed.has("permissions") ? { permissions: input.permissions ?? [] } : {}),
    });
    return toState(r);
  },

  async delete(ctx, id, previous) {
    const current = await roleById(ctx, id, previous.name);
    if (current) await ctx.client.deleteRole(current.role_name);
  },

  async find({ client }, input) {
    const r = await client.role(input.name);
    return r && { id: String(r.id), state: toState(r) };
  },
};

/** The inputs of a {@link ScodocRole}. */
export interface ScodocRoleArgs {
  /** Letters and digits only (ScoDoc writes grants as `Role_DEPT`). A rename keeps the role's id and every user's grants. */
  name: pulumi.Input<string>;
  /**
   * The role's permissions, a set: order never matters. Names are checked
   * against the server's `GET /permissions` (e.g. `ScoView`, `EnsView`,
   * `UsersAdmin`). Undefined leaves the server's set as it is.
   */
  permissions?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing role with this name instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and credentials, when not the stack's `scodoc:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A ScoDoc role: a named set of permissions granted to users per departement.
 * Id: ScoDoc's numeric role id. Delete removes the role and, in ScoDoc, every grant of it.
 */
export class ScodocRole extends AccessResource {
  /** The role's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The role's permissions as the server holds them, sorted. */
  declare public readonly permissions: pulumi.Output<string[]>;
  /** ScoDoc's numeric role id, which a rename keeps. */
  declare public readonly roleId: pulumi.Output<number>;

  constructor(name: string, args: ScodocRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super("scodoc:Role", name, { ...args }, opts, { outputs: ["roleId", "permissions"] });
  }
}
