import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { InvalidInput } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import {
  drofusClient,
  ValidationFailed,
  type DrofusClient,
  type DrofusMembershipFields,
  type DrofusProjectUserRecord,
  type DrofusUserFields,
  type DrofusUserRecord,
} from "./client";

/** dRofus numbers access in reverse: 1 is the most, 4 none at all. */
const LEVELS: Readonly<Record<string, RightsLevel>> = { full: 1, limited: 2, read: 3, none: 4 };
/** A rights level as dRofus stores it: 1 Full, 2 Limited, 3 Read, 4 None. */
export type RightsLevel = 1 | 2 | 3 | 4;
const LEVEL_HELP = "must be 1 (Full), 2 (Limited), 3 (Read) or 4 (None), or one of those names";

/** A level as a number or a name, stored as the number the API takes, so `"read"` and `3` compare equal. */
const level = z.union([z.number(), z.string()], { error: LEVEL_HELP }).transform((value, ctx): RightsLevel => {
  const n = typeof value === "number" ? value : LEVELS[value.toLowerCase()];
  if (n === 1 || n === 2 || n === 3 || n === 4) return n;
  ctx.addIssue({ code: "custom", message: LEVEL_HELP, input: value });
  return z.NEVER;
});

/** Our module names and the API's rights fields. */
const MODULES = {
  room: "room_rights",
  equipment: "equipment_rights",
  tender: "tender_rights",
  consignation: "consignation_rights",
  system: "system_rights",
  modelstore: "modelstore_rights",
} as const satisfies Record<string, keyof DrofusMembershipFields>;
type Module = keyof typeof MODULES;
const MODULE_NAMES = Object.keys(MODULES) as Module[];

const rights = z
  .object(Object.fromEntries(MODULE_NAMES.map((m) => [m, level.optional()])) as Record<Module, z.ZodOptional<typeof level>>)
  .strict();
type Rights = z.infer<typeof rights>;

const inputs = z
  .object({
    projectId: z.number().int().positive(),
    username: z
      .string()
      .min(1, "must not be empty")
      // The membership's URL is `username,projectid`; how the server splits a username holding a comma is unknown.
      .regex(/^[^,]*$/, "must not contain a comma: dRofus addresses a membership as username,projectId")
      .regex(/^[^\s\p{Cc}]*$/u, "must not contain spaces or control characters"),
    firstName: z.string().min(1, "must not be empty").optional(),
    lastName: z.string().min(1, "must not be empty").optional(),
    email: z.email("must be an email address").optional(),
    rights: rights.optional(),
    superuser: z.boolean().optional(),
    addonAdmin: z.boolean().optional(),
    noWebAdminAccess: z.boolean().optional(),
    mailType: z.number().int().positive().optional(),
  })
  .strict();

type Input = z.infer<typeof inputs>;

const IDENTITY = { firstName: "first_name", lastName: "last_name", email: "email" } as const;
type IdentityField = keyof typeof IDENTITY;
const IDENTITY_NAMES = Object.keys(IDENTITY) as IdentityField[];

interface State {
  projectId: number;
  username: string;
  /** The user's identity, as the server holds it (shared by every project of the user). */
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** Write-only: as last applied. */
  rights: Rights | null;
  superuser: boolean | null;
  /** Write-only: as last applied. */
  addonAdmin: boolean | null;
  /** Write-only: as last applied. */
  noWebAdminAccess: boolean | null;
}

type Identity = Pick<State, IdentityField>;
type Unreadable = Pick<State, "rights" | "addonAdmin" | "noWebAdminAccess">;

function identityOf(u: DrofusUserRecord | undefined, fallback: Identity): Identity {
  if (!u) return fallback;
  return { firstName: u.first_name ?? null, lastName: u.last_name ?? null, email: u.email ?? null };
}

function toState(m: DrofusProjectUserRecord, identity: Identity, unreadable: Unreadable): State {
  return { projectId: m.project_id, username: m.username, ...identity, superuser: m.superuser ?? null, ...unreadable };
}

