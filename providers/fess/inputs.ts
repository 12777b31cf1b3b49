/** Fess's rules for names and attributes, checked offline so that a preview reports them. */
import { z } from "zod";
import { UNKNOWN } from "../core/spec";
import { fessId } from "./client";

/** `@Required` (not blank once trimmed) and `@Size(max = 100)`: Fess's rule for every role, group and user name. */
export const fessName = z
  .string()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters (Fess's limit)")
  .refine((name) => name.trim() !== "", "must not be blank");

/**
 * Attribute keys Fess would write over the record's own fields: it stores
 * attributes in the same document, after them (a `password` attribute would
 * even store plain text where the hash belongs). Refused for every kind, so
 * an attributes map means the same thing on a role, a group and a user.
 */
const RESERVED_KEYS = ["name", "password", "roles", "groups"] as const;

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * A `long` in Fess's index. Stricter than Fess's own check, which drops
 * grouping commas: OpenSearch then refuses `1,000` when it stores the record.
 */
function isLong(value: string): boolean {
  if (!/^[+-]?\d+$/.test(value)) return false;
  const n = BigInt(value);
  return n >= LONG_MIN && n <= LONG_MAX;
}

/**
 * A string map of attributes, without reserved keys.
 * @param longKeys keys Fess maps as `long` (`gidNumber`, `uidNumber`): their values must be whole numbers.
 */
export function attributes(longKeys: readonly string[]) {
  return z.record(z.string().min(1, "an attribute key must not be empty"), z.string()).superRefine((map, ctx) => {
    for (const key of RESERVED_KEYS) {
      if (Object.hasOwn(map, key)) {
        ctx.addIssue({ code: "custom", path: [key], message: `"${key}" is reserved: Fess would store it over the record's own ${key}` });
      }
    }
    for (const key of longKeys) {
      const value = Object.hasOwn(map, key) ? map[key] : undefined;
      if (value !== undefined && !isLong(value)) {
        ctx.addIssue({ code: "custom", path: [key], message: `must be a whole number: Fess stores ${key} as a long` });
      }
    }
  });
}

/** The `idFor` of every Fess spec: the id is the encoding of the name. */
export function idOfName(input: Readonly<Record<string, unknown>>): string | undefined {
  return typeof input.name === "string" && input.name !== UNKNOWN ? fessId(input.name) : undefined;
}
