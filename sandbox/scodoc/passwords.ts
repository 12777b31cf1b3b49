/**
 * Password storage and ScoDoc's strength check.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Salted SHA-256: the state file is a test fixture, and a slow KDF would only
 * slow down every token request of the benchmarks.
 */
export function hashPassword(password: string): string {
  const salt = randomBytes(8).toString("hex");
  return `${salt}$${digest(salt, password)}`;
}

export function checkPassword(stored: string, password: string): boolean {
  const [salt, hex] = stored.split("$");
  if (salt === undefined || hex === undefined) return false;
  const want = Buffer.from(hex, "hex");
  const got = Buffer.from(digest(salt, password), "hex");
  return want.length === got.length && timingSafeEqual(want, got);
}

function digest(salt: string, password: string): string {
  return createHash("sha256").update(`${salt}:${password}`).digest("hex");
}

const MIN_LENGTH = 8;
const MIN_DISTINCT = 5;

/** Words cracklib's dictionary would certainly hold: a small stand-in for it. */
const WEAK_WORDS = new Set([
  "password",
  "motdepasse",
  "azertyuiop",
  "qwertyuiop",
  "administrateur",
  "administrator",
  "scodoc",
  "universite",
  "iloveyou",
  "welcome",
  "bonjour",
  "soleil",
  "secret",
  "letmein",
  "changeme",
  "sunshine",
  "football",
  "princess",
  "dragon",
  "monkey",
]);

/**
 * The sandbox's approximation of `is_valid_password`: ScoDoc asks cracklib's
 * FascistCheck, which refuses short, repetitive, systematic and dictionary
 * passwords. Here: at least 8 characters, at least 5 distinct ones, not a run
 * like "abcdefgh" or "98765432", and not a common word (optionally followed
 * by digits or punctuation, the usual way of dressing one up).
 */
export function isValidPassword(password: string): boolean {
  if ([...password].length < MIN_LENGTH) return false;
  if (new Set(password).size < MIN_DISTINCT) return false;
  if (isRun(password)) return false;
  const word = password.toLowerCase().replace(/[\d\W_]+$/u, "");
  return !WEAK_WORDS.has(word);
}

/** Consecutive code points all going up by one, or all going down by one. */
function isRun(password: string): boolean {
  const points = [...password].map((c) => c.codePointAt(0) ?? 0);
  const step = (points[1] ?? 0) - (points[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return points.every((p, i) => i === 0 || p - (points[i - 1] ?? 0) === step);
}
