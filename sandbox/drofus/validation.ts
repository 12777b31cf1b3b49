import { RIGHTS_LEVELS, type RightsLevel } from "./state";

/**
 * ActiveModel-style validation: every failing field collected at once, with
 * Rails' stock messages, so a 422 names all that is wrong in one answer.
 */
export class Errors {
  readonly #messages = new Map<string, string[]>();

  add(field: string, message: string): void {
    const list = this.#messages.get(field);
    if (list) list.push(message);
    else this.#messages.set(field, [message]);
  }

  get any(): boolean {
    return this.#messages.size > 0;
  }

  toJSON(): Record<string, string[]> {
    return Object.fromEntries(this.#messages);
  }
}

export const BLANK = "can't be blank";
export const NOT_IN_LIST = "is not included in the list";
export const TAKEN = "has already been taken";
export const INVALID = "is invalid";
export const MUST_EXIST = "must exist";
export const NOT_A_NUMBER = "is not a number";
/** Not a stock Rails message: the documentation names no message for a missing database. */
export const DOES_NOT_EXIST = "does not exist";

/** Rails' `blank?` for the scalars strong parameters let through. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/** A string column's value: numbers become their text, as ActiveModel casts them. */
export function castString(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return String(value);
}

const FALSE_VALUES: ReadonlySet<unknown> = new Set([false, 0, "0", "f", "F", "false", "FALSE", "off", "OFF"]);

/** ActiveModel's boolean cast: a short list of false spellings, blank is nil, anything else true. */
export function castBoolean(value: unknown): boolean | null {
  if (isBlank(value)) return null;
  return !FALSE_VALUES.has(value);
}

/**
 * An integer, from a number or a string of digits; undefined when blank,
 * NaN when present but not an integer (Rails' `to_i` leniency is not copied:
 * a client should not come to rely on `"5abc"` meaning 5).
 */
export function castInteger(value: unknown): number | undefined {
  if (isBlank(value)) return undefined;
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : NaN;
  if (typeof value === "string" && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return NaN;
}

/** A decimal column: a number or a numeric string; blank clears it; NaN when neither. */
export function castDecimal(value: unknown): number | null {
  if (isBlank(value)) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : NaN;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return NaN;
}

/** A rights level 1..4, or undefined when the value is not one. */
export function castRights(value: unknown): RightsLevel | undefined {
  const level = castInteger(value);
  return RIGHTS_LEVELS.find((l) => l === level);
}

/** A record id from a URL segment: plain digits only. */
export function parseId(segment: string): number | undefined {
  return /^\d{1,15}$/.test(segment) ? Number(segment) : undefined;
}
