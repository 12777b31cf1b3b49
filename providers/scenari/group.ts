import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { noLongerExists } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import { explainConflict, findAccount, propsOf, readAccount, setOf, textOf, textProp, type Props } from "./accounts";
import { scenariClient, type ScenariAccountRecord, type ScenariClient } from "./client";
import { account, roleName } from "./names";

const inputs = z
  .object({
    account,
    groupName: z.string().optional(),
    email: z.union([z.email("must be an email address"), z.literal("")]).optional(),
    /** Parent groups: a group may belong to groups, never to itself through them. */
    groups: z.array(account).optional(),
    grantedRoles: z.array(roleName).optional(),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  account: string;
  groupName: string | null;
  email: string | null;
  groups: string[];
  grantedRoles: string[];
  /** Global roles held through parent groups: informative, never compared. */
  inheritedRoles: string[];
}

function toState(g: ScenariAccountRecord): State {
  return {
    account: g.account,
    groupName: textOf(g.groupName),
    email: textOf(g.email),
    groups: setOf(g.groups),
    grantedRoles: setOf(g.grantedRoles),
    inheritedRoles: setOf(g.inheritedRoles),
  };
}

const FIELDS = ["groupName", "email", "groups", "grantedRoles"] as const;

function groupProps(input: Input, only?: ReadonlySet<string>): Props {
  return propsOf(FIELDS, only, (field) => {
    const value = input[field];
    return typeof value === "string" ? textProp(value) : value;
  });
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const groupSpec: ResourceSpec<Input, State, ScenariClient> = {
  app: "scenari",
  kind: "scenari:Group",
  schemaVersion: 1,
  inputs,
  replaceOn: ["account"],
  sets: ["groups", "grantedRoles"],
  canonical: (_field, value) => (value === "" ? undefined : value),
  describe: (input) => `group ${input.account}`,
  client: scenariClient,

  async create({ client }, input) {
    // No userType, as scenaripy's create_or_update_group: the action says it is a group.
    const props = groupProps(input);
    for (const [key, value] of Object.entries(props)) if (value === null) delete props[key];
    try {
      return { id: input.account, state: toState(await client.createAccount("group", input.account, props)) };
    } catch (error) {
      throw await explainConflict(client, "group", input.account, error);
    }
  },

  async read({ client }, id) {
    const g = await readAccount(client, "group", id, true);
    return g && toState(g);
  },

  async update({ client }, id, previous, input, changed) {
    const props = groupProps(input, changed);
    const g = Object.keys(props).length > 0 ? await client.updateAccount("group", id, props) : await readAccount(client, "group", id);
    if (!g) throw noLongerExists("scenari", `group ${String(previous.account)}`);
    return toState(g);
  },

  async delete({ client }, id) {
    // The server takes the group out of its members' `groups`; their ScenariUser resources show that on refresh.
    await client.dropAccounts("group", [id]);
  },

  async find({ client }, input) {
    const g = await findAccount(client, "group", input.account);
    return g && { id: g.account, state: toState(g) };
  },
};

/** The inputs of a {@link ScenariGroup}. */
export interface ScenariGroupArgs {
  /** The group's account: letters, digits, `_ . @ -`, in the namespace it shares with users. A change replaces the group. */
  account: pulumi.Input<string>;
  /** The name shown for the group. */
  groupName?: pulumi.Input<string>;
  /** Contact email address of the group; an empty string clears it. */
  email?: pulumi.Input<string>;
  /** Parent groups; a set, authoritative when given. */
  groups?: pulumi.Input<pulumi.Input<string>[]>;
  /** Roles granted on the whole portal to every member, e.g. `main:author`; a set, authoritative when given. */
  grantedRoles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing group with this account instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The chain portlet and credentials, when not the stack's `scenari:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A Scenari group of accounts. Id: its account. Delete drops the group (`DropGroup`); its members stay. */
export class ScenariGroup extends AccessResource {
  /** The group's account, for a workspace's role map or a user's `groups`. */
  declare public readonly account: pulumi.Output<string>;
  /** The name shown for the group, or null. */
  declare public readonly groupName: pulumi.Output<string | null>;
  /** Email address, or null. */
  declare public readonly email: pulumi.Output<string | null>;
  /** Parent groups, sorted. */
  declare public readonly groups: pulumi.Output<string[]>;
  /** Roles granted on the whole portal, sorted. */
  declare public readonly grantedRoles: pulumi.Output<string[]>;
  /** Global roles held through parent groups. */
  declare public readonly inheritedRoles: pulumi.Output<string[]>;

  constructor(name: string, args: ScenariGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super("scenari:Group", name, { ...args }, opts, {
      outputs: ["groupName", "email", "groups", "grantedRoles", "inheritedRoles"],
    });
  }
}
