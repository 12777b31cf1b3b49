/**
 * Accounts (users and groups share one namespace): how they are found,
 * authenticated, rendered as `JUser`, and changed by `userProps`.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { CdmValue } from "../../providers/scenari/cdm";
import type { PasswordDigest, ScenariState, StoredAccount, UserType } from "./state";

/** The in-band failure codes of `adminUsers` writes (answered with HTTP 200). */
export type AccountResult = "failedAccountConflict" | "failedInvalidDatas" | "otherFailure";

/**
 * A refused account change. Scenari reports these in the body, not with a
 * status, so clients that read `["user"]` blindly fail on them as they would
 * on the real server.
 */
export class AccountFailure extends Error {
  readonly result: AccountResult;
  readonly errorType: string;

  constructor(result: AccountResult, errorType: string, message: string) {
    super(message);
    this.name = "AccountFailure";
    this.result = result;
    this.errorType = errorType;
  }

  toBody(): { result: AccountResult; secondaryResults: { error: { type: string; msg: string } } } {
    return { result: this.result, secondaryResults: { error: { type: this.errorType, msg: this.message } } };
  }
}

/** The old edit form's pattern, widened to `.` and `@` so that e-mail-like accounts of directories fit (INFERRED). */
const ACCOUNT_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,127}$/;

export function checkAccountName(account: string): void {
  if (!ACCOUNT_PATTERN.test(account)) {
    throw new AccountFailure("failedInvalidDatas", "InvalidAccountException", `Invalid account name '${account}'`);
  }
}

export function findAccount(state: ScenariState, account: string): StoredAccount | undefined {
  return state.accounts.find((a) => a.account === account);
}

/** The account a login name designates: its account, or one of its nick names. */
export function findLogin(state: ScenariState, login: string): StoredAccount | undefined {
  return findAccount(state, login) ?? state.accounts.find((a) => a.nickNames?.includes(login));
}

// ---------------------------------------------------------------------------
// Passwords

/**
 * A salted SHA-256, not a slow KDF: every request of a sandbox carries Basic
 * credentials, and a benchmark must measure the client, not scrypt.
 */
export function digestPassword(password: string, salt = randomBytes(12).toString("base64url")): PasswordDigest {
  return { salt, sha256: createHash("sha256").update(`${salt}\0${password}`).digest("hex") };
}

export function passwordMatches(digest: PasswordDigest | undefined, password: string): boolean {
  if (!digest) return false;
  const expected = Buffer.from(digest.sha256, "hex");
  const actual = Buffer.from(digestPassword(password, digest.salt).sha256, "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// ---------------------------------------------------------------------------
// Derived facts

/** Every group the account belongs to, directly or through other groups, in discovery order. */
export function flattenedGroups(state: ScenariState, account: StoredAccount): string[] {
  const seen = new Set<string>();
  const queue = [...(account.groups ?? [])];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...(findAccount(state, name)?.groups ?? []));
  }
  return [...seen];
}

/** The global roles granted to the account's groups (INFERRED: refused roles of groups are not subtracted). */
export function inheritedRoles(state: ScenariState, account: StoredAccount): string[] {
  const roles = new Set<string>();
  for (const group of flattenedGroups(state, account)) {
    for (const role of findAccount(state, group)?.grantedRoles ?? []) roles.add(role);
  }
  return [...roles].sort();
}

/** The roles that decide what the account may do on the portal. */
export function effectiveGlobalRoles(state: ScenariState, account: StoredAccount): Set<string> {
  const refused = new Set(account.refusedRoles ?? []);
  return new Set([...(account.grantedRoles ?? []), ...inheritedRoles(state, account)].filter((r) => !refused.has(r)));
}

/**
 * Disabled now, either explicitly or because the account's end date has
 * passed (INFERRED reading of `disabledEndDt`: the date from which an
 * enabled account stops being usable).
 */
export function isDisabledAt(account: StoredAccount, now: number): boolean {
  return account.isDisabled === true || (account.disabledEndDt !== undefined && account.disabledEndDt <= now);
}

// ---------------------------------------------------------------------------
// Rendering

/** Fields added only on request (`fields=flattenedGroups`); everything else is rendered unless removed (`fields=-x`). */
const OPT_IN_FIELDS = new Set(["flattenedGroups"]);

export class FieldSelection {
  readonly #added = new Set<string>();
  readonly #removed = new Set<string>();

  constructor(fields: readonly string[] = []) {
    for (const field of fields) {
      if (field.startsWith("-")) this.#removed.add(field.slice(1));
      else if (field !== "") this.#added.add(field);
    }
  }

  includes(field: string): boolean {
    if (this.#removed.has(field)) return false;
    return !OPT_IN_FIELDS.has(field) || this.#added.has(field);
  }
}

/**
 * An account as clients read it (`JUser`). Absent values are left out
 * rather than written as `null`, `""`, `[]` or `false` (INFERRED), so a client
 * must treat a missing key as the empty value.
 */
export function renderUser(state: ScenariState, account: StoredAccount, fields = new FieldSelection()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown): void => {
    if (!fields.includes(key) || value === undefined || value === false) return;
    if (Array.isArray(value) && value.length === 0) return;
    out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
  };
  put("account", account.account);
  put("userType", account.userType);
  put("nickNames", account.nickNames);
  put("firstName", account.firstName);
  put("lastName", account.lastName);
  put("groupName", account.groupName);
  put("email", account.email);
  put("categ", account.categ);
  put("groups", account.groups);
  if (fields.includes("flattenedGroups")) put("flattenedGroups", flattenedGroups(state, account));
  put("grantedRoles", account.grantedRoles);
  put("refusedRoles", account.refusedRoles);
  put("inheritedRoles", inheritedRoles(state, account));
  put("authMethod", account.authMethod);
  put("pwdEndDt", account.pwdEndDt);
  put("pwdDt", account.pwdDt);
  put("disabledEndDt", account.disabledEndDt);
  put("isDisabled", account.isDisabled);
  put("isHidden", account.isHidden);
  put("isReadOnly", account.isReadOnly);
  put("isSuperAdmin", account.isSuperAdmin);
  put("isAnonymous", account.isAnonymous);
  return out;
}

