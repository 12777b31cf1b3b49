/**
 * Users, their passwords and their role grants.
 */
import { covers } from "../auth";
import type { ApiCall, ApiRoute } from "../api";
import { badRequest, forbidden, notFound } from "../errors";
import { findDepartement, findRole, findUser, newUser, userById, type GrantRecord, type UserRecord } from "../model";
import { hashPassword, isValidPassword } from "../passwords";
import { renderUser } from "../render";
import { invalidUserName, queryFlag } from "../validation";

const STRING_FIELDS = ["nom", "prenom", "email", "email_institutionnel", "cas_id", "edt_id"] as const;
const BOOLEAN_FIELDS = ["active", "cas_allow_login", "cas_allow_scodoc_login"] as const;

type EditableFields = Partial<Pick<UserRecord, (typeof STRING_FIELDS)[number] | (typeof BOOLEAN_FIELDS)[number] | "date_expiration">>;

function userParam(call: ApiCall): UserRecord {
  const user = userById(call.state, call.int("uid"));
  if (!user) throw notFound("user not found");
  return user;
}

/** The fields of a create or edit body, type-checked; keys ScoDoc does not know are ignored. */
function editableFields(data: Record<string, unknown>, where: string): EditableFields {
  const fields: Record<string, unknown> = {};
  for (const key of STRING_FIELDS) {
    if (!(key in data)) continue;
    const value = data[key];
    if (value !== null && typeof value !== "string") throw badRequest(`${where}: ${key} must be a string or null`);
    fields[key] = value;
  }
  for (const key of BOOLEAN_FIELDS) {
    if (!(key in data)) continue;
    if (typeof data[key] !== "boolean") throw badRequest(`${where}: ${key} must be a boolean`);
    fields[key] = data[key];
  }
  if ("date_expiration" in data) {
    const value = data.date_expiration;
    if (value === null) fields.date_expiration = null;
    else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) {
      fields.date_expiration = new Date(value).toISOString();
    } else throw badRequest(`${where}: date_expiration must be an ISO 8601 date or null`);
  }
  return fields as EditableFields;
}

/** `"dept"` of a body: an acronym, or null (also spelt "@all", as the CLI does). */
function deptField(value: unknown, where: string): string | null {
  if (value === null || value === undefined || value === "@all") return null;
  if (typeof value !== "string") throw badRequest(`${where}: dept must be a string or null`);
  return value;
}

/** Checked after the caller's right to it: ScoDoc answers 403 before it looks the departement up. */
function requireDepartement(call: ApiCall, dept: string | null, where: string): void {
  if (dept !== null && !findDepartement(call.state, dept)) throw notFound(`${where}: departement ${dept} inexistant`);
}

/** Changing CAS settings takes more than UsersAdmin. */
function checkCasChanges(call: ApiCall, fields: EditableFields, current: UserRecord | undefined, where: string): void {
  const changes = (key: "cas_id" | "cas_allow_login" | "cas_allow_scodoc_login", fallback: unknown) =>
    fields[key] !== undefined && fields[key] !== (current ? current[key] : fallback);
  if (changes("cas_id", null) && !call.can("changeCasId")) throw forbidden(`${where}: changing cas_id needs UsersChangeCASId`);
  if ((changes("cas_allow_login", false) || changes("cas_allow_scodoc_login", false)) && !call.can("superAdmin")) {
    throw forbidden(`${where}: changing cas_allow_* needs ScoSuperAdmin`);
  }
}

/**
 * The grants a `roles_string` stands for, as `UserRole.role_dept_from_string`
 * reads it: items split on ",", each on its first "_"; no trimming.
 */
function grantsFromRolesString(call: ApiCall, value: unknown, where: string): { role_id: number; dept: string | null }[] {
  if (typeof value !== "string") throw badRequest(`${where}: roles_string must be a string`);
  if (!call.can("superAdmin")) throw forbidden(`${where}: changing roles_string needs ScoSuperAdmin`);
  const grants: { role_id: number; dept: string | null }[] = [];
  for (const item of value.split(",")) {
    if (item === "") continue;
    const underscore = item.indexOf("_");
    if (underscore < 0) throw notFound(`${where}: Invalid role_dept ${item}`);
    const role = findRole(call.state, item.slice(0, underscore));
    if (!role) throw notFound(`${where}: role ${item.slice(0, underscore)} does not exists`);
    const dept = item.slice(underscore + 1) || null;
    if (!grants.some((g) => g.role_id === role.id && g.dept === dept)) grants.push({ role_id: role.id, dept });
  }
  return grants;
}

function replaceGrants(call: ApiCall, user: UserRecord, grants: readonly { role_id: number; dept: string | null }[]): void {
  const { state } = call;
  state.grants = state.grants.filter((g) => g.user_id !== user.id);
  state.grants.push(...grants.map((g): GrantRecord => ({ user_id: user.id, ...g })));
}

/** UsersAdmin must cover the user's departement (and the new one on a move), unless held globally. */
function checkUsersAdmin(call: ApiCall, depts: readonly (string | null)[], where: string): void {
  const allowed = call.depts("usersAdmin");
  if (!depts.every((d) => covers(allowed, d))) throw forbidden(`${where}: departement non autorise`);
}

function roleGrantTarget(call: ApiCall, where: string) {
  const dept = call.ctx.params.dept ?? null;
  if (dept !== null && !findDepartement(call.state, dept)) throw notFound(`${where}: departement ${dept} inexistant`);
  const role = findRole(call.state, call.param("role_name"));
  if (!role) throw notFound(`${where}: role ${call.param("role_name")} inexistant`);
  const user = userParam(call);
  checkUsersAdmin(call, [user.dept], where);
  return { user, role, dept };
}

