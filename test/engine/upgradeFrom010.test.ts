/**
 * A stack whose state version 0.1.0 wrote (test/fixtures/state-0.1.0, made
 * by running its program with that version's runtime) keeps working on
 * this version: preview shows no change and sends nothing, refresh finds
 * every object as it was, and `up` changes nothing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox } from "../../sandbox/core/server";
import { fixtureConfig, program, startSandboxes } from "../fixtures/state-0.1.0/program";
import { createEngineStack, pkg, pulumi, type EngineStack } from "../support/engine";

const FIXTURE = join(__dirname, "..", "fixtures", "state-0.1.0");
const RESOURCES = 11;

// biome-ignore lint/suspicious/noExplicitAny: four applications' states in one list
let sandboxes: Sandbox<any>[] = [];
let admins: SandboxAdmin[] = [];
let s: EngineStack;
/** The program as written for 0.1.0 (its dRofus builder named `constructor`), and as written for this version. */
const legacy = program(pkg, pulumi, { legacy: true });
const run = program(pkg, pulumi, { legacy: false });

/** The fixture's text with each `{{app}}` put back as that sandbox's URL. */
function filled(file: string): string {
  let text = readFileSync(join(FIXTURE, file), "utf8");
  for (const sb of sandboxes) text = text.split(`{{${sb.app}}}`).join(sb.clientUrl);
  return text;
}

async function requests(): Promise<number> {
  return (await Promise.all(admins.map(async (a) => (await a.requests()).total))).reduce((x, y) => x + y, 0);
}

beforeAll(async () => {
  const started = await startSandboxes();
  sandboxes = started;
  admins = started.map((sb) => new SandboxAdmin(sb.url));
  const states = JSON.parse(filled("sandboxes.json")) as Record<string, unknown>;
  await Promise.all(started.map((sb, i) => admins[i]?.setState(states[sb.app])));
  s = await createEngineStack({
    config: fixtureConfig(started),
  });
  await s.stack.importStack({ version: 3, deployment: JSON.parse(filled("deployment.json")) });
});
afterAll(async () => {
  await s?.cleanup();
  await Promise.all(sandboxes.map((sb) => sb.stop()));
});

it("previews no change and sends nothing, with the program as written for 0.1.0 or for this version", async () => {
  expect((await s.resources()).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"))).toHaveLength(RESOURCES);
  await Promise.all(admins.map((a) => a.resetRequests()));
  await s.previewNoChanges(legacy);
  await s.previewNoChanges(run);
  expect(await requests()).toBe(0);
});

it("refresh finds every object as it was, and up then changes nothing", async () => {
  expect((await s.refresh()).changes).toEqual({ same: RESOURCES + 1 });
  await Promise.all(admins.map((a) => a.resetRequests()));
  expect((await s.up(legacy)).changes).toEqual({ same: RESOURCES + 1 });
  // The old name reaches the provider as the new one: the builder stays managed.
  const wing = (await s.resources()).find((r) => r.urn.endsWith("::wing"));
  expect(wing?.inputs).toMatchObject({ builder: "Builders Ltd" });
  expect(wing?.inputs).not.toHaveProperty("constructor");
  expect((await s.up(run)).changes).toEqual({ same: RESOURCES + 1 });
  expect(await requests()).toBe(0);
  await s.previewNoChanges(run);
});
