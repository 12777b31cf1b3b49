import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { BadRequest, InvalidInput, noLongerExists, withHint } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import {
  parseRolesString,
  scodocClient,
  type ScodocClient,
  type ScodocGrant,
  type ScodocUserFields,
  type ScodocUserRecord,
} from "./client";
import { acronym, roleName, userName } from "./names";

const grant = z
  .object({
    role: roleName,
    /** Omitted: the role applies in every departement. */
    departement: acronym.optional(),
  })
  .strict();

const isoDate = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/,
    "must be an ISO date such as 2027-08-31, 2027-08-31T18:00:00 or 2027-08-31T18:00:00+02:00",
  );

const inputs = z
  .object({
    userName,
    nom: z.string().optional(),
    prenom: z.string().optional(),
    email: z.union([z.email("must be an email address"), z.literal("")]).optional(),
    dept: acronym.nullable().optional(),
    active: z.boolean().default(true),
    dateExpiration: isoDate.nullable().optional(),
    casId: z.string().nullable().optional(),
    casAllowLogin: z.boolean().optional(),
    casAllowScodocLogin: z.boolean().optional(),
    emailInstitutionnel: z
      .union([z.email("must be an email address"), z.literal("")])
      .nullable()
      .optional(),
    edtId: z.string().nullable().optional(),
    password: z.string().min(1, "must not be empty").optional(),
    roles: z.array(grant).optional(),
    deletionPolicy: z.enum(["deactivate", "retain"]).default("deactivate"),
  })
  .strict();

type Input = z.infer<typeof inputs>;

/** Our input names and ScoDoc's, for every field edited the same way. */
const SCALARS = {
  nom: "nom",
  prenom: "prenom",
  email: "email",
  dept: "dept",
  active: "active",
  dateExpiration: "date_expiration",
  casId: "cas_id",
  casAllowLogin: "cas_allow_login",
  casAllowScodocLogin: "cas_allow_scodoc_login",
  emailInstitutionnel: "email_institutionnel",
  edtId: "edt_id",
} as const satisfies Partial<Record<keyof Input, keyof ScodocUserFields>>;
type Scalar = keyof typeof SCALARS;
const SCALAR_NAMES = Object.keys(SCALARS) as Scalar[];

type State = { userName: string; userId: number; roles: ScodocGrant[] } & { [K in Scalar]: Input[K] | null };

function toState(u: ScodocUserRecord): State {
  const state = { userName: u.user_name, userId: u.id, roles: sortGrants(parseRolesString(u.roles_string)) } as State;
  for (const field of SCALAR_NAMES) {
    const value = u[SCALARS[field]];
    (state as Record<string, unknown>)[field] = value === undefined || value === "" ? null : value;
  }
  return state;
}

/**
 * One spelling per instant, in UTC to the second: ScoDoc stores expiry dates
 * in UTC and answers `2027-08-31T00:00:00+00:00`. A date or time without an
 * offset is read as UTC, as ScoDoc reads it.
 */
