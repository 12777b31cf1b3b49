/**
 * Who is calling and what they may do: ScoDoc's API tokens (`User.get_token`,
 * `check_token`, `revoke_token`) and `User.has_permission`.
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ApiError } from "./errors";
import { findUser, type ScodocState, type UserRecord } from "./model";
import { checkPassword } from "./passwords";
import { SCHEMES, type Capability } from "./permissions";

export const TOKEN_LIFETIME_MS = 3600_000;
/** A token with more than this left is handed out again instead of a new one. */
export const TOKEN_REUSE_MARGIN_MS = 60_000;

// Flask-HTTPAuth's default realm, sent by both of ScoDoc's authenticators.
const REALM = 'realm="Authentication Required"';

export function basicChallenge(message: string): ApiError {
  return new ApiError(401, message, { "www-authenticate": `Basic ${REALM}` });
}

export function bearerChallenge(message: string): ApiError {
  return new ApiError(401, message, { "www-authenticate": `Bearer ${REALM}` });
}

/** The user behind HTTP Basic credentials, or a 401: unknown, wrong password, no password, inactive. */
export function authenticateBasic(state: ScodocState, headers: IncomingHttpHeaders): UserRecord {
  const credentials = parseBasic(headers.authorization);
  if (!credentials) throw basicChallenge("authentication required");
  const user = findUser(state, credentials.username);
  // check_password refuses inactive users and users without a password alike.
  if (!user?.active || user.password_hash === null || !checkPassword(user.password_hash, credentials.password)) {
    throw basicChallenge("invalid credentials");
  }
  return user;
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The user's current token when it has more than a minute left, else a new
 * one (base64 of 24 random bytes) valid for an hour. One column per user, so
 * a new token silently replaces the old one for every client sharing it.
 */
export function issueToken(user: UserRecord, now: number): string {
  if (user.token !== null && user.token_expiration !== null && Date.parse(user.token_expiration) > now + TOKEN_REUSE_MARGIN_MS) {
    return user.token;
  }
  user.token = randomBytes(24).toString("base64");
  user.token_expiration = new Date(now + TOKEN_LIFETIME_MS).toISOString();
  return user.token;
}

export function revokeToken(user: UserRecord, now: number): void {
  user.token_expiration = new Date(now - 1000).toISOString();
}

/**
 * The user owning a bearer token that has not expired, or a 401. Like
 * `check_token`, this does not look at `active`: an inactive user's token
 * still authenticates, and every permission check then fails.
 */
export function authenticateBearer(state: ScodocState, headers: IncomingHttpHeaders, now: number): UserRecord {
  const match = /^bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
  const token = match?.[1];
  if (!token) throw bearerChallenge("authentication required");
  const user = state.users.find((u) => u.token === token);
  if (!user || user.token_expiration === null || Date.parse(user.token_expiration) < now) {
    throw bearerChallenge("invalid or expired token");
  }
  return user;
}

/** The permission name a capability has in this server's naming scheme. */
export function permissionName(state: ScodocState, capability: Capability): string {
  return SCHEMES[state.permissionScheme].capabilities[capability];
}

function grantsHolding(state: ScodocState, user: UserRecord, capability: Capability) {
  const permission = permissionName(state, capability);
  const holding = new Set(state.roles.filter((r) => r.permissions.includes(permission)).map((r) => r.id));
  return state.grants.filter((g) => g.user_id === user.id && holding.has(g.role_id));
}

/**
 * `User.has_permission`: an active user holding the permission through a
 * grant in `dept` or through a grant with no departement. Under the global
 * API `dept` is null, so only departement-less grants count there.
 */
export function hasPermission(state: ScodocState, user: UserRecord, capability: Capability, dept: string | null): boolean {
  if (!user.active) return false;
  return grantsHolding(state, user, capability).some((g) => g.dept === null || g.dept === dept);
}

/**
 * `get_depts_with_permission`: the departements where the user holds the
 * permission; `null` in the set means all of them.
 */
export function deptsWithPermission(state: ScodocState, user: UserRecord, capability: Capability): ReadonlySet<string | null> {
  const depts = new Set(grantsHolding(state, user, capability).map((g) => g.dept));
  return depts.has(null) ? new Set([null]) : depts;
}

/** True when the set from {@link deptsWithPermission} covers `dept`. */
export function covers(depts: ReadonlySet<string | null>, dept: string | null): boolean {
  return depts.has(null) || depts.has(dept);
}
