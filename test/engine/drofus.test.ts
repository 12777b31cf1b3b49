/**
 * dRofus's two resources under the real Pulumi engine: up, an empty preview
 * that sends nothing, drift repaired, rights updated in place, a member
 * replaced on a new username, adopt, destroy semantics, and no secret in
 * anything the engine writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import { createDrofusSandbox } from "../../sandbox/drofus";
import type { DrofusState } from "../../sandbox/drofus/state";
import { createEngineStack, pkg, type EngineStack } from "../support/engine";
import { endpointOf } from "../../sandbox/core/server";
import { stackConfig } from "../support/stackConfig";

let sandbox: Awaited<ReturnType<ReturnType<typeof createDrofusSandbox>["start"]>>;
let admin: SandboxAdmin;
let s: EngineStack;
let debugLog: string;
const outputs: string[] = [];

interface Declaration {
  roomRight: "full" | "read";
  readerLogin: string;
  description: string;
  adoptExisting: boolean;
}
let d: Declaration = { roomRight: "full", readerLogin: "kari.lie", description: "New wing", adoptExisting: false };

const program = async () => {
  const project = new pkg.DrofusProject("wing", {
    name: "Hospital wing",
    description: d.description,
    builder: "Builders Ltd",
    ownerId: 5,
    projectTypeId: 1,
    database: { newFromTemplate: "dev-template", name: "wing-db" },
  });
  const rights = (room: "full" | "read") =>
    ({ room, equipment: "full", tender: "read", consignation: "read", system: "limited", modelstore: "none" }) as const;
  new pkg.DrofusProjectUser("lead", {
    projectId: project.projectId,
    username: "ingrid.solberg",
    firstName: "Ingrid",
    lastName: "Solberg",
    email: "ingrid@arch.example",
    rights: rights(d.roomRight),
    superuser: true,
  });
  new pkg.DrofusProjectUser("reader", {
    projectId: project.projectId,
    username: d.readerLogin,
    firstName: "Kari",
    lastName: "Lie",
    email: `${d.readerLogin}@client.example`,
    rights: rights("read"),
  });
  if (d.adoptExisting) {
    new pkg.DrofusProjectUser("existing", {
      projectId: project.projectId,
      username: "per.hansen",
      firstName: "Per",
      lastName: "Hansen",
      email: "per@eng.example",
      rights: rights("read"),
      adopt: true,
    });
  }
  return { projectId: project.projectId };
};

const state = () => admin.state<DrofusState>();
const memberships = async () =>
  (await state()).projectUsers
    .filter((m) => m.project_id !== 399)
    .map((m) => m.username)
    .sort();

beforeAll(async () => {
  sandbox = await createDrofusSandbox().start();
  admin = new SandboxAdmin(sandbox.url);
  debugLog = join(tmpdir(), `access-debug-drofus-${process.pid}.log`);
  writeFileSync(debugLog, "");
  s = await createEngineStack({
    config: {
      ...stackConfig(endpointOf(sandbox)),
    },
    env: { PULUMI_ACCESS_DEBUG: debugLog },
  });
});
afterAll(async () => {
  await s?.cleanup();
  await sandbox?.stop();
});

describe("dRofus under the real Pulumi engine", () => {
  it("up creates the project and its members", async () => {
    const up = await s.up(program);
    outputs.push(up.stdout);
    expect(up.changes).toEqual({ create: 4 });
    const st = await state();
    expect(st.projects.filter((p) => p.name === "Hospital wing")).toHaveLength(1);
    expect(await memberships()).toEqual(["ingrid.solberg", "kari.lie"]);
  });

  it("an unchanged program previews empty and sends no request", async () => {
    await admin.resetRequests();
    outputs.push(await s.previewNoChanges(program));
    expect((await admin.requests()).total).toBe(0);
  });

  it("refresh reports an out-of-band change and up puts it back", async () => {
    const id = (await state()).projects.find((p) => p.name === "Hospital wing")?.id;
    await admin.op("patchProject", { id, description: "Changed in the web UI" });
    expect((await s.refresh()).changes.update).toBe(1);
    expect((await s.up(program)).changes).toMatchObject({ update: 1 });
    expect((await state()).projects.find((p) => p.id === id)?.description).toBe("New wing");
  });

  it("a member removed out of band is dropped by refresh and added back by up", async () => {
    const id = (await state()).projects.find((p) => p.name === "Hospital wing")?.id;
    await admin.op("removeProjectUser", { username: "kari.lie", project_id: id });
    expect((await s.refresh()).changes.delete).toBe(1);
    expect((await s.up(program)).changes).toMatchObject({ create: 1 });
    expect(await memberships()).toEqual(["ingrid.solberg", "kari.lie"]);
  });

  it("rights change in place; a new username replaces the member", async () => {
    d = { ...d, roomRight: "read" };
    expect((await s.up(program)).changes).toMatchObject({ update: 1 });
    expect((await state()).projectUsers.find((m) => m.username === "ingrid.solberg")?.room_rights).toBe(3);

    d = { ...d, readerLogin: "kari.lie2" };
    expect((await s.up(program)).changes).toMatchObject({ replace: 1 });
    expect(await memberships()).toEqual(["ingrid.solberg", "kari.lie2"]);
    outputs.push(await s.previewNoChanges(program));
  });

  it("adopt takes over a membership made out of band, with no duplicate", async () => {
    const id = (await state()).projects.find((p) => p.name === "Hospital wing")?.id as number;
    await admin.mutate<DrofusState>((st) => {
      st.users.push({
        username: "per.hansen",
        first_name: "Per",
        last_name: "Hansen",
        email: "per@eng.example",
        disabled: false,
        created_at: new Date().toISOString(),
        admin: false,
        password: null,
      });
      const template = st.projectUsers[0];
      st.projectUsers.push({ ...(template as DrofusState["projectUsers"][number]), username: "per.hansen", project_id: id });
    });
    d = { ...d, adoptExisting: true };
    expect((await s.up(program)).changes).toMatchObject({ create: 1 });
    expect((await state()).projectUsers.filter((m) => m.username === "per.hansen" && m.project_id === id)).toHaveLength(1);
  });

  it("destroy removes the members and deactivates the project, keeping its database", async () => {
    outputs.push(await s.destroy());
    const st = await state();
    expect(await memberships()).toEqual([]);
    const project = st.projects.find((p) => p.name === "Hospital wing");
    expect(project?.active).toBe(false);
    expect(st.databases.some((db) => db.name === "wing-db")).toBe(true);
  });

  it("no secret in the state file, the CLI output or the debug log", () => {
    const log = readFileSync(debugLog, "utf8");
    expect(log).toMatch(/drofus GET/);
    for (const [where, text] of Object.entries({ state: s.rawState(), cli: outputs.join("\n"), log })) {
      expect(text.includes(sandbox.credentials.password), `the admin password appears in the ${where}`).toBe(false);
      const basic = Buffer.from(`${sandbox.credentials.username}:${sandbox.credentials.password}`).toString("base64");
      expect(text.includes(basic), `the Basic credentials appear in the ${where}`).toBe(false);
    }
  });
});