// ---------------------------------------------------------------------------
// Changes

const text = z.string().nullable().optional();
const list = z.array(z.string().min(1)).nullable().optional();

/**
 * The writable props of `userProps`. Read-only props a client echoes back
 * (`account`, `isSuperAdmin`, `inheritedRoles`, ...) and props this sandbox
 * does not know are ignored (INFERRED). `null` (`!!`) clears a prop.
 */
const UserProps = z.object({
  userType: z.enum(["user", "group"]).optional(),
  nickNames: list,
  firstName: text,
  lastName: text,
  groupName: text,
  email: z
    .string()
    .refine((v) => v === "" || /^[^\s@]+@[^\s@]+$/.test(v), "not an e-mail address")
    .nullable()
    .optional(),
  categ: text,
  groups: list,
  grantedRoles: list,
  refusedRoles: list,
  authMethod: text,
  password: z.string().min(1).optional(),
  passwordSetMode: z.enum(["byMail", "byValue"]).optional(),
  isDisabled: z.boolean().optional(),
  disabledEndDt: z.number().int().nullable().optional(),
  pwdEndDt: z.number().int().nullable().optional(),
  isHidden: z.boolean().optional(),
});

export type UserPropsInput = z.infer<typeof UserProps>;

export function parseUserProps(value: CdmValue | undefined): UserPropsInput {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AccountFailure("failedInvalidDatas", "InvalidDatasException", "userProps must be an object");
  }
  const parsed = UserProps.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "userProps";
    throw new AccountFailure("failedInvalidDatas", "InvalidDatasException", `${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * Merges `props` into `account` (a partial update: keys not given are kept),
 * after checking them against the rest of the namespace. Nothing is changed
 * when a check fails.
 */
export function applyUserProps(state: ScenariState, account: StoredAccount, props: UserPropsInput, now: number): void {
  if (props.userType !== undefined && props.userType !== account.userType) {
    throw new AccountFailure(
      "otherFailure",
      "UserGroupSwitchException",
      `Account '${account.account}' is a ${account.userType} and cannot become a ${props.userType}`,
    );
  }
  if (props.password !== undefined && account.userType === "group") {
    throw new AccountFailure("failedInvalidDatas", "InvalidDatasException", "A group has no password");
  }
  if (props.nickNames) checkNickNames(state, account, props.nickNames);
  if (props.groups) checkGroups(state, account, props.groups);

  const setText = (key: "firstName" | "lastName" | "groupName" | "email" | "categ" | "authMethod"): void => {
    const value = props[key];
    if (value === null) delete account[key];
    else if (value !== undefined) account[key] = value;
  };
  const setList = (key: "nickNames" | "groups" | "grantedRoles" | "refusedRoles"): void => {
    const value = props[key];
    if (value === null) delete account[key];
    else if (value !== undefined) account[key] = [...new Set(value)];
  };
  const setDate = (key: "disabledEndDt" | "pwdEndDt"): void => {
    const value = props[key];
    if (value === null) delete account[key];
    else if (value !== undefined) account[key] = value;
  };
  setText("firstName");
  setText("lastName");
  setText("groupName");
  setText("email");
  setText("categ");
  setText("authMethod");
  setList("nickNames");
  setList("groups");
  setList("grantedRoles");
  setList("refusedRoles");
  setDate("disabledEndDt");
  setDate("pwdEndDt");
  if (props.isDisabled !== undefined) account.isDisabled = props.isDisabled;
  if (props.isHidden !== undefined) account.isHidden = props.isHidden;
  if (props.password !== undefined) {
    account.password = digestPassword(props.password);
    account.pwdDt = now;
  }
}

function checkNickNames(state: ScenariState, account: StoredAccount, nickNames: readonly string[]): void {
  for (const nick of nickNames) {
    const owner = state.accounts.find((other) => other !== account && (other.account === nick || other.nickNames?.includes(nick) === true));
    if (owner) {
      throw new AccountFailure(
        "failedAccountConflict",
        "NickConflictException",
        `Nick name '${nick}' is already used by account '${owner.account}'`,
      );
    }
  }
}

function checkGroups(state: ScenariState, account: StoredAccount, groups: readonly string[]): void {
  for (const name of groups) {
    const group = findAccount(state, name);
    if (group?.userType !== "group") {
      throw new AccountFailure("failedInvalidDatas", "UnknownGroupException", `Unknown group '${name}'`);
    }
    if (name === account.account || (account.userType === "group" && flattenedGroups(state, group).includes(account.account))) {
      throw new AccountFailure("failedInvalidDatas", "GroupCycleException", `Group '${name}' would contain itself`);
    }
  }
}

/** A new, empty account; the caller checks the name is free and applies the props. */
export function newAccount(account: string, userType: UserType): StoredAccount {
  return { account, userType };
}