function unreadableOf(input: Input): Unreadable {
  return { rights: input.rights ?? null, addonAdmin: input.addonAdmin ?? null, noWebAdminAccess: input.noWebAdminAccess ?? null };
}

function membershipOf(input: Input, only?: ReadonlySet<string>): DrofusMembershipFields {
  const fields: DrofusMembershipFields = {};
  const wanted = (field: string) => !only || only.has(field);
  if (input.rights && wanted("rights"))
    for (const m of MODULE_NAMES) if (input.rights[m] !== undefined) fields[MODULES[m]] = input.rights[m];
  if (input.superuser !== undefined && wanted("superuser")) fields.superuser = input.superuser;
  if (input.addonAdmin !== undefined && wanted("addonAdmin")) fields.addon_admin = input.addonAdmin;
  if (input.noWebAdminAccess !== undefined && wanted("noWebAdminAccess")) fields.no_web_admin_access = input.noWebAdminAccess;
  return fields;
}

/** The id is `username,projectId`; usernames hold no comma, so the last one separates. */
function parseId(id: string): { username: string; projectId: number } {
  const comma = id.lastIndexOf(",");
  return { username: id.slice(0, comma), projectId: Number(id.slice(comma + 1)) };
}

const sameText = (field: IdentityField, a: string, b: string) => (field === "email" ? a.toLowerCase() === b.toLowerCase() : a === b);

/**
 * dRofus keeps one identity per user, across projects, and the POST that
 * adds a member must repeat it exactly. Check it before writing, and name
 * what differs instead of letting the server refuse a mismatching body.
 */
function checkIdentity(input: Input, registered: DrofusUserRecord): void {
  const differing = IDENTITY_NAMES.filter((f) => {
    const wanted = input[f];
    return wanted !== undefined && !sameText(f, wanted, registered[IDENTITY[f]] ?? "");
  });
  if (differing.length === 0) return;
  const detail = differing
    .map((f) => `${f} is ${JSON.stringify(registered[IDENTITY[f]] ?? null)} there, ${JSON.stringify(input[f])} in the program`)
    .join("; ");
  throw new InvalidInput(
    "drofus",
    `user ${input.username} exists on the server with other details: ${detail}`,
    "dRofus keeps one identity per user and this API cannot change it: make the program match, or leave firstName, lastName and email unset",
  );
}

/** Translate the server's field names in a 422 into the program's inputs. */
function explained(error: unknown, input: Input): unknown {
  if (!(error instanceof ValidationFailed)) return error;
  const hints: string[] = [];
  for (const field of Object.keys(error.fields)) {
    if (field === "project") hints.push(`projectId: the server has no project ${input.projectId}`);
    const module = MODULE_NAMES.find((m) => MODULES[m] === field);
    if (module) hints.push(`rights.${module}: ${LEVEL_HELP}`);
    const identity = IDENTITY_NAMES.find((f) => IDENTITY[f] === field);
    if (identity) hints.push(`${identity}: see the user's details in the admin site`);
    if (field === "mail_type") hints.push(`mailType: the server has no mail ${String(input.mailType)}`);
  }
  return hints.length > 0 ? error.withHint(hints.join("; ")) : error;
}

