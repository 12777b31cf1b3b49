import type { Credentials } from "../core/server";

/**
 * The dRofus sandbox's whole server as plain JSON. Records use the admin
 * API's own snake_case field names, so that rendering is a projection and a
 * test editing the state through `/__sandbox/state` speaks the API's words.
 */

/** The per-module rights of a project user, as the API names them. */
export const RIGHTS_FIELDS = [
  "room_rights",
  "equipment_rights",
  "tender_rights",
  "consignation_rights",
  "system_rights",
  "modelstore_rights",
  // Not in the seed's table of POST fields, but sent by its PATCH example.
  "room_surface_treatment_rights",
] as const;
export type RightsField = (typeof RIGHTS_FIELDS)[number];

/** dRofus numbers access in reverse: 1 Full, 2 Limited, 3 Read, 4 None. */
export type RightsLevel = 1 | 2 | 3 | 4;
export const RIGHTS_LEVELS: readonly RightsLevel[] = [1, 2, 3, 4];

/** The boolean flags of a project user besides `superuser`. */
export const FLAG_FIELDS = ["superuser", "addon_admin", "no_web_admin_access"] as const;
export type FlagField = (typeof FLAG_FIELDS)[number];

export interface OwnerRecord {
  id: number;
  name: string;
  address: string | null;
  billing_address: string | null;
  contact: string | null;
  image: string | null;
  network: string | null;
  note: string | null;
  tech_contact: string | null;
}

export interface ProjectRecord {
  id: number;
  name: string;
  no: string | null;
  description: string | null;
  active: boolean;
  contact: string | null;
  gross_area: number | null;
  status: string | null;
  owner_id: number;
  /** The name of the database holding the project: dRofus keys databases by name. */
  database_id: string;
  created_at: string;
  created_by: string | null;
  updated: string | null;
  updated_by: string | null;
  /** Accepted on create and update, but absent from the documented JSON (see drofus.ts). */
  constructor: string | null;
  project_type_id: number;
}

export interface UserRecord {
  /** The primary key: project users refer to their user by username, not by a number. */
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  disabled: boolean;
  created_at: string;
  /** Whether the user may log into the admin system, hence call this API. */
  admin: boolean;
  /** Only admin-system users have one. Kept in clear: this is a sandbox. */
  password: string | null;
}

export type ProjectUserRecord = {
  username: string;
  project_id: number;
  created_at: string;
  role: string | null;
  user_role_id: number | null;
} & { [F in FlagField]: boolean | null } & { [F in RightsField]: RightsLevel | null };

export interface DatabaseRecord {
  name: string;
  owner_id: number | null;
  /** The database it was copied from, if any. */
  template: string | null;
  created_at: string;
  /** Set by `disableall`, cleared by `enableall`. */
  users_disabled: boolean;
}

export interface ProjectTypeRecord {
  id: number;
  name: string;
}

/** A welcome email the server would have sent, so tests can see `mail_type` had an effect. */
export interface MailRecord {
  username: string;
  project_id: number;
  mail_type: number;
  sent_at: string;
}

/** A side effect with nothing else to show for it: a kick, a backup. */
export interface EventRecord {
  action: string;
  target: string;
  by: string;
  at: string;
}

export interface DrofusState {
  owners: OwnerRecord[];
  projects: ProjectRecord[];
  users: UserRecord[];
  projectUsers: ProjectUserRecord[];
  databases: DatabaseRecord[];
  projectTypes: ProjectTypeRecord[];
  mails: MailRecord[];
  events: EventRecord[];
  nextOwnerId: number;
  nextProjectId: number;
}

/** Mails and events are evidence for tests, not data: keep a benchmark's state from growing without bound. */
export const JOURNAL_LIMIT = 1000;

export function journal<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > JOURNAL_LIMIT) list.splice(0, list.length - JOURNAL_LIMIT);
}

/** Rails' JSON timestamps: UTC, whole seconds, as in the documented `"2016-11-01T09:39:14Z"`. */
export function railsTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The seeded server. Owner 5, database `dev-template`, project type 1 and the
 * next owner id 11 are the values of the seed document's own examples, so
 * that those read the same against the sandbox as on the page.
 */
export function seedDrofus(credentials: Credentials): DrofusState {
  const at = railsTime();
  return {
    owners: [
      {
        id: 5,
        name: "dRofus AS",
        address: null,
        billing_address: null,
        contact: null,
        image: null,
        network: null,
        note: null,
        tech_contact: null,
      },
    ],
    databases: [{ name: "dev-template", owner_id: 5, template: null, created_at: at, users_disabled: false }],
    projects: [
      {
        id: 399,
        name: "dRofus dev template",
        no: "01",
        description: null,
        active: true,
        contact: null,
        gross_area: null,
        status: null,
        owner_id: 5,
        database_id: "dev-template",
        created_at: at,
        created_by: null,
        updated: null,
        updated_by: null,
        constructor: "dRofus AS",
        project_type_id: 1,
      },
    ],
    users: [
      {
        username: credentials.username,
        first_name: "Sandbox",
        last_name: "Administrator",
        email: "admin@sandbox.invalid",
        disabled: false,
        created_at: at,
        admin: true,
        password: credentials.password,
      },
    ],
    projectUsers: [],
    // The seed's table of project types lost its rows; only id 1 is known, from its example.
    projectTypes: [{ id: 1, name: "Standard" }],
    mails: [],
    events: [],
    nextOwnerId: 11,
    nextProjectId: 400,
  };
}
