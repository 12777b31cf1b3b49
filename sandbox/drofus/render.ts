import type { DatabaseRecord, OwnerRecord, ProjectRecord, ProjectUserRecord, UserRecord } from "./state";

/**
 * The JSON the admin API answers: each record wrapped under its model name,
 * with exactly the keys the documentation shows. These lists are also the
 * models' columns, which is what `wrap_parameters` wraps.
 */

/** The keys of the documented `GET /projects.json?query=template` answer, in its order. */
export const PROJECT_COLUMNS = [
  "active",
  "contact",
  "created_at",
  "created_by",
  "database_id",
  "description",
  "gross_area",
  "id",
  "name",
  "no",
  "owner_id",
  "status",
  "updated",
  "updated_by",
] as const;

/** The keys of the documented `POST /owners` answer. */
export const OWNER_COLUMNS = ["address", "billing_address", "contact", "id", "image", "name", "network", "note", "tech_contact"] as const;

/** The keys of the documented `POST /project_users` answer: no rights, they are write-only. */
export const PROJECT_USER_COLUMNS = ["created_at", "project_id", "role", "superuser", "user_role_id", "username"] as const;

/** Undocumented; the fields the seed sends for a user, plus the disabled flag and a timestamp. */
export const USER_COLUMNS = ["created_at", "disabled", "email", "first_name", "last_name", "username"] as const;

/** Undocumented; a database is known by its name, which projects hold as `database_id`. */
export const DATABASE_COLUMNS = ["created_at", "name", "owner_id"] as const;

function pick<R, K extends keyof R & string>(record: R, columns: readonly K[]): Pick<R, K> {
  const out = {} as Pick<R, K>;
  for (const column of columns) out[column] = record[column];
  return out;
}

export const renderProject = (p: ProjectRecord) => ({ project: pick(p, PROJECT_COLUMNS) });
export const renderOwner = (o: OwnerRecord) => ({ owner: pick(o, OWNER_COLUMNS) });
export const renderProjectUser = (pu: ProjectUserRecord) => ({ project_user: pick(pu, PROJECT_USER_COLUMNS) });
export const renderUser = (u: UserRecord) => ({ user: pick(u, USER_COLUMNS) });
export const renderDatabase = (d: DatabaseRecord) => ({ database: pick(d, DATABASE_COLUMNS) });
