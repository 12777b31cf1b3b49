/**
 * Out-of-band operations (`POST /__sandbox/op/<name>`), for drift tests that
 * change the server behind a client's back. They bypass the API's checks on
 * purpose (a group may be given an unknown parent, a read-only account may be
 * edited) but validate their own input strictly, so a typo in a test fails
 * the test instead of doing nothing.
 */
import { z } from "zod";
import { digestPassword, findAccount } from "./accounts";
import { applyRolesChange, normaliseRefUri, renderRoleMap } from "./roleMaps";
import type { ScenariState, StoredAccount, StoredWsp, WspTypeDef } from "./state";
import { findWsp } from "./workspaces";

const strings = z.array(z.string());
const AccountProps = z.strictObject({
  userType: z.enum(["user", "group"]).optional(),
  nickNames: strings.nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  groupName: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  categ: z.string().nullable().optional(),
  groups: strings.nullable().optional(),
  grantedRoles: strings.nullable().optional(),
  refusedRoles: strings.nullable().optional(),
  authMethod: z.string().nullable().optional(),
  isDisabled: z.boolean().nullable().optional(),
  disabledEndDt: z.number().nullable().optional(),
  isHidden: z.boolean().nullable().optional(),
  isReadOnly: z.boolean().nullable().optional(),
  isSuperAdmin: z.boolean().nullable().optional(),
  isAnonymous: z.boolean().nullable().optional(),
  pwdEndDt: z.number().nullable().optional(),
  password: z.string().min(1).optional(),
});

const WspProps = z.strictObject({
  title: z.string().nullable().optional(),
  desc: z.string().nullable().optional(),
  alias: z.string().nullable().optional(),
  skins: strings.nullable().optional(),
  publicWsp: z.boolean().nullable().optional(),
  airIt: z.boolean().nullable().optional(),
  extIt: z.boolean().nullable().optional(),
  mirror: z.boolean().nullable().optional(),
});

const Ref = z.strictObject({
  key: z.string(),
  uri: z.string(),
  version: z.string().regex(/^\d+(\.\d+)*$/),
  lang: z.string(),
  title: z.string(),
});
const WspTypeDefSchema = Ref.extend({ options: z.array(Ref.extend({ nature: z.enum(["skin", "gen", "ext"]) })).default([]) });

const AccountRef = z.strictObject({ account: z.string().min(1) });
const WspRef = z.strictObject({ wsp: z.string().min(1) });

export const scenariOps: Readonly<Record<string, (state: ScenariState, body: unknown) => unknown>> = {
  /** Creates or entirely replaces an account: `{account, userType, ...props}`. */
  putAccount(state, body) {
    const { account, ...props } = AccountProps.extend({ account: z.string().min(1) }).parse(body);
    const stored: StoredAccount = { account, userType: props.userType ?? "user" };
    mergeAccount(stored, props);
    state.accounts = [...state.accounts.filter((a) => a.account !== account), stored];
    return publicAccount(stored);
  },
  /** Changes some props of an account: `{account, props}`; `null` removes a prop. */
  patchAccount(state, body) {
    const { account, props } = z.strictObject({ account: z.string(), props: AccountProps }).parse(body);
    const stored = mustFindAccount(state, account);
    mergeAccount(stored, props);
    return publicAccount(stored);
  },
  deleteAccount(state, body) {
    const { account } = AccountRef.parse(body);
    mustFindAccount(state, account);
    state.accounts = state.accounts.filter((a) => a.account !== account);
    return { ok: true };
  },
  /** Changes workspace props behind the API's back: `{wsp, props}` (`wsp` is a code or an alias). */
  patchWsp(state, body) {
    const { wsp: ref, props } = z.strictObject({ wsp: z.string(), props: WspProps }).parse(body);
    const wsp = mustFindWsp(state, ref);
    for (const [key, value] of Object.entries(props) as [keyof typeof props, unknown][]) {
      if (value === undefined) continue;
      if (value === null) delete wsp[key];
      else (wsp as unknown as Record<string, unknown>)[key] = value;
    }
    wsp.modifiedAt = Date.now();
    return wsp;
  },
  trashWsp(state, body) {
    const wsp = mustFindWsp(state, WspRef.parse(body).wsp);
    wsp.trashed = true;
    return wsp;
  },
  restoreWsp(state, body) {
    const wsp = mustFindWsp(state, WspRef.parse(body).wsp);
    delete wsp.trashed;
    return wsp;
  },
  purgeWsp(state, body) {
    const wsp = mustFindWsp(state, WspRef.parse(body).wsp);
    state.wsps = state.wsps.filter((w) => w !== wsp);
    return { ok: true };
  },
  /** `{wsp, refUri?, roles: {account: {allowedRoles, deniedRoles} | null}}`, as SetSpecifiedRoles takes it. */
  setSpecifiedRoles(state, body) {
    const { wsp: ref, refUri, roles } = z.strictObject({ wsp: z.string(), refUri: z.string().optional(), roles: z.unknown() }).parse(body);
    const wsp = mustFindWsp(state, ref);
    const node = normaliseRefUri(refUri);
    applyRolesChange(wsp, node, roles);
    return renderRoleMap(state, wsp, node);
  },
  /** Installs a model, or replaces the one with the same uri. */
  installWspTypeDef(state, body) {
    const def: WspTypeDef = WspTypeDefSchema.parse(body);
    state.wspTypeDefs = [...state.wspTypeDefs.filter((d) => d.uri !== def.uri), def];
    return def;
  },
  /** Removes a model; workspaces using it then carry a `wspTypeWarn`. */
  uninstallWspTypeDef(state, body) {
    const { uri } = z.strictObject({ uri: z.string() }).parse(body);
    if (!state.wspTypeDefs.some((d) => d.uri === uri)) throw new Error(`no installed model ${uri}`);
    state.wspTypeDefs = state.wspTypeDefs.filter((d) => d.uri !== uri);
    return { ok: true };
  },
};

function mergeAccount(stored: StoredAccount, props: z.infer<typeof AccountProps>): void {
  const { password, ...rest } = props;
  for (const [key, value] of Object.entries(rest)) {
    if (value === undefined) continue;
    if (value === null) delete (stored as unknown as Record<string, unknown>)[key];
    else (stored as unknown as Record<string, unknown>)[key] = value;
  }
  if (password !== undefined) {
    stored.password = digestPassword(password);
    stored.pwdDt = Date.now();
  }
}

function publicAccount(account: StoredAccount): Omit<StoredAccount, "password"> {
  const { password: _password, ...rest } = account;
  return rest;
}

function mustFindAccount(state: ScenariState, account: string): StoredAccount {
  const found = findAccount(state, account);
  if (!found) throw new Error(`no account ${account}`);
  return found;
}

function mustFindWsp(state: ScenariState, ref: string): StoredWsp {
  const found = findWsp(state, ref);
  if (!found) throw new Error(`no workspace ${ref}`);
  return found;
}
