/**
 * Write-only inputs (passwords) are never stored; outputs keep a salted
 * scrypt digest instead, so a changed password is detected offline in `diff`
 * while the state holds nothing a reader could turn back into the password.
 */
import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from "node:crypto";

const PREFIX = "scrypt1";
// Cost kept moderate: diff runs once per resource per preview, offline, for thousands of users.
const N = 1 << 13;
const KEY_LENGTH = 32;

/**
 * scrypt on libuv's thread pool: a synchronous hash would stall the
 * provider's event loop, and with it every other resource's request in
 * flight, for each password of a large stack.
 */
function hash(value: string, salt: BinaryLike, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(value, salt, length, { N }, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function digestSecret(value: string): Promise<string> {
  const salt = randomBytes(16);
  const digest = await hash(value, salt, KEY_LENGTH);
  return `${PREFIX}$${salt.toString("base64url")}$${digest.toString("base64url")}`;
}

/** False for a digest of another value, and for anything that is not one of our digests. */
export async function matchesDigest(value: string, digest: unknown): Promise<boolean> {
  if (typeof digest !== "string") return false;
  const [prefix, salt, stored] = digest.split("$");
  if (prefix !== PREFIX || !salt || !stored) return false;
  const expected = Buffer.from(stored, "base64url");
  if (expected.length === 0) return false;
  const actual = await hash(value, Buffer.from(salt, "base64url"), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
