/**
 * The name rules ScoDoc applies, and Python's view of JSON values.
 */

/** `Departement.invalid_dept_acronym`'s pattern, `^[\w@\\\-\.]+$` with Python's Unicode `\w`. */
const ACRONYM = /^[\p{L}\p{N}_@\\\-.]+$/u;
/** The acronym column is a `String(32)`, and ScoDoc refuses 32 characters already. */
const ACRONYM_MAX = 31;

/** `VALID_LOGIN_EXP`. */
const USER_NAME = /^[a-zA-Z0-9@\\\-_.]+$/;
const USER_NAME_MAX = 64;

/**
 * The CLI's `create-role` rule. It also keeps `_` and `,` out of role names,
 * which would make `roles_string` ambiguous.
 */
const ROLE_NAME = /^[a-zA-Z0-9]+$/;
const ROLE_NAME_MAX = 64;

const length = (s: string) => [...s].length;

export function invalidAcronym(acronym: string): string | undefined {
  if (acronym === "") return "acronyme vide";
  if (length(acronym) > ACRONYM_MAX) return `acronyme trop long (${ACRONYM_MAX} caractères au plus)`;
  if (!ACRONYM.test(acronym)) return `acronyme invalide: ${acronym}`;
  return undefined;
}

export function invalidUserName(userName: string): string | undefined {
  if (length(userName) > USER_NAME_MAX) return `invalid user_name: ${userName} (${USER_NAME_MAX} characters at most)`;
  if (!USER_NAME.test(userName)) return `invalid user_name: ${userName}`;
  return undefined;
}

export function invalidRoleName(name: string): string | undefined {
  if (length(name) > ROLE_NAME_MAX) return `invalid role name: ${name} (${ROLE_NAME_MAX} characters at most)`;
  if (!ROLE_NAME.test(name)) return `invalid role name: ${name} (letters and digits only)`;
  return undefined;
}

/** Python's `bool(value)` on a decoded JSON value. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** `scu.to_bool` on a query-string flag. */
export function queryFlag(value: string): boolean {
  return ["1", "true", "on", "yes", "oui"].includes(value.trim().toLowerCase());
}
