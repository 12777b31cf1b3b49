/**
 * Write-only inputs (passwords) are never stored; outputs keep a salted
 * scrypt digest instead, so a changed password is detected offline in `diff`
 * while the state holds nothing a reader could turn back into the password.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

const PREFIX = "scrypt1";
// Cost kept moderate: diff runs once per resource per preview, offline, for thousands of users.
const N = 1 << 13;
const KEY_LENGTH = 32;

export function digestSecret(value: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(value, salt, KEY_LENGTH, { N });
  return `${PREFIX}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** False for a digest of another value, and for anything that is not one of our digests. */
export function matchesDigest(value: string, digest: unknown): boolean {
  if (typeof digest !== "string") return false;
  const [prefix, salt, hash] = digest.split("$");
  if (prefix !== PREFIX || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = scryptSync(value, Buffer.from(salt, "base64url"), expected.length, { N });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
