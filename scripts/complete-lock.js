#!/usr/bin/env node
// Complete package-lock.json with rollup's native bindings for other platforms.
//
// Why: the npm registry these machines reach serves only some of
// @rollup/rollup-<platform> (darwin-arm64 is a 404, for instance), so npm
// cannot resolve the others and leaves them out of the lock; `npm ci` then
// refuses the lock ("Missing: @rollup/rollup-darwin-arm64@ from lock file"),
// since rollup (under vitest) names them all as optional dependencies.
// Entries carrying the right os/cpu/libc are skipped by `npm ci` on every
// other platform without being fetched, which is all a lock needs.
//
// Run after any change of dependencies: `npm run lock`.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const file = path.resolve(__dirname, "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(file, "utf8"));

/** os, cpu and libc from rollup's binding names: rollup-<os>-<cpu>[-<abi>]. */
function platformOf(name) {
  const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
  if (!m) return undefined;
  const [, os, cpu, abi] = m;
  const libc = abi === "gnu" || abi === "gnueabihf" ? "glibc" : abi === "musl" || abi === "musleabihf" ? "musl" : undefined;
  // The binding names the OS with `win32` etc. exactly as Node's process.platform does.
  return { os: [os], cpu: [cpu], ...(libc && os === "linux" ? { libc: [libc] } : {}) };
}

let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+$/.test(version)) {
      throw new Error(
        `${where} names ${name}@${version}, missing from the lock, and it is not a rollup binding this script knows how to describe`,
      );
    }
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), license: "MIT", optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stderr.write(`complete-lock: ${added} entr${added === 1 ? "y" : "ies"} added\n`);