function utcInstant(value: string): string {
  const t = value.replace(" ", "T");
  const withTime = t.length === 10 ? `${t}T00:00:00` : t;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(withTime) ? withTime : `${withTime}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString().slice(0, 19);
}

function sortGrants(grants: readonly ScodocGrant[]): ScodocGrant[] {
  const key = (g: ScodocGrant) => `${g.role}\u0000${g.departement ?? ""}`;
  return [...new Map(grants.map((g) => [key(g), g])).values()].sort((a, b) => key(a).localeCompare(key(b)));
}

function fieldsOf(input: Input, only?: ReadonlySet<string>): ScodocUserFields {
  const fields: Record<string, unknown> = {};
  for (const field of SCALAR_NAMES) {
    if (input[field] === undefined || (only && !only.has(field))) continue;
    // ScoDoc 9.0 stores falsy values as NULL; explicit values are sent either way.
    fields[SCALARS[field]] = input[field];
  }
  return fields as ScodocUserFields;
}

/** Fail before any write when a grant names a role or departement the server does not have. */
async function checkGrants(client: ScodocClient, grants: readonly ScodocGrant[]): Promise<void> {
  if (grants.length === 0) return;
  const [roles, depts] = await Promise.all([client.roles(), client.departements()]);
  const roleNames = new Set(roles.map((r) => r.role_name));
  const acronyms = new Set(depts.map((d) => d.acronym));
  for (const [i, g] of grants.entries()) {
    if (!roleNames.has(g.role))
      throw new InvalidInput(
        "scodoc",
        `roles[${i}].role: no role ${g.role} on the server`,
        `create it with a ScodocRole, or use one of: ${[...roleNames].sort().join(", ")}`,
      );
    if (g.departement !== undefined && !acronyms.has(g.departement)) {
      throw new InvalidInput(
        "scodoc",
        `roles[${i}].departement: no departement ${g.departement} on the server`,
        "create it with a ScodocDepartement, or omit departement for a grant in every departement",
      );
    }
  }
}

async function setPassword(client: ScodocClient, id: number, password: string): Promise<void> {
  try {
    await client.setPassword(id, password);
  } catch (error) {
    if (error instanceof BadRequest) {
      throw withHint(error, "ScoDoc refused the password as too weak: use a longer one, with varied characters and no dictionary word");
    }
    throw error;
  }
}

/** Bring the server's grants to exactly `wanted`, against what the server holds now. */
async function syncGrants(client: ScodocClient, id: number, wanted: readonly ScodocGrant[]): Promise<ScodocUserRecord | undefined> {
  const live = await client.user(id);
  if (!live) return undefined;
  const key = (g: ScodocGrant) => `${g.role}_${g.departement ?? ""}`;
  const want = new Map(wanted.map((g) => [key(g), g]));
  const have = new Map(parseRolesString(live.roles_string).map((g) => [key(g), g]));
  let last: ScodocUserRecord = live;
  for (const [k, g] of have) if (!want.has(k)) last = await client.removeGrant(id, g);
  for (const [k, g] of want) if (!have.has(k)) last = await client.addGrant(id, g);
  return last;
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const userSpec: ResourceSpec<Input, State, ScodocClient> = {
  app: "scodoc",
  kind: "scodoc:User",
  schemaVersion: 1,
  inputs,
  replaceOn: ["userName"],
  // ScoDoc has no user delete: a replacement deactivates the old login, and a new login is a new user.
  writeOnly: ["password"],
  behaviour: ["deletionPolicy"],
  sets: ["roles"],
  canonical(field, value) {
    if (value === "") return undefined;
    if (field === "roles" && Array.isArray(value))
      return sortGrants(value as ScodocGrant[]).map((g) =>
        g.departement ? { role: g.role, departement: g.departement } : { role: g.role },
      );
    if (field === "dateExpiration" && typeof value === "string") return utcInstant(value);
    return value;
  },
  describe: (input) => `user ${input.userName}`,
  client: scodocClient,

  async create(ctx, input) {
    const { client } = ctx;
    await checkGrants(client, input.roles ?? []);
    let user = await client.createUser(input.userName, fieldsOf(input));
    ctx.created(String(user.id), toState(user));
    if (input.password !== undefined) await setPassword(client, user.id, input.password);
    for (const g of input.roles ?? []) user = await client.addGrant(user.id, g);
    return { id: String(user.id), state: toState(user) };
  },

  async read({ client }, id) {
    // Refresh: one list of users serves every user of the process (see ScodocClient.userForRefresh).
    const user = await client.userForRefresh(Number(id));
    return user && toState(user);
  },

  async update({ client }, id, previous, input, changed) {
    const uid = Number(id);
    if (changed.has("roles")) await checkGrants(client, input.roles ?? []);
    let user: ScodocUserRecord | undefined;
    const scalars = new Set(SCALAR_NAMES.filter((f) => changed.has(f)));
    if (scalars.size > 0) user = await client.editUser(uid, fieldsOf(input, scalars));
    if (changed.has("password") && input.password !== undefined) await setPassword(client, uid, input.password);
    if (changed.has("roles") && input.roles !== undefined) user = (await syncGrants(client, uid, input.roles)) ?? user;
    user ??= await client.user(uid);
    if (!user) throw noLongerExists("scodoc", `user ${String(previous.userName)} (id ${id})`);
    return toState(user);
  },

  async delete({ client }, id, previous) {
    if (previous.deletionPolicy === "retain") return;
    const uid = Number(id);
    await client.editUser(uid, { active: false });
    await syncGrants(client, uid, []);
  },

  async find({ client }, input) {
    // ScoDoc cannot filter on the login, only on a prefix of `nom`: that narrows the list when the
    // program gives the name, so adopting a whole server does not list every user once per user.
    // A user whose name differs on the server is missed there, so the full list has the last word.
    const named = (users: ScodocUserRecord[]) => users.find((u) => u.user_name === input.userName);
    const user = (input.nom ? named(await client.users({ startsWith: input.nom })) : undefined) ?? named(await client.users());
    return user && { id: String(user.id), state: toState(user) };
  },
};

/** One role grant of a {@link ScodocUser}: a role in one departement, or in all of them. */
export interface ScodocGrantArgs {
  /** The role's name, or a ScodocRole's `name` output. */
  role: pulumi.Input<string>;
  /** The departement's acronym; omitted, the role applies in every departement. */
  departement?: pulumi.Input<string>;
}

/** The inputs of a {@link ScodocUser}. Inputs left undefined are not managed: the server keeps its value. */
export interface ScodocUserArgs {
  /** The login: letters, digits, `@ \ - _ .`, at most 64. ScoDoc never renames a user, so a change replaces it. */
  userName: pulumi.Input<string>;
  /** Family name. */
  nom?: pulumi.Input<string>;
  /** Given name. */
  prenom?: pulumi.Input<string>;
  /** Contact email address. */
  email?: pulumi.Input<string>;
  /** Home departement acronym, or null for none. */
  dept?: pulumi.Input<string | null>;
  /** Default true. */
  active?: pulumi.Input<boolean>;
  /** ISO date after which the account closes, or null. */
  dateExpiration?: pulumi.Input<string | null>;
  /** The user's identifier in the CAS single sign-on server, or null. */
  casId?: pulumi.Input<string | null>;
  /** Whether the user may log in through CAS. */
  casAllowLogin?: pulumi.Input<boolean>;
  /** Whether the user may also log in with a ScoDoc password when CAS is enabled. */
  casAllowScodocLogin?: pulumi.Input<boolean>;
  /** The institution's email address for the user, or null. */
  emailInstitutionnel?: pulumi.Input<string | null>;
  /** The user's identifier in the timetable (emploi du temps) software, or null. */
  edtId?: pulumi.Input<string | null>;
  /**
   * Write-only and always secret: never stored in the state or outputs (a
   * salted digest detects a change, which sets the new password). ScoDoc
   * refuses weak passwords.
   */
  password?: pulumi.Input<string>;
  /**
   * The user's role grants, authoritative when given: grants not listed are
   * removed, `[]` removes all. Undefined leaves the grants unmanaged.
   */
  roles?: pulumi.Input<pulumi.Input<ScodocGrantArgs>[]>;
  /**
   * ScoDoc cannot delete users. `"deactivate"` (default): delete sets the
   * user inactive and removes its grants. `"retain"`: delete leaves it as is.
   */
  deletionPolicy?: pulumi.Input<"deactivate" | "retain">;
  /** Take over an existing user with this login instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and credentials, when not the stack's `scodoc:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A ScoDoc user and its role grants. Id: ScoDoc's numeric user id. */
export class ScodocUser extends AccessResource {
  /** The login. */
  declare public readonly userName: pulumi.Output<string>;
  /** ScoDoc's numeric user id. */
  declare public readonly userId: pulumi.Output<number>;
  /** The user's grants as the server holds them. */
  declare public readonly roles: pulumi.Output<
    {
      /** The role's name. */
      role: string;
      /** The departement's acronym; absent for a grant in every departement. */
      departement?: string;
    }[]
  >;
  /** Whether the account is active. */
  declare public readonly active: pulumi.Output<boolean>;
  /** The home departement's acronym, or null. */
  declare public readonly dept: pulumi.Output<string | null>;
  /** What delete does to the user. */
  declare public readonly deletionPolicy: pulumi.Output<"deactivate" | "retain">;

  constructor(name: string, args: ScodocUserArgs, opts?: pulumi.CustomResourceOptions) {
    super("scodoc:User", name, { ...args }, opts, {
      secretInputs: ["password"],
      outputs: ["userId", "roles", "active", "dept", "deletionPolicy", "passwordDigest", ...SCALAR_NAMES],
    });
  }
}
