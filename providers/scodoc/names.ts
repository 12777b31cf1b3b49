/** ScoDoc's naming rules, checked offline so that a preview reports them. */
import { z } from "zod";

/** `Departement.invalid_dept_acronym`: word characters, `@`, `\`, `-`, `.`; shorter than 32. */
export const acronym = z
  .string()
  .min(1, "must not be empty")
  .max(31, "must be shorter than 32 characters (ScoDoc's limit)")
  .regex(/^[\w@\\\-.]+$/, "may only contain letters, digits, _ @ \\ - and .");

/**
 * Letters and digits only: ScoDoc's own CLI rule. `_` and `,` would corrupt
 * `roles_string`, where grants are written `Role_DEPT,Other_`.
 */
export const roleName = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[A-Za-z0-9]+$/, "may only contain letters and digits (ScoDoc writes grants as Role_DEPT, so _ and , are not allowed)");

/** `VALID_LOGIN_EXP` and the column's 64 characters. */
export const userName = z
  .string()
  .min(1, "must not be empty")
  .max(64, "must be at most 64 characters")
  .regex(/^[a-zA-Z0-9@\\\-_.]+$/, "may only contain letters, digits, @ \\ - _ and . (ScoDoc's login format)");
