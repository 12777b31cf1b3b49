/**
 * Fess's three resources under the real Pulumi engine, against a Fess 15 and
 * a Fess 14 sandbox (their verbs differ): up, an empty preview that sends
 * nothing, drift repaired, update vs replace, adopt, destroy with Fess's
 * cascade, and no secret in anything the engine writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import { createFessSandbox } from "../../sandbox/fess";
import type { FessState } from "../../sandbox/fess/state";
import { createEngineStack, pkg, pulumi, type EngineStack } from "../support/engine";
import { endpointOf } from "../../sandbox/core/server";
import { stackConfig } from "../support/stackConfig";

const PASSWORD = "Quokka-Meadow-8841";
const NEW_PASSWORD = "Heron-Glacier-5127";

describe.each(["15", "14"] as const)("Fess %s under the real Pulumi engine", (version) => {
  let sandbox: Awaited<ReturnType<ReturnType<typeof createFessSandbox>["start"]>>;
  let admin: SandboxAdmin;
  let s: EngineStack;
  let debugLog: string;
  const outputs: string[] = [];
  let d = { description: "Staff documents", roleName: "readers", userRoles: ["staff"], adopt: false, password: PASSWORD };

  const program = async () => {
    const config = new pulumi.Config();
    const staff = new pkg.FessRole("staff", { name: "staff", attributes: { description: d.description } });
    const readers = new pkg.FessRole("readers", { name: d.roleName });
    const team = new pkg.FessGroup("team", { name: "team", attributes: { gidNumber: "5100" } });
    new pkg.FessUser("alice", {
      name: "alice",
      password: config.requireSecret("alicePassword"),
      roles: d.userRoles.map((r) => (r === "staff" ? staff.name : r === "readers" ? readers.name : r)),
      groups: [team.name],
    });
    if (d.adopt) new pkg.FessRole("existing", { name: "existing", attributes: { owner: "pulumi" }, adopt: true });
  };
  const state = () => admin.state<FessState>();
  const roleNames = async () =>
    Object.values((await state()).roles)
      .map((r) => r.name)
      .sort();

  beforeAll(async () => {
    sandbox = await createFessSandbox({ version }).start();
    admin = new SandboxAdmin(sandbox.url);
    debugLog = join(tmpdir(), `access-debug-fess${version}-${process.pid}.log`);
    writeFileSync(debugLog, "");
    s = await createEngineStack({
      config: {
        ...stackConfig(endpointOf(sandbox)),
        "access-engine-test:alicePassword": { value: d.password, secret: true },
      },
      env: { PULUMI_ACCESS_DEBUG: debugLog },
    });
  });
  afterAll(async () => {
    await s?.cleanup();
    await sandbox?.stop();
  });

  it("up creates roles, a group and a user holding them", async () => {
    const up = await s.up(program);
    outputs.push(up.stdout);
    expect(up.changes).toEqual({ create: 5 });
    expect(await roleNames()).toEqual(["admin", "guest", "readers", "staff"]);
    expect((await admin.op<{ ok: boolean }>("verifyPassword", { name: "alice", password: PASSWORD })).ok).toBe(true);
  });

  it("an unchanged program previews empty and sends no request", async () => {
    await admin.resetRequests();
    outputs.push(await s.previewNoChanges(program));
    expect((await admin.requests()).total).toBe(0);
  });

  it("refresh reports an out-of-band change and up puts it back", async () => {
    await admin.mutate<FessState>((st) => {
      const staff = Object.values(st.roles).find((r) => r.name === "staff");
      if (staff) staff.attributes.description = "edited in the admin UI";
      const alice = Object.values(st.users).find((u) => u.name === "alice");
      if (alice) alice.groups = [];
    });
    expect((await s.refresh()).changes.update).toBe(2);
    expect((await s.up(program)).changes).toMatchObject({ update: 2 });
    const st = await state();
    expect(Object.values(st.roles).find((r) => r.name === "staff")?.attributes.description).toBe("Staff documents");
    expect(Object.values(st.users).find((u) => u.name === "alice")?.groups).toHaveLength(1);
  });

  it("an attribute change updates; a new name replaces, and the user's roles follow", async () => {
    d = { ...d, description: "Staff and committee documents" };
    expect((await s.up(program)).changes).toMatchObject({ update: 1 });

    d = { ...d, roleName: "viewers", userRoles: ["staff", "readers"] };
    const replaced = await s.up(program);
    expect(replaced.changes).toMatchObject({ replace: 1 });
    expect(await roleNames()).toEqual(["admin", "guest", "staff", "viewers"]);
    outputs.push(await s.previewNoChanges(program));
  });

  it("a new password is detected and set", async () => {
    await s.stack.setConfig("access-engine-test:alicePassword", { value: NEW_PASSWORD, secret: true });
    expect((await s.up(program)).changes).toMatchObject({ update: 1 });
    expect((await admin.op<{ ok: boolean }>("verifyPassword", { name: "alice", password: NEW_PASSWORD })).ok).toBe(true);
  });

  it("adopt takes over a role made out of band, with no duplicate", async () => {
    await admin.mutate<FessState>((st) => {
      st.roles[Buffer.from("existing").toString("base64url").padEnd(12, "=")] = { name: "existing", attributes: { owner: "someone" } };
    });
    d = { ...d, adopt: true };
    expect((await s.up(program)).changes).toMatchObject({ create: 1 });
    const existing = Object.values((await state()).roles).filter((r) => r.name === "existing");
    expect(existing).toEqual([{ name: "existing", attributes: { owner: "pulumi" } }]);
  });

  it("destroy deletes everything it created", async () => {
    outputs.push(await s.destroy());
    expect(await roleNames()).toEqual(["admin", "guest"]);
    expect(Object.values((await state()).users).map((u) => u.name)).toEqual(["admin"]);
  });

  it("no secret in the state file, the CLI output or the debug log", () => {
    const log = readFileSync(debugLog, "utf8");
    expect(log).toMatch(/fess (GET|POST|PUT)/);
    for (const [where, text] of Object.entries({ state: s.rawState(), cli: outputs.join("\n"), log })) {
      for (const secret of [sandbox.credentials.token as string, PASSWORD, NEW_PASSWORD]) {
        expect(text.includes(secret), `a secret appears in the ${where}`).toBe(false);
      }
    }
  });
});
