/**
 * The serialized provider only names the runtime, so installing a new version
 * of the package changes what refresh, update and delete run for resources
 * created by the old one, without any change to their stored `__provider`.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createScodocSandbox } from "../../sandbox/scodoc";
import { createEngineStack, pkg, type EngineStack } from "../support/engine";
import { endpointOf } from "../../sandbox/core/server";
import { stackConfig } from "../support/stackConfig";

const ROOT = resolve(__dirname, "../..");
const workDir = join(ROOT, ".tmp", "engine", `upgrade-${process.pid}`);
const installed = join(workDir, "node_modules", "pulumi-access-as-code");
const marker = join(workDir, "runtime-v2.log");

let sandbox: Awaited<ReturnType<ReturnType<typeof createScodocSandbox>["start"]>>;
let s: EngineStack;
let nom = "Lovelace";
const program = async () => {
  const rt = new pkg.ScodocDepartement("rt", { acronym: "RT" });
  new pkg.ScodocUser("ada", { userName: "ada", nom, roles: [{ role: "Ens", departement: rt.acronym }] });
};

/** Version 2 of the package: the same code, plus a runtime that records every call it serves. */
function installVersion2(): void {
  rmSync(installed, { recursive: true, force: true });
  mkdirSync(installed, { recursive: true });
  cpSync(join(ROOT, "package.json"), join(installed, "package.json"));
  cpSync(join(ROOT, "dist"), join(installed, "dist"), { recursive: true });
  appendFileSync(
    join(installed, "dist", "providers", "runtime.js"),
    `\nconst v1Dispatch = exports.dispatch;\nexports.dispatch = async (kind, m, a) => {\n` +
      `  require("node:fs").appendFileSync(${JSON.stringify(marker)}, kind + " " + ["configure","check","diff","create","read","update","delete"][m] + "\\n");\n` +
      `  return v1Dispatch(kind, m, a);\n};\n`,
  );
}

function providerTexts(raw: string): string[] {
  return [...raw.matchAll(/"__provider":\s*("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1] as string) as string);
}

beforeAll(async () => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(join(workDir, "node_modules"), { recursive: true });
  // Version 1: this repository, as `npm install` of the current version would provide it.
  symlinkSync(ROOT, installed, "dir");
  sandbox = await createScodocSandbox().start();
  s = await createEngineStack({
    workDir,
    config: stackConfig(endpointOf(sandbox)),
  });
});
afterAll(async () => {
  await s?.cleanup();
  await sandbox?.stop();
});

it("refresh, update and destroy of existing resources run the newly installed runtime", async () => {
  await s.up(program);
  const before = providerTexts(s.rawState());
  expect(before.length).toBeGreaterThanOrEqual(2);

  installVersion2();
  expect(existsSync(marker)).toBe(false);

  await s.refresh();
  expect(readFileSync(marker, "utf8")).toMatch(/scodoc:User read/);

  nom = "King";
  expect((await s.up(program)).changes).toMatchObject({ update: 1 });
  expect(readFileSync(marker, "utf8")).toMatch(/scodoc:User update/);
  // Nothing in the state changed but what the program changed: no `~__provider`.
  expect(providerTexts(s.rawState())).toEqual(before);

  writeFileSync(marker, "");
  await s.destroy();
  const calls = readFileSync(marker, "utf8");
  expect(calls).toMatch(/scodoc:User delete/);
  expect(calls).toMatch(/scodoc:Departement delete/);
});
