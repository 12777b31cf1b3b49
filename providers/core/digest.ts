/**
 * Write-only inputs (passwords) are never stored; outputs keep a salted
 * scrypt digest instead, so a changed password is detected offline in `diff`
 * while the state holds nothing a reader could turn back into the password.
 *
 * The digest detects a change; it does not guard a login. It is stored as a
 * secret, encrypted like the state's other secrets, and diff computes one per
 * password at every preview and refresh, for stacks of thousands of users:
 * hence a cost well below what a password store would use.
 */
import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from "node:crypto";

/**
 * The costs by version, named by the digest's prefix. New digests use the
 * last; earlier ones still verify, so a stack's digests never change (nor
 * show as a password change) when the package is upgraded.
 *
 * scrypt2 holds 128·N·r = 2 MB per hash (scrypt1: 8 MB). The thread pool runs
 * the hashes, and each of its threads keeps its largest allocation in a
 * malloc arena of its own, so this figure, times the pool's four threads, is
 * what the provider process keeps.
 */
const COSTS = { scrypt1: { N: 1 << 13 }, scrypt2: { N: 1 << 11 } } as const;
type Version = keyof typeof COSTS;
const CURRENT: Version = "scrypt2";
const KEY_LENGTH = 32;

/**
 * One hash at a time, on libuv's thread pool: synchronous, each hash would
 * stall the provider's event loop, and every request in flight with it; more
 * than one at a time gains nothing on the few cores that the CLI, the
 * language host and the provider share.
 */
let queue: Promise<unknown> = Promise.resolve();

function hash(version: Version, value: string, salt: BinaryLike, length: number): Promise<Buffer> {
  const { N } = COSTS[version];
  const next = queue.then(
    () =>
      new Promise<Buffer>((resolve, reject) => scrypt(value, salt, length, { N }, (error, key) => (error ? reject(error) : resolve(key)))),
  );
  queue = next.catch(() => undefined);
  return next;
}

export async function digestSecret(value: string): Promise<string> {
  const salt = randomBytes(16);
  const digest = await hash(CURRENT, value, salt, KEY_LENGTH);
  return `${CURRENT}$${salt.toString("base64url")}$${digest.toString("base64url")}`;
}

/** False for a digest of another value, and for anything that is not one of our digests. */
export async function matchesDigest(value: string, digest: unknown): Promise<boolean> {
  if (typeof digest !== "string") return false;
  const [version, salt, stored] = digest.split("$");
  if (!version || !Object.hasOwn(COSTS, version) || !salt || !stored) return false;
  const expected = Buffer.from(stored, "base64url");
  if (expected.length === 0) return false;
  const actual = await hash(version as Version, value, Buffer.from(salt, "base64url"), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
