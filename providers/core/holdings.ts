/**
 * Which server objects the resources of this deployment hold, so that a
 * delete never removes an object another resource of the stack now holds:
 * a replacement that adopted the object it replaces, a resource renamed
 * without an alias that adopted its own object, two resources adopting one.
 *
 * The record is the holders' own state, read back every run: one process
 * serves every call of a deployment, and the engine registers the whole
 * program (diff of every resource it keeps, create of every new one) before
 * it runs any delete, pending deletes of an earlier, interrupted `up`
 * included. So a delete in a later process or a later `up` sees the holder's
 * diff first. `pulumi destroy` runs no program and records nothing:
 * everything goes, as asked.
 *
 * A holder is told apart from the resource being deleted by its `holder`
 * output, a random name given at create: a resource whose own diff kept the
 * object and that the engine then replaces anyway (`up --replace`) is not
 * another holder. A state written before holders had names cannot be told
 * apart from another such state; the object is then kept: a leak at worst,
 * never a loss.
 *
 * @internal
 */
import { randomUUID } from "node:crypto";
import { normalizeUrl } from "./connection";

/** The output that names the resource holding an object. */
export const HOLDER = "holder";

/** A new resource's name as a holder. */
export function newHolder(): string {
  return randomUUID();
}

/** Server objects, as [kind, canonical server URL, id], to the holders' names (null: a state without one). */
const held = new Map<string, Set<string | null>>();
/** A URL a diff saw a resource move from, to the URL it moved to: one server under two names. */
const movedTo = new Map<string, string>();

function serverOf(url: unknown): string {
  let canonical = typeof url === "string" ? normalizeUrl(url) : "";
  // Follow the moves to the newest name; a cycle (renamed back and forth) stops where it started.
  for (const seen = new Set<string>(); movedTo.has(canonical) && !seen.has(canonical); ) {
    seen.add(canonical);
    canonical = movedTo.get(canonical) as string;
  }
  return canonical;
}

function keyOf(kind: string, serverUrl: unknown, id: string): string {
  return JSON.stringify([kind, serverOf(serverUrl), id]);
}

function nameOf(holder: unknown): string | null {
  return typeof holder === "string" ? holder : null;
}

/** A resource of the program holds this object after this deployment (its diff kept it, or it created or adopted it). */
export function hold(kind: string, serverUrl: unknown, id: string, holder: unknown): void {
  const key = keyOf(kind, serverUrl, id);
  let holders = held.get(key);
  if (!holders) {
    holders = new Set();
    held.set(key, holders);
  }
  holders.add(nameOf(holder));
}

/** Whether a resource of the program holds this object. */
export function isHeld(kind: string, serverUrl: unknown, id: string): boolean {
  return held.has(keyOf(kind, serverUrl, id));
}

/** Whether a resource of the program other than `holder` (the one being deleted) holds this object. */
export function heldByAnother(kind: string, serverUrl: unknown, id: string, holder: unknown): boolean {
  const holders = held.get(keyOf(kind, serverUrl, id));
  if (!holders) return false;
  const self = nameOf(holder);
  // Without a name, the resource cannot be told apart from another holder: keep the object.
  return self === null || [...holders].some((h) => h !== self);
}

/**
 * A resource moved from one URL to another in place: the program says they
 * reach one server, so an object held at the new one is held at the old.
 */
export function moved(from: string, to: string): void {
  const a = normalizeUrl(from);
  const b = normalizeUrl(to);
  if (a === b || serverOf(b) === a) return;
  const entries = [...held].map(([k, holders]) => [JSON.parse(k) as [string, string, string], holders] as const);
  movedTo.set(a, b);
  // Re-key what was recorded under the old name.
  held.clear();
  for (const [[kind, url, id], holders] of entries) for (const h of holders) hold(kind, url, id, h);
}
