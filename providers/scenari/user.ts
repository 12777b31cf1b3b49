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
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.union([z.email("must be an email address"), z.literal("")]).optional(),
    /** Other names the user may log in with; they share the accounts' namespace. */
    nickNames: z.array(account).optional(),
    groups: z.array(account).optional(),
    grantedRoles: z.array(roleName).optional(),
    password: z.string().min(1, "must not be empty").optional(),
    disabled: z.boolean().default(false),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  account: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  nickNames: string[];
  groups: string[];
  grantedRoles: string[];
  disabled: boolean;
  /** Global roles held through groups: informative, never compared. */
  inheritedRoles: string[];
}

function toState(u: ScenariAccountRecord): State {
  return {
    account: u.account,
    firstName: textOf(u.firstName),
    lastName: textOf(u.lastName),
    email: textOf(u.email),
    nickNames: setOf(u.nickNames),
    groups: setOf(u.groups),
    grantedRoles: setOf(u.grantedRoles),
    disabled: u.isDisabled === true,
    inheritedRoles: setOf(u.inheritedRoles),
  };
}

/** Our inputs sent as `userProps`, by the server's names where they differ. */
const FIELDS = ["firstName", "lastName", "email", "nickNames", "groups", "grantedRoles", "disabled", "password"] as const;
type Field = (typeof FIELDS)[number];
const PROP_NAMES: Partial<Record<Field, string>> = { disabled: "isDisabled" };

function userProps(input: Input, only?: ReadonlySet<string>): Props {
  return propsOf(
    FIELDS,
    only,
    (field) => {
      const value = input[field];
      return typeof value === "string" && field !== "password" ? textProp(value) : value;
    },
    (field) => PROP_NAMES[field] ?? field,
  );
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const userSpec: ResourceSpec<Input, State, ScenariClient> = {
  app: "scenari",
  kind: "scenari:User",
  schemaVersion: 1,
  inputs,
  // Scenari never renames an account: another account is another user.
  replaceOn: ["account"],
  writeOnly: ["password"],
  sets: ["nickNames", "groups", "grantedRoles"],
  canonical: (_field, value) => (value === "" ? undefined : value),
  describe: (input) => `user ${input.account}`,
  client: scenariClient,

  async create({ client }, input) {
    // One request, password included: there is no later step to fail half-way.
    const props: Props = { ...userProps(input), userType: "user" };
    for (const [key, value] of Object.entries(props)) if (value === null) delete props[key];
    try {
      return { id: input.account, state: toState(await client.createAccount("user", input.account, props)) };
    } catch (error) {
      throw await explainConflict(client, "user", input.account, error);
    }
  },

  async read({ client }, id) {
    const u = await readAccount(client, "user", id, true);
    return u && toState(u);
  },

  async update({ client }, id, previous, input, changed) {
    const props = userProps(input, changed);
    const u = Object.keys(props).length > 0 ? await client.updateAccount("user", id, props) : await readAccount(client, "user", id);
    if (!u) throw noLongerExists("scenari", `user ${String(previous.account)}`);
    return toState(u);
  },

  async delete({ client }, id) {
    await client.dropAccounts("user", [id]);
  },

  async find({ client }, input) {
    const u = await findAccount(client, "user", input.account);
    return u && { id: u.account, state: toState(u) };
  },
};

/** The inputs of a {@link ScenariUser}. */
export interface ScenariUserArgs {
  /**
   * The login: letters, digits, `_ . @ -`. Users and groups share one
   * namespace. Scenari never renames an account, so a change replaces the user.
   */
  account: pulumi.Input<string>;
  /** Given name; an empty string clears it. */
  firstName?: pulumi.Input<string>;
  /** Family name; an empty string clears it. */
  lastName?: pulumi.Input<string>;
  /** Contact email address; an empty string clears it. */
  email?: pulumi.Input<string>;
  /** Other names the user may log in with; a set. Each must be free across users, groups and other nick names. */
  nickNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** The groups the user belongs to directly (e.g. ScenariGroup `account` outputs); a set, authoritative when given. */
  groups?: pulumi.Input<pulumi.Input<string>[]>;
  /** Roles granted on the whole portal, e.g. `main:author`; a set, authoritative when given. */
  grantedRoles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Write-only and always secret: never stored (a salted digest detects a change, which sets the new password). */
  password?: pulumi.Input<string>;
  /** A disabled user cannot log in. Default false. */
  disabled?: pulumi.Input<boolean>;
  /** Take over an existing user with this account instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The chain portlet and credentials, when not the stack's `scenari:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A Scenari user. Id: its account. Delete drops the user (`DropUser`). */
export class ScenariUser extends AccessResource {
  /** The login, for a workspace's role map or a group's members. */
  declare public readonly account: pulumi.Output<string>;
  /** Given name, or null. */
  declare public readonly firstName: pulumi.Output<string | null>;
  /** Family name, or null. */
  declare public readonly lastName: pulumi.Output<string | null>;
  /** Email address, or null. */
  declare public readonly email: pulumi.Output<string | null>;
  /** Other login names, sorted. */
  declare public readonly nickNames: pulumi.Output<string[]>;
  /** The groups the user belongs to directly, sorted. */
  declare public readonly groups: pulumi.Output<string[]>;
  /** Roles granted on the whole portal, sorted. */
  declare public readonly grantedRoles: pulumi.Output<string[]>;
  /** Whether the user is disabled. */
  declare public readonly disabled: pulumi.Output<boolean>;
  /** Global roles held through the user's groups. */
  declare public readonly inheritedRoles: pulumi.Output<string[]>;

  constructor(name: string, args: ScenariUserArgs, opts?: pulumi.CustomResourceOptions) {
    super("scenari:User", name, { ...args }, opts, {
      secretInputs: ["password"],
      outputs: ["firstName", "lastName", "email", "nickNames", "groups", "grantedRoles", "disabled", "inheritedRoles", "passwordDigest"],
    });
  }
}
