import { isObject, type Params } from "./rails";
import { findDatabase } from "./databases";
import { findMembership } from "./projectUsers";
import { findProject } from "./projects";
import { type DrofusState, railsTime, RIGHTS_FIELDS, RIGHTS_LEVELS } from "./state";
import { findUser } from "./users";

/**
 * Out-of-band operations (`POST /__sandbox/op/<name>`): what another admin,
 * the web UI or a restore would do behind a client's back, for drift tests,
 * and the set-up the API itself cannot do (another template, another admin).
 * Bad input throws, which the admin channel answers with a 400.
 */

function input(body: unknown): Params {
  if (!isObject(body)) throw new Error("the operation takes a JSON object");
  return body;
}

function requiredString(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== "string" || value === "") throw new Error(`${key} must be a non-empty string`);
  return value;
}

function requiredInteger(params: Params, key: string): number {
  const value = params[key];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new Error(`${key} must be an integer`);
  return value;
}

/**
 * Applies `changes` to a record, refusing keys the record does not have (a
 * typo in a test should fail, not pass silently) and keys that identify it.
 */
function patch<R extends object>(record: R, changes: Params, identity: readonly string[]): R {
  for (const [key, value] of Object.entries(changes)) {
    if (identity.includes(key)) continue;
    if (!Object.hasOwn(record, key)) throw new Error(`unknown field ${key}`);
    (record as Record<string, unknown>)[key] = value;
  }
  return record;
}

export const drofusOps: Readonly<Record<string, (state: DrofusState, body: unknown) => unknown>> = {
  /** `{name, owner_id?}`: another database, e.g. a second template. */
  addDatabase(state, body) {
    const params = input(body);
    const name = requiredString(params, "name");
    if (findDatabase(state, name)) throw new Error(`database ${name} exists`);
    const ownerId = params.owner_id === undefined ? null : requiredInteger(params, "owner_id");
    const database = { name, owner_id: ownerId, template: null, created_at: railsTime(), users_disabled: false };
    state.databases.push(database);
    return database;
  },

  /** `{id, name}`: the documentation lost its table of project types; add the ones a test needs. */
  addProjectType(state, body) {
    const params = input(body);
    const type = { id: requiredInteger(params, "id"), name: requiredString(params, "name") };
    if (state.projectTypes.some((t) => t.id === type.id)) throw new Error(`project type ${type.id} exists`);
    state.projectTypes.push(type);
    return type;
  },

  /** `{username, password}`: another admin-system user, who may call the API. */
  addAdmin(state, body) {
    const params = input(body);
    const username = requiredString(params, "username");
    const password = requiredString(params, "password");
    const existing = findUser(state, username);
    if (existing) {
      Object.assign(existing, { admin: true, password });
      return { username };
    }
    state.users.push({
      username,
      first_name: username,
      last_name: "Admin",
      email: `${username}@sandbox.invalid`,
      disabled: false,
      created_at: railsTime(),
      admin: true,
      password,
    });
    return { username };
  },

  /** `{id, ...fields}`: e.g. a rename or a deactivation in the web UI. */
  patchProject(state, body) {
    const params = input(body);
    const project = findProject(state, requiredInteger(params, "id"));
    if (!project) throw new Error(`no project ${String(params.id)}`);
    return patch(project, params, ["id"]);
  },

  /** `{id}`: the project and its memberships vanish. */
  removeProject(state, body) {
    const id = requiredInteger(input(body), "id");
    if (!findProject(state, id)) throw new Error(`no project ${id}`);
    state.projects = state.projects.filter((p) => p.id !== id);
    state.projectUsers = state.projectUsers.filter((pu) => pu.project_id !== id);
    return { ok: true };
  },

  /** `{username, project_id, ...fields}`: rights changed by a project admin, say. */
  patchProjectUser(state, body) {
    const params = input(body);
    const membership = findMembership(state, requiredString(params, "username"), requiredInteger(params, "project_id"));
    if (!membership) throw new Error(`no project user ${String(params.username)},${String(params.project_id)}`);
    for (const field of RIGHTS_FIELDS) {
      const level = params[field];
      if (level !== undefined && level !== null && !RIGHTS_LEVELS.some((l) => l === level)) {
        throw new Error(`${field} must be 1..4 or null`);
      }
    }
    return patch(membership, params, ["username", "project_id"]);
  },

  /** `{username, project_id}` */
  removeProjectUser(state, body) {
    const params = input(body);
    const membership = findMembership(state, requiredString(params, "username"), requiredInteger(params, "project_id"));
    if (!membership) throw new Error(`no project user ${String(params.username)},${String(params.project_id)}`);
    state.projectUsers = state.projectUsers.filter((pu) => pu !== membership);
    return { ok: true };
  },

  /** `{username, ...fields}`: e.g. a user renamed or disabled elsewhere. */
  patchUser(state, body) {
    const params = input(body);
    const user = findUser(state, requiredString(params, "username"));
    if (!user) throw new Error(`no user ${String(params.username)}`);
    const { password: _password, ...visible } = patch(user, params, ["username"]);
    return visible;
  },
};
