/**
 * Roles specified on a workspace node (its root or a space): reading and
 * changing the per-account maps of `wspSrc SetSpecifiedRoles`.
 */
import { z } from "zod";
import { effectiveGlobalRoles, findAccount, flattenedGroups } from "./accounts";
import { badRequest } from "./http";
import type { RoleEntry, RoleNode, ScenariState, StoredAccount, StoredWsp } from "./state";

/** `""` and `"/"` are the root; a space is `/a/b`, without a trailing slash. */
export function normaliseRefUri(refUri: string | undefined): string {
  const trimmed = (refUri ?? "").replace(/\/+$/, "");
  if (trimmed === "") return "";
  const path = trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
  if (path.split("/").some((segment, i) => i > 0 && (segment === "" || segment === "." || segment === ".."))) {
    throw badRequest(`Invalid refUri '${refUri ?? ""}'`);
  }
  return path;
}

/** The node and its ancestors' refUris, root first: `/a/b` gives `["", "/a", "/a/b"]`. */
function lineage(refUri: string): string[] {
  const out = [""];
  const segments = refUri.split("/").slice(1);
  for (let i = 1; i <= segments.length && refUri !== ""; i++) out.push(`/${segments.slice(0, i).join("/")}`);
  return out;
}

function entriesAt(wsp: StoredWsp, refUri: string): readonly RoleEntry[] {
  return wsp.roleNodes.find((node) => node.refUri === refUri)?.entries ?? [];
}

export interface RenderedEntry {
  allowedRoles?: string[];
  deniedRoles?: string[];
  inheritedRoles?: string[];
  userUnknown?: boolean;
}

/**
 * The node's whole map, as both `SetSpecifiedRoles` and `GetSrc
 * format=specifiedRoles` answer it. `inheritedRoles` are the roles allowed to
 * the same account on the ancestor spaces (INFERRED); `userUnknown` flags an
 * entry whose account no longer exists.
 */
export function renderRoleMap(
  state: ScenariState,
  wsp: StoredWsp,
  refUri: string,
  forUsers?: readonly string[],
): Record<string, RenderedEntry> {
  const ancestors = lineage(refUri).slice(0, -1);
  const entries = entriesAt(wsp, refUri).filter((entry) => !forUsers || forUsers.includes(entry.account));
  // fromEntries defines own properties, so an account named `__proto__` stays an ordinary key.
  return Object.fromEntries(
    entries.map((entry) => {
      const inherited = new Set<string>();
      for (const ancestor of ancestors) {
        for (const role of entriesAt(wsp, ancestor).find((e) => e.account === entry.account)?.allowedRoles ?? []) inherited.add(role);
      }
      const rendered: RenderedEntry = {};
      if (entry.allowedRoles) rendered.allowedRoles = [...entry.allowedRoles];
      if (entry.deniedRoles) rendered.deniedRoles = [...entry.deniedRoles];
      if (inherited.size > 0) rendered.inheritedRoles = [...inherited].sort();
      if (!findAccount(state, entry.account)) rendered.userUnknown = true;
      return [entry.account, rendered];
    }),
  );
}

const RoleEntryChange = z
  .object({
    allowedRoles: z.array(z.string().min(1)).nullable().optional(),
    deniedRoles: z.array(z.string().min(1)).nullable().optional(),
  })
  .nullable();

/**
 * Applies a `SetSpecifiedRoles` map: each account given gets the entry given
 * (replacing its previous one, INFERRED), `null` removes it, accounts not
 * given are left alone (INFERRED). An entry with no roles at all is removed
 * too (INFERRED), so "no roles" reads the same however it was written.
 */
export function applyRolesChange(wsp: StoredWsp, refUri: string, change: unknown): void {
  if (change === null || typeof change !== "object" || Array.isArray(change)) {
    throw badRequest("Parameter 'options' must be a map of accounts to roles");
  }
  // Validated entry by entry rather than with a record schema, so that an
  // account named `__proto__` stays a key and never becomes a prototype.
  const changes = Object.entries(change).map(([account, value]) => {
    const parsed = RoleEntryChange.safeParse(value);
    if (!parsed.success || account === "") {
      const issue = parsed.error?.issues[0];
      throw badRequest(`Parameter 'options', account '${account}': ${issue?.message ?? "invalid entry"}`);
    }
    return [account, parsed.data] as const;
  });
  let node = wsp.roleNodes.find((n) => n.refUri === refUri);
  if (!node) {
    node = { refUri, entries: [] } satisfies RoleNode;
    wsp.roleNodes.push(node);
  }
  for (const [account, value] of changes) {
    node.entries = node.entries.filter((entry) => entry.account !== account);
    if (value === null) continue;
    const allowed = value.allowedRoles ? [...new Set(value.allowedRoles)] : [];
    const denied = value.deniedRoles ? [...new Set(value.deniedRoles)] : [];
    if (allowed.length === 0 && denied.length === 0) continue;
    node.entries.push({
      account,
      ...(allowed.length > 0 ? { allowedRoles: allowed } : {}),
      ...(denied.length > 0 ? { deniedRoles: denied } : {}),
    });
  }
  wsp.roleNodes = wsp.roleNodes.filter((n) => n.entries.length > 0);
}

/**
 * The roles an account holds on a node: its global roles, plus what the
 * node and its ancestors allow to it or to its groups, minus what they deny
 * (INFERRED: the nearest node wins, denial over allowance on the same node).
 */
export function rolesOnNode(state: ScenariState, wsp: StoredWsp, account: StoredAccount, refUri: string): string[] {
  const roles = effectiveGlobalRoles(state, account);
  const holders = new Set([account.account, ...flattenedGroups(state, account)]);
  for (const uri of lineage(refUri)) {
    for (const entry of entriesAt(wsp, uri)) {
      if (!holders.has(entry.account)) continue;
      for (const role of entry.allowedRoles ?? []) roles.add(role);
      for (const role of entry.deniedRoles ?? []) roles.delete(role);
    }
  }
  return [...roles].sort();
}
