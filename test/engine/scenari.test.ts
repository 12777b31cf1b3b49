/**
 * Scenari's three resources under the real Pulumi engine: up, an empty
 * preview that sends nothing, drift repaired after refresh, update vs
 * replace as the engine decides them, adopt, destroy semantics (users and
 * groups dropped, workspaces trashed or purged), and no secret anywhere the
 * engine writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeCdm } from "../../providers/scenari/cdm";
import { SandboxAdmin } from "../../sandbox/core/admin";
import { createScenariSandbox, type ScenariState } from "../../sandbox/scenari";
import { createEngineStack, pkg, pulumi, type EngineStack } from "../support/engine";
import { endpointOf } from "../../sandbox/core/server";
import { stackConfig } from "../support/stackConfig";

const ALICE_PASSWORD = "Maple-Harbor-Sonnet-31";

let sandbox: Awaited<ReturnType<ReturnType<typeof createScenariSandbox>["start"]>>;
let admin: SandboxAdmin;
let s: EngineStack;
let debugLog: string;
const outputs: string[] = [];

interface Declaration {
  courseTitle: string;
  courseModel: { key: string; version?: string; lang?: string };
  bobAccount: string;
  aliceLastName: string;
  adoptLegacy: boolean;
}
let d: Declaration = {
  courseTitle: "Algèbre 1",
  courseModel: { key: "Opale", version: "5", lang: "fr-FR" },
  bobAccount: "bob",
  aliceLastName: "Martin",
  adoptLegacy: false,
};

const program = async () => {
  const config = new pulumi.Config();
  const authors = new pkg.ScenariGroup("authors", { account: "authors", groupName: "Auteurs", grantedRoles: ["main:author"] });
  const alice = new pkg.ScenariUser("alice", {
    account: "alice",
    firstName: "Alice",
    lastName: d.aliceLastName,
    groups: [authors.account],
    password: config.requireSecret("alicePassword"),
  });
  const bob = new pkg.ScenariUser("bob", { account: d.bobAccount, firstName: "Bob" });
  const course = new pkg.ScenariWorkspace("course", {
    alias: "algebra",
    title: d.courseTitle,
    model: d.courseModel,
    // Built from the accounts' outputs, so the engine creates the workspace after them.
    roles: pulumi.all([authors.account, alice.account, bob.account]).apply(([group, author, reader]) => ({
      [group]: { allowed: ["main:author"] },
      [author]: { allowed: ["main:author"], denied: ["main:manager"] },
      [reader]: { allowed: ["main:reader"] },
    })),
  });
  new pkg.ScenariWorkspace("sandbox-wsp", {
    alias: "scratch",
    title: "Brouillons",
    model: { key: "Dokiel", lang: "fr-FR" },
    deletionPolicy: "purge",
  });
  if (d.adoptLegacy) {
    new pkg.ScenariWorkspace("legacy", {
      alias: "legacy",
      title: "Legacy course",
      model: { key: "Opale", version: "5", lang: "fr-FR" },
      adopt: true,
    });
  }
  return { courseWspCd: course.wspCd };
};

const state = () => admin.state<ScenariState>();
const account = async (name: string) => (await state()).accounts.find((a) => a.account === name);
const wsp = async (alias: string) => (await state()).wsps.find((w) => w.alias === alias);
const rootRoles = async (alias: string) =>
  Object.fromEntries(
    ((await wsp(alias))?.roleNodes.find((n) => n.refUri === "")?.entries ?? []).map((e) => [e.account, e.allowedRoles ?? []]),
  );

beforeAll(async () => {
  sandbox = await createScenariSandbox().start();
  admin = new SandboxAdmin(sandbox.url);
  debugLog = join(tmpdir(), `access-debug-scenari-${process.pid}.log`);
  writeFileSync(debugLog, "");
  s = await createEngineStack({
    config: {
      ...stackConfig(endpointOf(sandbox)),
      "access-engine-test:alicePassword": { value: ALICE_PASSWORD, secret: true },
    },
    env: { PULUMI_ACCESS_DEBUG: debugLog },
  });
});
afterAll(async () => {
  await s?.cleanup();
  await sandbox?.stop();
});

describe("Scenari under the real Pulumi engine", () => {
  it("1. up creates exactly what is declared, the workspace after the accounts it names", async () => {
    const up = await s.up(program);
    outputs.push(up.stdout);
    expect(up.changes).toEqual({ create: 6 });
    expect(await account("alice")).toMatchObject({ userType: "user", groups: ["authors"] });
    expect(await account("authors")).toMatchObject({ userType: "group", grantedRoles: ["main:author"] });
    const course = await wsp("algebra");
    expect(course).toMatchObject({ title: "Algèbre 1", wspType: { key: "Opale", version: "5.0.5", lang: "fr-FR" } });
    expect(await rootRoles("algebra")).toEqual({ authors: ["main:author"], alice: ["main:author"], bob: ["main:reader"] });
    expect(up.outputs.courseWspCd?.value).toBe(course?.wspCd);
  });

  it("2. an unchanged program previews empty and sends no request", async () => {
    await admin.resetRequests();
    outputs.push(await s.previewNoChanges(program));
    expect((await admin.requests()).total).toBe(0);
  });

  it("3. refresh reports out-of-band changes and the next up puts them back", async () => {
    await admin.op("patchWsp", { wsp: "algebra", props: { title: "Renamed in the UI", publicWsp: true } });
    await admin.op("setSpecifiedRoles", {
      wsp: "algebra",
      roles: { bob: { allowedRoles: ["main:admin"] }, intruder: { allowedRoles: ["main:author"] } },
    });
    await admin.op("patchAccount", { account: "alice", props: { lastName: "Changed", groups: null } });
    const refresh = await s.refresh();
    outputs.push(refresh.stdout);
    expect(refresh.changes.update).toBe(2);
    const up = await s.up(program);
    outputs.push(up.stdout);
    expect(up.changes).toMatchObject({ update: 2 });
    expect((await wsp("algebra"))?.title).toBe("Algèbre 1");
    expect(await rootRoles("algebra")).toEqual({ authors: ["main:author"], alice: ["main:author"], bob: ["main:reader"] });
    expect(await account("alice")).toMatchObject({ lastName: "Martin", groups: ["authors"] });
    // publicWsp is not declared, so not managed: the server keeps what it was given.
    expect((await wsp("algebra"))?.publicWsp).toBe(true);
    outputs.push(await s.previewNoChanges(program));
  });

  it("4. an object deleted out of band is dropped by refresh and recreated by up", async () => {
    await admin.op("purgeWsp", { wsp: "scratch" });
    const refresh = await s.refresh();
    expect(refresh.changes.delete).toBe(1);
    const up = await s.up(program);
    expect(up.changes).toMatchObject({ create: 1 });
    expect(await wsp("scratch")).toBeDefined();
  });

  it("5. a mutable change updates, an immutable one replaces, a model change goes through UpdateWspType", async () => {
    d = { ...d, courseTitle: "Algèbre linéaire", aliceLastName: "Martin-Dupont" };
    expect((await s.up(program)).changes).toMatchObject({ update: 2 });
    expect((await wsp("algebra"))?.title).toBe("Algèbre linéaire");

    // A new account is a new user; the role map follows its output.
    d = { ...d, bobAccount: "bob.durand" };
    const replaced = await s.up(program);
    expect(replaced.changes).toMatchObject({ replace: 1, update: 1 });
    expect(await account("bob")).toBeUndefined();
    expect(await rootRoles("algebra")).toEqual({ authors: ["main:author"], alice: ["main:author"], "bob.durand": ["main:reader"] });

    const wspCd = (await wsp("algebra"))?.wspCd;
    d = { ...d, courseModel: { key: "Opale", version: "4" } };
    await admin.resetRequests();
    expect((await s.up(program)).changes).toMatchObject({ update: 1 });
    const sent = (await admin.requests()).entries
      .filter((e) => e.method !== "GET")
      .map((e) => new URLSearchParams(e.query).get("cdaction"));
    expect(sent).toEqual(["UpdateWspType"]);
    expect(await wsp("algebra")).toMatchObject({ wspCd, wspType: { version: "4.3.2" } });
    outputs.push(await s.previewNoChanges(program));
  });

  it("6. adopt takes over a workspace created out of band, with no duplicate", async () => {
    const url = new URL(`${sandbox.clientUrl}/script/u/adminWsp`);
    url.searchParams.set("cdaction", "CreateWsp");
    url.searchParams.set("createParams", serializeCdm({ title: "Old title", alias: "legacy" }));
    const { username, password } = sandbox.credentials;
    const made = await fetch(url, {
      method: "PUT",
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
      body: '<wspType key="Opale" version="4.3.2" lang="fr-FR"/>',
    });
    expect(made.status).toBe(200);
    const wspCd = ((await made.json()) as { wspCd: string }).wspCd;

    d = { ...d, adoptLegacy: true };
    const up = await s.up(program);
    expect(up.changes).toMatchObject({ create: 1 });
    expect((await state()).wsps.filter((w) => w.alias === "legacy")).toEqual([
      expect.objectContaining({ wspCd, title: "Legacy course", wspType: expect.objectContaining({ version: "5.0.5" }) }),
    ]);
    outputs.push(await s.previewNoChanges(program));
  });

  it("7. destroy drops users and groups, trashes workspaces by default and purges those that say so", async () => {
    const course = await wsp("algebra");
    outputs.push(await s.destroy());
    const after = await state();
    expect(after.accounts.map((a) => a.account).sort()).toEqual([sandbox.credentials.username, "anonymous", "system"].sort());
    // Recoverable: in the trash, alias kept.
    expect(after.wsps.find((w) => w.wspCd === course?.wspCd)).toMatchObject({ alias: "algebra", trashed: true });
    expect(after.wsps.find((w) => w.alias === "legacy")).toMatchObject({ trashed: true });
    expect(after.wsps.some((w) => w.alias === "scratch")).toBe(false);
  });

  it("8. no secret in the state file, the CLI output or the debug log", async () => {
    const log = readFileSync(debugLog, "utf8");
    expect(log).toMatch(/scenari POST .*cdaction=CreateUser/);
    const places = { state: s.rawState(), cli: outputs.join("\n"), log };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of [sandbox.credentials.password, ALICE_PASSWORD]) {
        expect(text.includes(secret), `a secret appears in the ${where}`).toBe(false);
        expect(text.includes(encodeURIComponent(secret)), `an encoded secret appears in the ${where}`).toBe(false);
      }
    }
  });
});
