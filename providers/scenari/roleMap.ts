/**
 * A workspace root's role map in the program's terms: account →
 * `{ allowed, denied? }`. Role lists are sets and an entry without any role
 * is no entry (the server drops those), so both are put in one canonical
 * form before comparing; what is sent is computed against the live map.
 */
import type { RoleChange, ScenariRoleMap } from "./client";

export interface RoleEntry {
  allowed: string[];
  denied?: string[];
}

export type RoleMap = Record<string, RoleEntry>;

function sortedUnique(values: readonly string[] | null | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}

function entryOf(allowed: readonly string[] | null | undefined, denied: readonly string[] | null | undefined): RoleEntry | undefined {
  const a = sortedUnique(allowed);
  const d = sortedUnique(denied);
  if (a.length === 0 && d.length === 0) return undefined;
  return d.length > 0 ? { allowed: a, denied: d } : { allowed: a };
}

/**
 * The canonical form of a map given by a program or kept in a state: sorted
 * roles, no empty `denied`, no entry without roles. Anything that is not a
 * map (an unknown value during a preview) is returned as is.
 */
export function canonicalRoleMap(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const out: [string, RoleEntry][] = [];
  for (const [account, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!raw || typeof raw !== "object") return value;
    const { allowed, denied } = raw as { allowed?: string[]; denied?: string[] };
    const entry = entryOf(allowed, denied);
    if (entry) out.push([account, entry]);
  }
  // fromEntries defines own properties: an account name never reaches a prototype.
  return Object.fromEntries(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The server's map in the program's terms; inherited roles and the `userUnknown` flag are not part of it. */
export function roleMapFromServer(map: ScenariRoleMap): RoleMap {
  const out: [string, RoleEntry][] = [];
  for (const [account, raw] of Object.entries(map)) {
    const entry = entryOf(raw.allowedRoles, raw.deniedRoles);
    if (entry) out.push([account, entry]);
  }
  return canonicalRoleMap(Object.fromEntries(out)) as RoleMap;
}

/**
 * What to send so that the live map becomes `wanted`: the entries that
 * differ, with both lists written out (so a denial given before is lifted),
 * and `null` for every live account the program does not list.
 */
export function roleChanges(live: RoleMap, wanted: RoleMap): Map<string, RoleChange> {
  const want = canonicalRoleMap(wanted) as RoleMap;
  const have = canonicalRoleMap(live) as RoleMap;
  const changes = new Map<string, RoleChange>();
  for (const [account, entry] of Object.entries(want)) {
    const current = Object.hasOwn(have, account) ? have[account] : undefined;
    if (!current || JSON.stringify(current) !== JSON.stringify(entry)) {
      changes.set(account, { allowedRoles: entry.allowed, deniedRoles: entry.denied ?? [] });
    }
  }
  for (const account of Object.keys(have)) if (!Object.hasOwn(want, account)) changes.set(account, null);
  return changes;
}
