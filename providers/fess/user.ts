import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { InvalidInput, noLongerExists } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import { fessClient, fessId, nameOfFessId, type FessClient, type FessUserFields, type FessUserSetting } from "./client";
import { attributes, fessName, idOfName } from "./inputs";

const inputs = z
  .object({
    name: fessName,
    // A blank password on update means "keep the stored one" to Fess: it could never be set.
    password: z
      .string()
      .max(100, "must be at most 100 characters (Fess's limit)")
      .refine((p) => p.trim() !== "", "must not be blank")
      .optional(),
    // Fess maps both as longs, for its LDAP sync.
    attributes: attributes(["uidNumber", "gidNumber"]).optional(),
    roles: z.array(fessName).optional(),
    groups: z.array(fessName).optional(),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  name: string;
  attributes: Record<string, string>;
  /** Names, sorted: the names the held ids encode, which is what Fess grants. */
  roles: string[];
  groups: string[];
}

/**
 * The name an id held by a user stands for. An id that encodes no name (put
 * there by hand: Fess ≤ 15.9 accepts anything, and the user can then no
 * longer log in) is shown so that it never equals a declared name, and the
 * next `up` replaces it.
 */
function heldName(id: string): string {
  return nameOfFessId(id) ?? `(not a Fess id: ${id})`;
}

function names(ids: readonly string[] | undefined): string[] {
  return [...new Set((ids ?? []).map(heldName))].sort();
}

function toState(setting: Pick<FessUserSetting, "name" | "attributes" | "roles" | "groups">): State {
  return { name: setting.name, attributes: { ...setting.attributes }, roles: names(setting.roles), groups: names(setting.groups) };
}

/** Hints list at most this many names: a server may hold thousands of groups. */
const HINT_NAMES = 20;

/**
 * The ids of `wanted`, once every one is known to exist. Fess ≤ 15.9 stores
 * an unknown id without a word, and the user can no longer log in, so this
 * fails first, before anything is sent.
 */
async function heldIds(client: FessClient, kind: "role" | "group", wanted: readonly string[] | undefined): Promise<string[] | undefined> {
  if (wanted === undefined) return undefined;
  if (wanted.length === 0) return [];
  const existing = new Set((await client.list(kind)).map((record) => record.id));
  for (const [i, name] of wanted.entries()) {
    if (existing.has(fessId(name))) continue;
    const known = [...existing].map(heldName).sort();
    const shown = known.length > HINT_NAMES ? `${known.slice(0, HINT_NAMES).join(", ")}, ...` : known.join(", ") || "none";
    throw new InvalidInput(
      "fess",
      `${kind}s[${i}]: no ${kind} ${name} on the server`,
      `create it with a Fess${kind === "role" ? "Role" : "Group"} and pass its name output, so that it exists first; this server has: ${shown}`,
    );
  }
  return [...new Set(wanted.map(fessId))];
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const userSpec: ResourceSpec<Input, State, FessClient> = {
  app: "fess",
  kind: "fess:User",
  schemaVersion: 1,
  inputs,
  // The login is the name, and the id encodes it: a new name is a new user.
  replaceOn: ["name"],
  idFor: idOfName,
  writeOnly: ["password"],
  sets: ["roles", "groups"],
  describe: (input) => `user ${input.name}`,
  client: fessClient,

  async create({ client }, input) {
    if (input.password === undefined) {
      throw new InvalidInput(
        "fess",
        `user ${input.name}: password is required to create a user`,
        "Fess cannot create a user without one; once created, leaving it out of the program leaves it unmanaged",
      );
    }
    const roles = await heldIds(client, "role", input.roles);
    const groups = await heldIds(client, "group", input.groups);
    const fields: FessUserFields = {
      name: input.name,
      password: input.password,
      attributes: { ...input.attributes },
      ...(roles ? { roles } : {}),
      ...(groups ? { groups } : {}),
    };
    const id = await client.create("user", fields);
    return { id, state: toState(fields) };
  },

  async read({ client }, id) {
    // Refresh: one list of users serves every user of the process.
    const setting = await client.getForRefresh("user", id);
    return setting && toState(setting);
  },

  async update({ client }, id, previous, input, changed) {
    // Unknown roles or groups fail before anything is sent.
    const roles = changed.has("roles") ? await heldIds(client, "role", input.roles) : undefined;
    const groups = changed.has("groups") ? await heldIds(client, "group", input.groups) : undefined;
    const current = await client.get("user", id);
    if (!current) throw noLongerExists("fess", `user ${String(previous.name)} (id ${id})`);
    // Everything the program leaves unmanaged is sent back as the server holds it (see FessClient.update).
    const change: Partial<FessUserFields> = {
      // Always sent: a user renamed behind Pulumi's back gets its login back.
      name: input.name,
      ...(input.attributes ? { attributes: input.attributes } : {}),
      ...(roles ? { roles } : {}),
      ...(groups ? { groups } : {}),
      ...(changed.has("password") && input.password !== undefined ? { password: input.password } : {}),
    };
    await client.update("user", current, change);
    return toState({ ...current, ...change });
  },

  async delete({ client }, id) {
    await client.delete("user", id);
  },

  async find({ client }, input) {
    const setting = await client.get("user", fessId(input.name));
    return setting && { id: setting.id, state: toState(setting) };
  },
};

/** The inputs of a {@link FessUser}. Inputs left undefined are not managed: the server keeps its value. */
export interface FessUserArgs {
  /** The login, at most 100 characters. Fess derives the user's id from it, so a change **replaces** the user. */
  name: pulumi.Input<string>;
  /**
   * Write-only and always secret: never stored in the state or outputs (a
   * salted digest detects a change, which sets the new password). Required
   * to create a user, since Fess cannot create one without; left out later,
   * the password is not managed. At most 100 characters, not blank.
   */
  password?: pulumi.Input<string>;
  /**
   * Free attributes (`surname`, `mail`, ...), authoritative when given: keys
   * not listed are removed. `uidNumber` and `gidNumber` must be whole
   * numbers; `name`, `password`, `roles` and `groups` are refused.
   */
  attributes?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * The user's roles, by name (or a {@link FessRole}'s `name` output), a set,
   * authoritative when given: `[]` removes all. Each must exist on the
   * server: an unknown one fails before anything is sent.
   */
  roles?: pulumi.Input<pulumi.Input<string>[]>;
  /** The user's groups, by name (or a {@link FessGroup}'s `name` output); as `roles`. */
  groups?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an existing user of this name instead of failing (the password is then needed only to change it). */
  adopt?: pulumi.Input<boolean>;
  /** The server and token, when not the stack's `fess:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A Fess user, its roles and its groups. Id: Fess's id, the URL-safe Base64 of the name. Delete deletes the user. */
export class FessUser extends AccessResource {
  /** The login. */
  declare public readonly name: pulumi.Output<string>;
  /** The user's attributes as the server holds them. */
  declare public readonly attributes: pulumi.Output<Record<string, string>>;
  /** The names of the user's roles, sorted: the names the held ids encode, which is what Fess grants. */
  declare public readonly roles: pulumi.Output<string[]>;
  /** The names of the user's groups, sorted. */
  declare public readonly groups: pulumi.Output<string[]>;

  constructor(name: string, args: FessUserArgs, opts?: pulumi.CustomResourceOptions) {
    super("fess:User", name, { ...args }, opts, {
      secretInputs: ["password"],
      outputs: ["attributes", "roles", "groups", "passwordDigest"],
    });
  }
}
