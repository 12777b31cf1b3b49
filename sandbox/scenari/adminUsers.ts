/**
 * `adminUsers`: listing, reading, creating, updating and dropping users and
 * groups. Failures of writes are answered in-band, with HTTP 200.
 */
import { z } from "zod";
import type { Reply } from "../core/router";
import {
  AccountFailure,
  applyUserProps,
  checkAccountName,
  FieldSelection,
  findAccount,
  findLogin,
  flattenedGroups,
  inheritedRoles,
  isDisabledAt,
  newAccount,
  parseUserProps,
  renderUser,
} from "./accounts";
import { badRequest, jsonReply } from "./http";
import { READ, WRITE, type Call, type Service } from "./service";
import type { StoredAccount, UserType } from "./state";

const DISABLED_FILTERS = [
  "enabled",
  "enabledPermanent",
  "NotEnabledPermanent",
  "enabledTemporary",
  "NotEnabledTemporary",
  "disabled",
  "disabledPermanent",
  "NotDisabledPermanent",
  "disabledTemporary",
  "NotDisabledTemporary",
] as const;

const ListOptions = z.object({
  firstChars: z.string().optional(),
  filterType: z.enum(["user", "group"]).optional(),
  filterHidden: z.boolean().optional(),
  filterGroupsMembers: z.array(z.string()).optional(),
  filterRoles: z.array(z.string()).optional(),
  filterDisabled: z.enum(DISABLED_FILTERS).optional(),
  maxResults: z.number().int().positive().optional(),
  fieldMatchRegExp: z.string().optional(),
  fieldsContainsList: z.string().optional(),
});

type ListOptions = z.infer<typeof ListOptions>;

/** The text fields searched by `firstChars` and, unless `fieldsContainsList` names others, by `fieldMatchRegExp`. */
const SEARCHED_FIELDS = ["account", "nickNames", "firstName", "lastName", "groupName", "email"] as const;

export const adminUsers: Service = {
  adminOnly: true,
  actions: {
    List: { methods: READ, run: list },
    Display: {
      methods: READ,
      run(call) {
        const account = findAccount(call.state, call.params.required("param"));
        // An unknown account is not an error: the answer simply has no `user`.
        return jsonReply(account ? { user: renderUser(call.state, account, fieldsOf(call)) } : {});
      },
    },
    DisplaySet: {
      methods: READ,
      run(call) {
        const entries = call.params.tabList("param").map((name) => {
          const account = findAccount(call.state, name);
          return [name, account ? renderUser(call.state, account, fieldsOf(call)) : null] as const;
        });
        return jsonReply(Object.fromEntries(entries));
      },
    },
    CurrentUser: { methods: READ, run: (call) => jsonReply(renderUser(call.state, call.caller, fieldsOf(call))) },
    CreateUser: { methods: WRITE, run: (call) => create(call, "user") },
    CreateGroup: { methods: WRITE, run: (call) => create(call, "group") },
    // Both act on any account: scenaripy's set_granted_roles sends UpdateUser for groups too.
    UpdateUser: { methods: WRITE, run: update },
    UpdateGroup: { methods: WRITE, run: update },
    DropUser: { methods: WRITE, run: drop },
    DropGroup: { methods: WRITE, run: drop },
  },
};

function fieldsOf(call: Call): FieldSelection {
  return new FieldSelection(call.params.getAll("fields"));
}

function list(call: Call): Reply {
  const raw = call.params.cdm("options") ?? {};
  const parsed = ListOptions.safeParse(raw);
  if (!parsed.success) throw badRequest(`Parameter 'options': ${parsed.error.issues[0]?.message ?? "invalid"}`);
  const options = parsed.data;
  const matches = matcher(call, options);
  const found = call.state.accounts.filter(matches).sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  const limit = options.maxResults ?? Number.POSITIVE_INFINITY;
  const fields = fieldsOf(call);
  return jsonReply({
    userList: found.slice(0, limit).map((account) => renderUser(call.state, account, fields)),
    more: found.length > limit,
  });
}

