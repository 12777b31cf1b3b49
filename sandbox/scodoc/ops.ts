/**
 * Out-of-band changes for drift tests, run through `POST /__sandbox/op/<name>`.
 * They bypass the API on purpose: no token, no permission check, nothing in
 * the request log, so a test can change the server behind a client's back
 * and still count exactly what the client sent.
 */
import { revokeToken } from "./auth";
import { findDepartement, findRole, findUser, type DepartementRecord, type RoleRecord, type ScodocState, type UserRecord } from "./model";
import { hashPassword } from "./passwords";
import { SCHEMES } from "./permissions";
import type { Clock } from "./api";

type Body = Record<string, unknown>;

function asBody(body: unknown): Body {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error("the body must be a JSON object");
  return body as Body;
}

function str(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw new Error(`${key} must be a non-empty string`);
  return value;
}

function optional<T>(body: Body, key: string, check: (v: unknown) => v is T, what: string): T | undefined {
  if (!(key in body)) return undefined;
  const value = body[key];
  if (!check(value)) throw new Error(`${key} must be ${what}`);
  return value;
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === "string";
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((p) => typeof p === "string");

function user(state: ScodocState, body: Body): UserRecord {
  const name = str(body, "user_name");
  const found = findUser(state, name);
  if (!found) throw new Error(`no user ${name}`);
  return found;
}

function role(state: ScodocState, body: Body): RoleRecord {
  const name = str(body, "role_name");
  const found = findRole(state, name);
  if (!found) throw new Error(`no role ${name}`);
  return found;
}

function departement(state: ScodocState, body: Body): DepartementRecord {
  const acronym = str(body, "acronym");
  const found = findDepartement(state, acronym);
  if (!found) throw new Error(`no departement ${acronym}`);
  return found;
}

/** The sandbox's clock: the injected one plus whatever `advanceClock` added. */
export interface AdjustableClock {
  readonly now: Clock;
  advance(ms: number): void;
}

export function scodocOps(clock: AdjustableClock): Record<string, (state: ScodocState, body: unknown) => unknown> {
  return {
    /** `{acronym, count?, nom?}`: students enrolled in a departement, so that deleting it destroys data. */
    addStudents(state, raw) {
      const body = asBody(raw);
      const dept = departement(state, body);
      const count = optional(body, "count", isNumber, "a number") ?? 1;
      const nom = (optional(body, "nom", (v): v is string => typeof v === "string", "a string") ?? "ETUDIANT").toUpperCase();
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const id = state.next.etudiant++;
        const code = String(id).padStart(8, "0");
        state.etudiants.push({
          id,
          dept_id: dept.id,
          civilite: "X",
          nom: `${nom}${id}`,
          nom_usuel: null,
          prenom: `Prenom${id}`,
          code_nip: code,
          code_ine: `INE${code}`,
        });
        ids.push(id);
      }
      return { ids };
    },

    /**
     * `{user_name, secondsLeft?}`: move the user's token expiry to now plus
     * `secondsLeft` (default -1, expired), to exercise renewal on 401 or the
     * one-minute reuse margin.
     */
    expireToken(state, raw) {
      const body = asBody(raw);
      const target = user(state, body);
      const secondsLeft = optional(body, "secondsLeft", isNumber, "a number");
      if (secondsLeft === undefined) revokeToken(target, clock.now());
      else target.token_expiration = new Date(clock.now() + secondsLeft * 1000).toISOString();
      return { user_name: target.user_name, token_expiration: target.token_expiration };
    },

    /** `{seconds}`: move the sandbox's clock forward (it survives `reset`). */
    advanceClock(_state, raw) {
      const seconds = optional(asBody(raw), "seconds", isNumber, "a number") ?? 0;
      clock.advance(seconds * 1000);
      return { now: new Date(clock.now()).toISOString() };
    },

    /** `{user_name, password}`: no strength check, for test users. */
    setPassword(state, raw) {
      const body = asBody(raw);
      const target = user(state, body);
      target.password_hash = hashPassword(str(body, "password"));
      target.date_modif_passwd = new Date(clock.now()).toISOString();
      return { id: target.id };
    },

    /** `{user_name, ...fields}`: assign user columns directly (not user_name, id, password or token). */
    editUser(state, raw) {
      const body = asBody(raw);
      const target = user(state, body);
      const forbidden = new Set(["user_name", "id", "password_hash", "token", "token_expiration"]);
      for (const [key, value] of Object.entries(body)) {
        if (forbidden.has(key)) continue;
        if (!(key in target)) throw new Error(`users have no column ${key}`);
        (target as unknown as Record<string, unknown>)[key] = value;
      }
      return { id: target.id };
    },

    /** `{user_name}`: ScoDoc's API cannot delete a user; a database can. Grants go too. */
    deleteUser(state, raw) {
      const target = user(state, asBody(raw));
      state.users = state.users.filter((u) => u !== target);
      state.grants = state.grants.filter((g) => g.user_id !== target.id);
      return { id: target.id };
    },

    /** `{user_name, role_name, dept?}`: a grant, appended like ScoDoc's add_role; the departement is not checked. */
    grantRole(state, raw) {
      const body = asBody(raw);
      const target = user(state, body);
      const granted = role(state, body);
      const dept = optional(body, "dept", isNullableString, "a string or null") ?? null;
      state.grants.push({ user_id: target.id, role_id: granted.id, dept });
      return { id: target.id };
    },

    /** `{user_name, role_name, dept?}`: remove every matching grant. */
    revokeRole(state, raw) {
      const body = asBody(raw);
      const target = user(state, body);
      const revoked = role(state, body);
      const dept = optional(body, "dept", isNullableString, "a string or null") ?? null;
      state.grants = state.grants.filter((g) => !(g.user_id === target.id && g.role_id === revoked.id && g.dept === dept));
      return { id: target.id };
    },

    /** `{role_name, new_name?, permissions?}`: rename or re-permission a role, unchecked but for known names. */
    editRole(state, raw) {
      const body = asBody(raw);
      const target = role(state, body);
      const permissions = optional(body, "permissions", isStringList, "a list of names");
      const known = SCHEMES[state.permissionScheme].permissions;
      const unknown = permissions?.filter((p) => !known.includes(p)) ?? [];
      if (unknown.length > 0) throw new Error(`unknown permissions ${unknown.join(", ")}`);
      const newName = optional(body, "new_name", (v): v is string => typeof v === "string" && v !== "", "a non-empty string");
      if (permissions) target.permissions = [...new Set(permissions)];
      if (newName !== undefined) target.name = newName;
      return { id: target.id };
    },

    /** `{acronym, dept_name?, description?, visible?}`: including the columns the API cannot edit. */
    editDepartement(state, raw) {
      const body = asBody(raw);
      const dept = departement(state, body);
      const deptName = optional(body, "dept_name", isNullableString, "a string or null");
      const description = optional(body, "description", isNullableString, "a string or null");
      const visible = optional(body, "visible", isBoolean, "a boolean");
      if (deptName !== undefined) dept.dept_name = deptName;
      if (description !== undefined) dept.description = description;
      if (visible !== undefined) dept.visible = visible;
      return { id: dept.id };
    },
  };
}
