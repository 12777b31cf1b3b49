/**
 * DrofusProject has an input named `constructor`, which every plain object
 * also inherits from `Object.prototype`. Reading `record.constructor` where
 * the key is absent yields the `Object` function, not `undefined`; these
 * helpers read own keys only, so an absent value stays absent.
 */
import { z } from "zod";

/** The value of `key` if `record` itself holds it. */
export function ownValue(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/**
 * A field schema that sees an absent key as `undefined`. zod reads fields
 * with `input[key]`, so an absent `constructor` would arrive as a function
 * (no value from a stack can be one) and fail as "received function".
 */
export function notInherited<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === "function" ? undefined : value), schema);
}
