/** Scenari's naming rules, checked offline so that a preview reports them. */
import { z } from "zod";

/**
 * Users and groups share one namespace of accounts. The old edit form's
 * pattern, widened to `.` and `@` so that the e-mail-like accounts of
 * directories fit; no space, slash, quote or accented letter, which the
 * TAB-joined and CDM-quoted parameters carrying accounts do not need either.
 */
export const account = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/, "may only contain letters, digits, _ . @ and -, and must not start with . @ or -")
  // An account is also a key of role maps, where this one would be a prototype, not a key.
  .refine((value) => value !== "__proto__", "__proto__ cannot be an account name");

/** What a server-assigned workspace code looks like on a database backend: 22 letters and digits. */
export const WSP_CD_PATTERN = /^[0-9A-Za-z]{22}$/;

/**
 * The web client's alias rule. An alias that could be mistaken for a
 * server-assigned code is refused, because `param` takes either.
 */
export const alias = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9_-]+$/, "may only contain letters, digits, _ and -")
  .refine(
    (value) => !WSP_CD_PATTERN.test(value),
    "must not be 22 letters and digits: that is the shape of a workspace code, which the server would confuse it with",
  );

/** A workspace's code on a file-system backend, where it names the folder. */
export const code = z
  .string()
  .min(1, "must not be empty")
  .regex(/^[A-Za-z0-9_]+$/, "may only contain letters, digits and _");

/** A role name such as `main:author`: any non-empty string without a TAB, which would split it. */
export const roleName = z
  .string()
  .min(1, "a role name must not be empty")
  .regex(/^[^\t\r\n]+$/, "a role name must be on one line");