function matcher(call: Call, options: ListOptions): (account: StoredAccount) => boolean {
  const { state, now } = call;
  let pattern: RegExp | undefined;
  if (options.fieldMatchRegExp !== undefined) {
    try {
      pattern = new RegExp(options.fieldMatchRegExp);
    } catch {
      throw badRequest("Parameter 'options': fieldMatchRegExp is not a valid regular expression");
    }
  }
  const patternFields = options.fieldsContainsList?.split(/[\s,*]+/).filter((f) => f !== "") ?? [...SEARCHED_FIELDS];
  const prefix = options.firstChars?.toLowerCase();
  const groups = options.filterGroupsMembers;
  const roles = options.filterRoles;

  return (account) => {
    if (options.filterType && account.userType !== options.filterType) return false;
    if (options.filterHidden === true && account.isHidden === true) return false;
    if (prefix !== undefined && !textValues(account, SEARCHED_FIELDS).some((v) => v.toLowerCase().startsWith(prefix))) {
      return false;
    }
    if (pattern && !textValues(account, patternFields).some((v) => (pattern as RegExp).test(v))) return false;
    if (groups && groups.length > 0) {
      const memberOf = flattenedGroups(state, account);
      if (!groups.some((g) => memberOf.includes(g))) return false;
    }
    if (roles && roles.length > 0) {
      const held = new Set([...(account.grantedRoles ?? []), ...inheritedRoles(state, account)]);
      if (!roles.some((r) => held.has(r))) return false;
    }
    if (options.filterDisabled && !matchesDisabledFilter(account, options.filterDisabled, now)) return false;
    return true;
  };
}

function textValues(account: StoredAccount, fields: readonly string[]): string[] {
  const values: string[] = [];
  for (const field of fields) {
    const value: unknown = (account as unknown as Record<string, unknown>)[field];
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v): v is string => typeof v === "string"));
  }
  return values;
}

/**
 * INFERRED: "temporary" is a state with an end date (`disabledEndDt` on an
 * enabled account), "permanent" one without; an account whose end date has
 * passed is disabled, temporarily.
 */
function matchesDisabledFilter(account: StoredAccount, filter: (typeof DISABLED_FILTERS)[number], now: number): boolean {
  const disabled = isDisabledAt(account, now);
  const hasEnd = account.disabledEndDt !== undefined;
  const facts: Record<(typeof DISABLED_FILTERS)[number], boolean> = {
    enabled: !disabled,
    enabledPermanent: !disabled && !hasEnd,
    NotEnabledPermanent: !(!disabled && !hasEnd),
    enabledTemporary: !disabled && hasEnd,
    NotEnabledTemporary: !(!disabled && hasEnd),
    disabled,
    disabledPermanent: account.isDisabled === true,
    NotDisabledPermanent: account.isDisabled !== true,
    disabledTemporary: disabled && account.isDisabled !== true,
    NotDisabledTemporary: !(disabled && account.isDisabled !== true),
  };
  return facts[filter];
}

function create(call: Call, userType: UserType): Reply {
  const { state, params } = call;
  return inBand(() => {
    const name = params.required("param");
    checkAccountName(name);
    const taken = findLogin(state, name);
    if (taken) {
      throw new AccountFailure(
        "failedAccountConflict",
        "AccountConflictException",
        taken.account === name ? `Account '${name}' already exists` : `'${name}' is a nick name of account '${taken.account}'`,
      );
    }
    const props = parseUserProps(params.cdm("userProps"));
    const account = newAccount(name, userType);
    applyUserProps(state, account, props, call.now);
    state.accounts.push(account);
    return { result: "available", user: renderUser(state, account) };
  });
}

function update(call: Call): Reply {
  const { state, params } = call;
  return inBand(() => {
    const name = params.required("param");
    const account = findAccount(state, name);
    if (!account) throw new AccountFailure("otherFailure", "AccountNotFoundException", `Unknown account '${name}'`);
    if (account.isReadOnly) throw new AccountFailure("otherFailure", "ReadOnlyAccountException", `Account '${name}' is read-only`);
    const props = parseUserProps(params.cdm("userProps"));
    applyUserProps(state, account, props, call.now);
    return { result: "updated", user: renderUser(state, account) };
  });
}

/**
 * Drops every account named (TAB-separated, in the query or the form),
 * whatever its type, as UpdateUser acts on groups too (INFERRED). Unknown
 * accounts are skipped. Memberships of a dropped group go with it; role maps
 * keep their entries, which then read as `userUnknown` (INFERRED).
 */
function drop(call: Call): Reply {
  const { state, params } = call;
  return inBand(() => {
    const names = new Set(params.tabList("param"));
    if (names.size === 0) throw badRequest("Parameter 'param' is required");
    const readOnly = state.accounts.find((a) => names.has(a.account) && a.isReadOnly);
    if (readOnly) {
      throw new AccountFailure("otherFailure", "ReadOnlyAccountException", `Account '${readOnly.account}' is read-only`);
    }
    state.accounts = state.accounts.filter((a) => !names.has(a.account));
    for (const account of state.accounts) {
      if (account.groups?.some((g) => names.has(g))) account.groups = account.groups.filter((g) => !names.has(g));
    }
    return {};
  });
}

function inBand(change: () => unknown): Reply {
  try {
    return jsonReply(change());
  } catch (error) {
    if (error instanceof AccountFailure) return jsonReply(error.toBody());
    throw error;
  }
}