function addRole(call: ApiCall) {
  const { user, role, dept } = roleGrantTarget(call, "user_role_add");
  const { state } = call;
  // ScoDoc may store a duplicate row here; the sandbox keeps grants a set.
  if (!state.grants.some((g) => g.user_id === user.id && g.role_id === role.id && g.dept === dept)) {
    state.grants.push({ user_id: user.id, role_id: role.id, dept });
  }
  return renderUser(state, user);
}

function removeRole(call: ApiCall) {
  const { user, role, dept } = roleGrantTarget(call, "user_role_remove");
  const { state } = call;
  const index = state.grants.findIndex((g) => g.user_id === user.id && g.role_id === role.id && g.dept === dept);
  if (index >= 0) state.grants.splice(index, 1);
  return renderUser(state, user);
}

export const userRoutes: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/user/:uid",
    permission: "usersView",
    ints: ["uid"],
    handle: (call) => {
      const user = userParam(call);
      // A user outside the caller's departements is reported missing, not forbidden.
      if (!covers(call.depts("usersView"), user.dept)) throw notFound("user not found");
      return renderUser(call.state, user);
    },
  },
  {
    method: "GET",
    path: "/users/query",
    permission: "usersView",
    handle: (call) => {
      const { query } = call.ctx;
      const departement = query.get("departement") || call.dept;
      const active = query.get("active");
      const prefix = query.get("starts_with")?.toLowerCase();
      const allowed = call.depts("usersView");
      return call.state.users
        .filter((u) => covers(allowed, u.dept))
        .filter((u) => !departement || u.dept === departement)
        .filter((u) => active === null || u.active === queryFlag(active))
        .filter((u) => !prefix || (u.nom ?? "").toLowerCase().startsWith(prefix))
        .sort((a, b) => (a.user_name < b.user_name ? -1 : a.user_name > b.user_name ? 1 : 0))
        .map((u) => renderUser(call.state, u));
    },
  },
  {
    method: "POST",
    path: "/user/create",
    permission: "usersAdmin",
    handle: (call) => {
      const where = "user_create";
      const data = call.body();
      const userName = data.user_name;
      if (userName === undefined || userName === null || userName === "") throw notFound("empty user_name");
      if (typeof userName !== "string") throw badRequest(`${where}: user_name must be a string`);
      const invalid = invalidUserName(userName);
      if (invalid) throw notFound(`${where}: ${invalid}`);
      if (findUser(call.state, userName)) throw notFound(`${where}: user ${userName} already exists`);
      const dept = deptField(data.dept, where);
      checkUsersAdmin(call, [dept], where);
      requireDepartement(call, dept, where);
      const fields = editableFields(data, where);
      checkCasChanges(call, fields, undefined, where);
      const grants = "roles_string" in data ? grantsFromRolesString(call, data.roles_string, where) : [];
      const password = data.password;
      if (password !== undefined && password !== null && typeof password !== "string") {
        throw badRequest(`${where}: password must be a string`);
      }

      const created = new Date(call.now).toISOString();
      const user: UserRecord = { ...newUser(call.state.next.user++, userName, created), ...fields, dept };
      // 9.0's from_dict sets a password given at creation without the strength check.
      if (password) user.password_hash = hashPassword(password);
      call.state.users.push(user);
      replaceGrants(call, user, grants);
      return renderUser(call.state, user);
    },
  },
  {
    method: "POST",
    path: "/user/:uid/edit",
    permission: "usersAdmin",
    ints: ["uid"],
    handle: (call) => {
      const where = "user_edit";
      const data = call.body();
      const user = userParam(call);
      const dept = "dept" in data ? deptField(data.dept, where) : user.dept;
      checkUsersAdmin(call, [user.dept, dept], where);
      if (dept !== user.dept) requireDepartement(call, dept, where);
      const fields = editableFields(data, where);
      checkCasChanges(call, fields, user, where);
      const grants = "roles_string" in data ? grantsFromRolesString(call, data.roles_string, where) : undefined;
      // user_name is never changed by an edit, and silently so, as in from_dict.
      Object.assign(user, fields, { dept });
      if (grants) replaceGrants(call, user, grants);
      return renderUser(call.state, user);
    },
  },
  {
    method: "POST",
    path: "/user/:uid/password",
    permission: "usersAdmin",
    ints: ["uid"],
    handle: (call) => {
      const data = call.body();
      const user = userParam(call);
      const password = data.password;
      if (password === undefined || password === null || password === "") throw notFound("user_password: missing password");
      if (typeof password !== "string" || !isValidPassword(password)) throw badRequest("user_password: invalid password");
      checkUsersAdmin(call, [user.dept], "user_password");
      user.password_hash = hashPassword(password);
      user.date_modif_passwd = new Date(call.now).toISOString();
      return renderUser(call.state, user);
    },
  },
  { method: "POST", path: "/user/:uid/role/:role_name/add", permission: "superAdmin", ints: ["uid"], handle: addRole },
  {
    method: "POST",
    path: "/user/:uid/role/:role_name/add/departement/:dept",
    permission: "superAdmin",
    ints: ["uid"],
    handle: addRole,
  },
  { method: "POST", path: "/user/:uid/role/:role_name/remove", permission: "superAdmin", ints: ["uid"], handle: removeRole },
  {
    method: "POST",
    path: "/user/:uid/role/:role_name/remove/departement/:dept",
    permission: "superAdmin",
    ints: ["uid"],
    handle: removeRole,
  },
];
