/**
 * Roles and the permission list.
 */
import type { ApiCall, ApiRoute } from "../api";
import { badRequest, notFound } from "../errors";
import { findRole, type RoleRecord } from "../model";
import { SCHEMES } from "../permissions";
import { renderRole } from "../render";
import { invalidRoleName } from "../validation";

function roleParam(call: ApiCall): RoleRecord {
  const name = call.param("role_name");
  const role = findRole(call.state, name);
  if (!role) throw notFound(`role ${name} inexistant`);
  return role;
}

function knownPermission(call: ApiCall, name: string): boolean {
  return SCHEMES[call.state.permissionScheme].permissions.includes(name);
}

/** A complete permission set from a body, all or nothing: one unknown name and the role is left alone. */
function permissionSet(call: ApiCall, value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((p): p is string => typeof p === "string")) {
    throw badRequest(`${where}: permissions must be a list of names`);
  }
  const unknown = value.filter((p) => !knownPermission(call, p));
  if (unknown.length > 0) throw notFound(`${where}: invalid permissions ${unknown.join(", ")}`);
  return [...new Set(value)];
}

function newRoleName(call: ApiCall, name: string, where: string): string {
  const invalid = invalidRoleName(name);
  if (invalid) throw notFound(`${where}: ${invalid}`);
  if (findRole(call.state, name)) throw notFound(`${where}: role ${name} already exists`);
  return name;
}

export const roleRoutes: readonly ApiRoute[] = [
  {
    method: "GET",
    path: "/permissions",
    permission: "usersView",
    handle: (call) => [...SCHEMES[call.state.permissionScheme].permissions],
  },
  {
    method: "GET",
    path: "/roles",
    permission: "usersView",
    handle: (call) => call.state.roles.map((r) => renderRole(call.state, r)),
  },
  {
    method: "GET",
    path: "/role/:role_name",
    permission: "usersView",
    handle: (call) => renderRole(call.state, roleParam(call)),
  },
  // Registered before the `/role/<name>/...` routes, as Flask prefers the static segment:
  // "/role/create/edit" creates a role named "edit".
  {
    method: "POST",
    path: "/role/create/:role_name",
    permission: "superAdmin",
    handle: (call) => {
      const name = newRoleName(call, call.param("role_name"), "role_create");
      const data = call.optionalBody();
      const permissions = data.permissions === undefined ? [] : permissionSet(call, data.permissions, "role_create");
      const role: RoleRecord = { id: call.state.next.role++, name, permissions };
      call.state.roles.push(role);
      return renderRole(call.state, role);
    },
  },
  {
    method: "POST",
    path: "/role/:role_name/edit",
    permission: "superAdmin",
    handle: (call) => {
      const role = roleParam(call);
      const data = call.body();
      // Everything is checked before anything changes: ScoDoc's failed edits roll back.
      const permissions = data.permissions === undefined ? undefined : permissionSet(call, data.permissions, "role_edit");
      // The reference names the key `role_name`; the official doc's example sends `name`.
      const rename = data.role_name ?? data.name;
      if (rename !== undefined && rename !== null && typeof rename !== "string") throw badRequest("role_edit: role_name must be a string");
      const name = rename && rename !== role.name ? newRoleName(call, rename, "role_edit") : undefined;
      if (permissions) role.permissions = permissions;
      if (name !== undefined) role.name = name;
      return renderRole(call.state, role);
    },
  },
  {
    method: "POST",
    path: "/role/:role_name/add_permission/:perm_name",
    permission: "superAdmin",
    handle: (call) => {
      const role = roleParam(call);
      const perm = call.param("perm_name");
      if (!knownPermission(call, perm)) throw notFound(`role_permission_add: permission ${perm} inconnue`);
      if (!role.permissions.includes(perm)) role.permissions.push(perm);
      return renderRole(call.state, role);
    },
  },
  {
    method: "POST",
    path: "/role/:role_name/remove_permission/:perm_name",
    permission: "superAdmin",
    handle: (call) => {
      const role = roleParam(call);
      const perm = call.param("perm_name");
      if (!knownPermission(call, perm)) throw notFound(`role_permission_remove: permission ${perm} inconnue`);
      role.permissions = role.permissions.filter((p) => p !== perm);
      return renderRole(call.state, role);
    },
  },
  {
    method: "POST",
    path: "/role/:role_name/delete",
    permission: "superAdmin",
    handle: (call) => {
      const role = roleParam(call);
      const { state } = call;
      state.roles = state.roles.filter((r) => r !== role);
      // UserRole's backref cascades: every grant of the role goes with it.
      state.grants = state.grants.filter((g) => g.role_id !== role.id);
      return { OK: true };
    },
  },
];
