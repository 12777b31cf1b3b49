/**
 * Resource names and variable names from natural keys. A name must not change
 * when other objects appear on the server (a new name would make Pulumi
 * replace the resource), so a key is kept as it is when it is already a safe
 * name, and otherwise sanitised with a short digest of the exact key appended:
 * the digest depends on that key alone, and keeps `a\b` and `a@b` apart.
 */
import { createHash } from "node:crypto";

const digest = (key: string) => createHash("sha256").update(key, "utf8").digest("hex").slice(0, 8);

/** Characters kept in a resource name: URN-safe and readable in `pulumi preview`. */
const UNSAFE_NAME = /[^A-Za-z0-9._@-]/g;
/** Characters kept in a TypeScript identifier (after its prefix). */
const UNSAFE_IDENT = /[^A-Za-z0-9_]/g;

/**
 * Accents dropped before cleaning (`Hôpital` -> `Hopital`, not `H_pital`), a
 * run of unsafe characters made one `_`, none at either end: names stay readable.
 */
const clean = (key: string, unsafe: RegExp) =>
  key
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(unsafe, "_")
    .replace(/_{2,}/g, "_")
    .replace(/^_+|_+$/g, "");

function derive(key: string, unsafe: RegExp): { name: string; exact: boolean } {
  const cleaned = clean(key, unsafe);
  return cleaned === key && key !== "" ? { name: key, exact: true } : { name: `${cleaned}_${digest(key)}`, exact: false };
}

/**
 * One name per key, unique within `keys`. Fails on the (practically
 * impossible) clash of a kept key with another key's digested form, rather
 * than give two resources one name.
 */
function uniqueNames(keys: readonly string[], unsafe: RegExp, prefix: string): Map<string, string> {
  const names = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const key of keys) {
    const name = prefix + derive(key, unsafe).name;
    const clash = owner.get(name);
    if (clash !== undefined && clash !== key)
      throw new Error(`the keys ${JSON.stringify(clash)} and ${JSON.stringify(key)} both give the name ${name}`);
    owner.set(name, key);
    names.set(key, name);
  }
  return names;
}

/** Pulumi resource names, unique within one resource type (the URN includes the type). */
export function resourceNames(keys: readonly string[]): Map<string, string> {
  return uniqueNames(keys, UNSAFE_NAME, "");
}

/**
 * `const` names: `prefix` keeps kinds apart and makes a key starting with a
 * digit a valid identifier. A variable is not part of any URN, so readability
 * wins: keys are only cleaned (`auteurs-bio` -> `group_auteurs_bio`), and a
 * digest is added only to keys whose cleaned forms clash.
 */
export function variableNames(prefix: string, keys: readonly string[]): Map<string, string> {
  const cleaned = (key: string) => `${prefix}_${clean(key, UNSAFE_IDENT)}`;
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(cleaned(key), (seen.get(cleaned(key)) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const key of keys) names.set(key, seen.get(cleaned(key))! > 1 ? `${cleaned(key)}_${digest(key)}` : cleaned(key));
  if (new Set(names.values()).size !== names.size) return uniqueNames(keys, UNSAFE_IDENT, `${prefix}_`);
  return names;
}