async function membership(
  client: DrofusClient,
  id: string,
  forRefresh = false,
): Promise<{ member: DrofusProjectUserRecord; user: DrofusUserRecord | undefined } | undefined> {
  const { username, projectId } = parseId(id);
  // A refresh reads the person from one list of users, and the membership from the project index when it lists members.
  const [member, user] = await Promise.all(
    forRefresh
      ? [client.projectUserForRefresh(username, projectId), client.userForRefresh(username)]
      : [client.projectUser(username, projectId), client.user(username)],
  );
  return member && { member, user };
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const projectUserSpec: ResourceSpec<Input, State, DrofusClient> = {
  app: "drofus",
  kind: "drofus:ProjectUser",
  schemaVersion: 1,
  inputs,
  replaceOn: ["projectId", "username"],
  references: { projectId: "drofus:Project" },
  createOnly: ["mailType"],
  canonical(field, value) {
    if (field === "email" && typeof value === "string") return value.toLowerCase();
    return value;
  },
  describe: (input) => `user ${input.username} in project ${input.projectId}`,
  client: drofusClient,

  async create({ client }, input) {
    const registered = await client.user(input.username);
    if (registered) checkIdentity(input, registered);
    else {
      const missing = IDENTITY_NAMES.filter((f) => input[f] === undefined);
      if (missing.length > 0) {
        throw new InvalidInput(
          "drofus",
          `user ${input.username} does not exist on the server yet, and creating it needs ${missing.join(", ")}`,
          "set firstName, lastName and email",
        );
      }
    }
    const person: DrofusUserFields = { username: input.username };
    for (const f of IDENTITY_NAMES) if (input[f] !== undefined) person[IDENTITY[f]] = input[f];
    let member: DrofusProjectUserRecord;
    try {
      member = await client.addProjectUser(input.projectId, membershipOf(input), person, input.mailType);
    } catch (error) {
      throw explained(error, input);
    }
    const identity = identityOf(registered, {
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
    });
    return { id: `${member.username},${member.project_id}`, state: toState(member, identity, unreadableOf(input)) };
  },

  async read({ client }, id, previous) {
    const found = await membership(client, id, true);
    if (!found) return undefined;
    return toState(found.member, identityOf(found.user, previous), {
      rights: previous.rights ?? null,
      addonAdmin: previous.addonAdmin ?? null,
      noWebAdminAccess: previous.noWebAdminAccess ?? null,
    });
  },

  async update({ client }, id, previous, input, changed) {
    const { username, projectId } = parseId(id);
    let identity: Identity = previous;
    if (IDENTITY_NAMES.some((f) => changed.has(f))) {
      const registered = await client.user(username);
      if (registered) checkIdentity(input, registered);
      identity = identityOf(registered, previous);
    }
    const fields = membershipOf(input, changed);
    let member: DrofusProjectUserRecord | undefined;
    try {
      member =
        Object.keys(fields).length > 0
          ? await client.updateProjectUser(username, projectId, fields)
          : await client.projectUser(username, projectId);
    } catch (error) {
      throw explained(error, input);
    }
    if (!member)
      throw new InvalidInput(
        "drofus",
        `user ${username} is no longer in project ${projectId}`,
        "run `pulumi refresh` so the next `up` adds them again",
      );
    // Unchanged write-only values keep what was last applied; changed ones are what was just sent.
    const unreadable: Unreadable = {
      rights: changed.has("rights") ? (input.rights ?? null) : (previous.rights ?? null),
      addonAdmin: changed.has("addonAdmin") ? (input.addonAdmin ?? null) : (previous.addonAdmin ?? null),
      noWebAdminAccess: changed.has("noWebAdminAccess") ? (input.noWebAdminAccess ?? null) : (previous.noWebAdminAccess ?? null),
    };
    return toState(member, { firstName: identity.firstName, lastName: identity.lastName, email: identity.email }, unreadable);
  },

  async delete({ client }, id) {
    const { username, projectId } = parseId(id);
    await client.removeProjectUser(username, projectId);
  },

  async find({ client }, input) {
    const id = `${input.username},${input.projectId}`;
    const found = await membership(client, id);
    // Adopted: the rights and flags the server holds are unknown, so the program's are sent.
    return (
      found && {
        id,
        state: toState(found.member, identityOf(found.user, { firstName: null, lastName: null, email: null }), {
          rights: null,
          addonAdmin: null,
          noWebAdminAccess: null,
        }),
      }
    );
  },
};

/** A rights level: 1 Full, 2 Limited, 3 Read, 4 None, as a number or a name. */
export type DrofusRightsLevel = RightsLevel | "full" | "limited" | "read" | "none" | "Full" | "Limited" | "Read" | "None";

/** Rights per dRofus module; a module left out is not managed. */
export interface DrofusRightsArgs {
  /** Room Data. Limited cannot edit core room properties. */
  room?: pulumi.Input<DrofusRightsLevel>;
  /** Items / item specification. */
  equipment?: pulumi.Input<DrofusRightsLevel>;
  /** Tender. */
  tender?: pulumi.Input<DrofusRightsLevel>;
  /** Probably Existing Items (the reference is unsure). */
  consignation?: pulumi.Input<DrofusRightsLevel>;
  /** Systems. */
  system?: pulumi.Input<DrofusRightsLevel>;
  /** The model server (IFC); Full is needed to upload IFC files. */
  modelstore?: pulumi.Input<DrofusRightsLevel>;
}

/** The inputs of a {@link DrofusProjectUser}. Inputs left undefined are not managed. */
export interface DrofusProjectUserArgs {
  /** The project's numeric id, e.g. a DrofusProject's `projectId`. A change replaces the membership. */
  projectId: pulumi.Input<number>;
  /** The dRofus login; dots are fine, commas and spaces are not. A change replaces the membership. */
  username: pulumi.Input<string>;
  /**
   * The user's identity, needed when the user does not exist yet. For a user
   * the server knows, given values must be the registered ones (email
   * compared without case): a difference fails, naming the fields.
   */
  firstName?: pulumi.Input<string>;
  /** The user's last name; see `firstName`. */
  lastName?: pulumi.Input<string>;
  /** The user's email address; see `firstName`. */
  email?: pulumi.Input<string>;
  /**
   * Per-module rights. Write-only: the API never returns them, so they are
   * compared with what was last applied and a change made elsewhere is not seen.
   */
  rights?: pulumi.Input<DrofusRightsArgs>;
  /** Project administrator (client settings and preferences). */
  superuser?: pulumi.Input<boolean>;
  /** BIM administrator (Revit/ArchiCAD attribute configurations). Write-only. */
  addonAdmin?: pulumi.Input<boolean>;
  /** Deny a superuser the admin site. Write-only. */
  noWebAdminAccess?: pulumi.Input<boolean>;
  /** The id of the email sent when the user is added (the server's `/emails`). Read on creation only: a later change does nothing. */
  mailType?: pulumi.Input<number>;
  /** Take over an existing membership instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and credentials, when not the stack's `drofus:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A user's membership of a dRofus project, with its rights; the user is
 * created on the server if needed. Id: `username,projectId`. Delete removes
 * the user from the project only: the user stays on the server.
 */
export class DrofusProjectUser extends AccessResource {
  /** The project's numeric id. */
  declare public readonly projectId: pulumi.Output<number>;
  /** The dRofus login. */
  declare public readonly username: pulumi.Output<string>;
  /** The user's first name as the server holds it. */
  declare public readonly firstName: pulumi.Output<string | null>;
  /** The user's last name as the server holds it. */
  declare public readonly lastName: pulumi.Output<string | null>;
  /** The user's email address as the server holds it. */
  declare public readonly email: pulumi.Output<string | null>;
  /** The rights as last applied, one number per managed module (write-only on the server); null when not managed. */
  declare public readonly rights: pulumi.Output<{ [M in keyof DrofusRightsArgs]: RightsLevel } | null>;
  /** Whether the user administers the project, as the server reports it. */
  declare public readonly superuser: pulumi.Output<boolean | null>;
  /** Whether the user is a BIM administrator, as last applied; null when not managed. */
  declare public readonly addonAdmin: pulumi.Output<boolean | null>;
  /** Whether a superuser is denied the admin site, as last applied; null when not managed. */
  declare public readonly noWebAdminAccess: pulumi.Output<boolean | null>;

  constructor(name: string, args: DrofusProjectUserArgs, opts?: pulumi.CustomResourceOptions) {
    super("drofus:ProjectUser", name, { ...args }, opts, {
      outputs: ["firstName", "lastName", "email", "rights", "superuser", "addonAdmin", "noWebAdminAccess"],
    });
  }
}
