import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A role or a group. Fess keeps both as a `name` plus free attributes in its
 * user index, and answers them in the same shape.
 */
export interface FessNamedRecord {
  name: string;
  /** Every stored key but the real fields. Values are strings: Fess binds `Map<String,String>`. */
  attributes: Record<string, string>;
}

export interface FessUserRecord extends FessNamedRecord {
  /** Never answered by the API. A salted SHA-256 stands in for Fess's `{bcrypt}` hash. */
  passwordHash: string;
  /**
   * Role and group ids (base64url of the name, not the name), as Fess stores them.
   * Absent when a write never set them, which the API answers by omitting the key.
   */
  roles?: string[];
  groups?: string[];
}

export interface FessAccessToken {
  name: string;
  token: string;
  /** Encoded as Fess stores them: `R<role>`, `1<user>`, `2<group>`, anything else verbatim. */
  permissions: string[];
  /** Values of this request parameter are added to the permissions, as Fess does. */
  parameterName?: string;
  /** Epoch milliseconds; absent for a token that never expires. */
  expiresAt?: number;
}

/**
 * The whole server, as plain JSON. Records are keyed by id; look them up with
 * {@link ownRecord}, never by plain indexing, since ids come from the client.
 */
export interface FessState {
  roles: Record<string, FessNamedRecord>;
  groups: Record<string, FessNamedRecord>;
  users: Record<string, FessUserRecord>;
  /**
   * Tokens besides the sandbox's own admin token (its credentials), which always
   * works so that a persisted state never locks the launcher's token out. The seeded
   * {@link UNDER_PRIVILEGED_TOKEN_NAME} lacks `admin-api`.
   */
  accessTokens: FessAccessToken[];
}

export const UNDER_PRIVILEGED_TOKEN_NAME = "sandbox-guest";

/** `api.admin.access.permissions`' default: one all-or-nothing permission. */
export const ADMIN_API_PERMISSION = "Radmin-api";

/**
 * Fess's id: `Base64.getUrlEncoder()` of the UTF-8 name, which keeps the `=`
 * padding that Node's `base64url` drops.
 */
export function fessId(name: string): string {
  const unpadded = Buffer.from(name, "utf8").toString("base64url");
  return unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
}

export function ownRecord<T>(records: Record<string, T>, id: string): T | undefined {
  return Object.hasOwn(records, id) ? records[id] : undefined;
}

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Like `api.access.token.length`'s 60 random alphanumerics. */
export function generateAccessToken(length = 60): string {
  let token = "";
  while (token.length < length) {
    for (const byte of randomBytes(length)) {
      // 248 = 4 × 62: rejecting the rest keeps every character equally likely.
      if (byte < 248 && token.length < length) token += ALPHANUMERICS[byte % 62];
    }
  }
  return token;
}

/** `PermissionHelper#encode`: the `{role}`, `{user}`, `{group}` prefixes become `R`, `1`, `2`. */
export function encodePermission(value: string): string {
  const prefixes: readonly (readonly [string, string])[] = [
    ["{role}", "R"],
    ["{user}", "1"],
    ["{group}", "2"],
  ];
  for (const [from, to] of prefixes) if (value.startsWith(from)) return to + value.slice(from.length);
  return value;
}

export function hashPassword(password: string): string {
  const salt = randomBytes(8).toString("hex");
  return `{sha256}${salt}$${digest(salt, password)}`;
}

export function passwordMatches(hash: string, password: string): boolean {
  const match = /^\{sha256\}([0-9a-f]+)\$([0-9a-f]+)$/.exec(hash);
  if (!match) return false;
  const [, salt = "", expected = ""] = match;
  const actual = digest(salt, password);
  return actual.length === expected.length && timingSafeEqual(Buffer.from(actual), Buffer.from(expected));
}

function digest(salt: string, password: string): string {
  return createHash("sha256").update(salt).update("\0").update(password, "utf8").digest("hex");
}

/**
 * What a fresh Fess holds (`role.bulk`, `user.bulk`): the `admin` and `guest`
 * roles and an `admin` user, whose default password is `admin`, plus the
 * sandbox's under-privileged token.
 */
export function seedFessState(underPrivilegedToken: string): FessState {
  const admin = fessId("admin");
  const guest = fessId("guest");
  return {
    roles: {
      [admin]: { name: "admin", attributes: {} },
      [guest]: { name: "guest", attributes: {} },
    },
    groups: {},
    users: {
      [admin]: { name: "admin", attributes: { surname: "admin" }, passwordHash: hashPassword("admin"), roles: [admin, guest] },
    },
    accessTokens: [{ name: UNDER_PRIVILEGED_TOKEN_NAME, token: underPrivilegedToken, permissions: ["Rguest"] }],
  };
}
