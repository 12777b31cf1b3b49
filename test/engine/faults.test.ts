/**
 * ScoDoc under the real Pulumi CLI against a server that misbehaves: chaos
 * (503, 429 with Retry-After, connection resets, some of them after the
 * change was made, latency jitter), a request rate limit, a `pulumi` killed
 * in the middle of an `up`, wrong credentials and a server that is down.
 * After each, the server must hold exactly the declaration (or be untouched),
 * checked against the sandbox's own state, and the requests sent must be
 * bounded, checked against its request log.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultConfig } from "../../sandbox/core/faults";
import type { LoggedRequest } from "../../sandbox/core/requestLog";
import { SandboxAdmin } from "../../sandbox/core/admin";
import { createDrofusSandbox } from "../../sandbox/drofus";
import type { DrofusState } from "../../sandbox/drofus/state";
import { createScodocSandbox } from "../../sandbox/scodoc";
import type { ScodocState } from "../../sandbox/scodoc/model";
import { createEngineStack, pkg, type EngineStack } from "../support/engine";
import { descendantsOf } from "../support/processes";
import { rejection } from "../support/provider";
import { endpointOf, type SandboxEndpoint } from "../../sandbox/core/server";
import { stackConfig } from "../support/stackConfig";

const ROOT = resolve(__dirname, "../..");

interface Declaration {
  departements: string[];
  roles: string[];
  users: { userName: string; nom: string; password: string; grants: { role: string; departement?: string }[] }[];
}

/** `users` users spread over a few departements and roles, each with a password and two grants. */
function declaration(prefix: string, users: number, depts = 4, roles = 4): Declaration {
  const departements = Array.from({ length: depts }, (_, i) => `${prefix}D${i}`);
  const roleNames = Array.from({ length: roles }, (_, i) => `${prefix}Role${i}`);
  return {
    departements,
    roles: roleNames,
    users: Array.from({ length: users }, (_, i) => ({
      userName: `${prefix.toLowerCase()}.user${i}`,
      nom: `Nom${i}`,
      password: `Chaos-${i}-Walrus-Plinth!`,
      grants: [{ role: roleNames[i % roles] as string, departement: departements[i % depts] as string }, { role: "Ens" }],
    })),
  };
}

/** The inline program for a declaration; grants name their role and departement through outputs, so the engine orders the creates. */
function programOf(decl: Declaration, adopt = false) {
  return async () => {
    const depts = new Map(decl.departements.map((a) => [a, new pkg.ScodocDepartement(a, { acronym: a, ...(adopt ? { adopt } : {}) })]));
    const roles = new Map(
      decl.roles.map((r) => [r, new pkg.ScodocRole(r, { name: r, permissions: ["ScoView"], ...(adopt ? { adopt } : {}) })]),
    );
    for (const u of decl.users) {
      new pkg.ScodocUser(u.userName, {
        userName: u.userName,
        nom: u.nom,
        password: u.password,
        roles: u.grants.map((g) => ({
          role: roles.get(g.role)?.name ?? g.role,
          ...(g.departement ? { departement: depts.get(g.departement)?.acronym ?? g.departement } : {}),
        })),
        ...(adopt ? { adopt } : {}),
      });
    }
  };
}

/** The server holds exactly the seed plus the declaration: nothing missing, no duplicate, no orphan. */
function expectExactly(st: ScodocState, seed: ScodocState, decl: Declaration): void {
  const sorted = (xs: string[]) => [...xs].sort();
  expect(sorted(st.departements.map((d) => d.acronym))).toEqual(sorted([...seed.departements.map((d) => d.acronym), ...decl.departements]));
  expect(sorted(st.roles.map((r) => r.name))).toEqual(sorted([...seed.roles.map((r) => r.name), ...decl.roles]));
  expect(sorted(st.users.map((u) => u.user_name))).toEqual(
    sorted([...seed.users.map((u) => u.user_name), ...decl.users.map((u) => u.userName)]),
  );
  const roleName = new Map(st.roles.map((r) => [r.id, r.name]));
  for (const u of decl.users) {
    const user = st.users.find((x) => x.user_name === u.userName);
    expect(user?.active, u.userName).toBe(true);
    expect(user?.nom, u.userName).toBe(u.nom);
    expect(user?.password_hash, u.userName).toBeTruthy();
    const grants = st.grants.filter((g) => g.user_id === user?.id).map((g) => `${roleName.get(g.role_id)}_${g.dept ?? ""}`);
    expect(sorted(grants), u.userName).toEqual(sorted(u.grants.map((g) => `${g.role}_${g.departement ?? ""}`)));
  }
}

type Started = Awaited<ReturnType<ReturnType<typeof createScodocSandbox>["start"]>>;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function scodoc(faults?: FaultConfig): Promise<{ sandbox: Started; admin: SandboxAdmin; seed: ScodocState }> {
  const sandbox = await createScodocSandbox(faults ? { faults } : {}).start();
  cleanups.push(() => sandbox.stop());
  const admin = new SandboxAdmin(sandbox.url);
  return { sandbox, admin, seed: await admin.state<ScodocState>() };
}

/** A stack on the server at `endpoint`, removed after the test. */
async function stackFor(endpoint: SandboxEndpoint, env: Record<string, string> = {}): Promise<EngineStack> {
  const s = await createEngineStack({ config: stackConfig(endpoint), env });
  cleanups.push(() => s.cleanup());
  return s;
}

describe("ScoDoc under faults, through the real Pulumi CLI", () => {
  it("chaos: a 200-resource up converges in a single run, and the server holds exactly the declaration", async () => {
    const faults: FaultConfig = {
      seed: 20261123,
      jitterMs: 15,
      errorRate: 0.05,
      rateLimitedRate: 0.05,
      retryAfterSeconds: 1,
      resetRate: 0.02,
      // Ambiguous failures: the server makes the change, then the connection drops.
      rules: [
        { method: "POST", path: "/user/create$", reset: true, after: true, times: 4 },
        { method: "POST", path: "/departement/create$", reset: true, after: true, times: 1 },
        { method: "POST", path: "/role/create/", status: 502, after: true, times: 1 },
        { method: "POST", path: "/role/[^/]+/add", reset: true, after: true, times: 4 },
        { method: "POST", path: "/password$", status: 503, after: true, times: 3 },
      ],
    };
    const { sandbox, admin, seed } = await scodoc(faults);
    const decl = declaration("CH", 192);
    const s = await stackFor(endpointOf(sandbox));
    const up = await s.up(programOf(decl));
    // 200 resources and the stack itself.
    expect(up.changes).toEqual({ create: 201 });
    const log = await admin.requests();
    // The faults did happen: this run is not a quiet one that proves nothing.
    expect(log.faults).toBeGreaterThan(50);
    expect(log.entries.filter((e) => e.fault?.includes("after the change")).length).toBeGreaterThanOrEqual(10);
    expectExactly(await admin.state<ScodocState>(), seed, decl);
    await s.previewNoChanges(programOf(decl));
  }, 240_000);

  it("rate limit: up completes and stays within the server's rate plus one burst", async () => {
    const limit = { perSecond: 25, burst: 10 };
    const { sandbox, admin, seed } = await scodoc({ rateLimit: limit });
    const decl = declaration("RL", 30, 2, 2);
    const s = await stackFor(endpointOf(sandbox));
    const up = await s.up(programOf(decl));
    expect(up.changes).toEqual({ create: 35 });
    expectExactly(await admin.state<ScodocState>(), seed, decl);

    const entries = (await admin.requests()).entries;
    const limited = entries.filter((e) => e.status === 429);
    expect(limited.length, "the limit was reached at all").toBeGreaterThan(0);
    // Every request the client sent, refused ones included, in any window of
    // one second: at most what the bucket lets through plus one burst.
    const worst = busiestWindow(entries, 1000);
    expect(worst, `busiest second: ${worst} requests`).toBeLessThanOrEqual(limit.perSecond + limit.burst);
    // No retry storm: a 429's Retry-After pauses every request of the
    // process, so only the requests already in flight when the bucket ran out
    // are refused, at most maxConcurrency (8) per pause; a window of one
    // second can overlap the tails of two pauses.
    const refusedPerSecond = busiestWindow(limited, 1000);
    expect(refusedPerSecond, `refused in the busiest second: ${refusedPerSecond} of ${limited.length}`).toBeLessThanOrEqual(2 * 8);
  }, 180_000);

  it("wrong credentials: one clear error, one login request, nothing changed", async () => {
    const { sandbox, admin, seed } = await scodoc();
    const decl = declaration("WC", 3, 2, 1);
    const s = await stackFor({ ...endpointOf(sandbox), password: "not-the-password" });
    const error = await rejection(s.up(programOf(decl)));
    const lines = errorLines(error.message);
    expect(lines.length).toBeGreaterThan(0);
    // Every failing resource says the same thing: the one error a user must act on.
    expect(kinds(lines).size, lines.join("\n")).toBe(1);
    expect(lines[0]).toMatch(/scodoc: POST \/ScoDoc\/api\/tokens → 401.*credentials/);
    const log = await admin.requests();
    expect(log.byRoute).toEqual({ "POST /ScoDoc/api/tokens": 1 });
    expect(await admin.state<ScodocState>()).toEqual(seed);
  });

  it("server down: a refused connection and a server answering 503 give one clear error each, a bounded number of requests, no change", async () => {
    // Nothing listens on this port: connections are refused.
    const port = await freePort();
    const refused = await stackFor(
      { app: "scodoc", url: `http://127.0.0.1:${port}`, username: "admin", password: "irrelevant-password" },
      { SCODOC_MAX_RETRIES: "2" },
    );
    const decl = declaration("DN", 2, 1, 1);
    const down = errorLines((await rejection(refused.up(programOf(decl)))).message);
    expect(kinds(down).size, down.join("\n")).toBe(1);
    expect(down[0]).toMatch(/scodoc: .*connection refused by 127\.0\.0\.1/);

    const { sandbox, admin, seed } = await scodoc({ errorRate: 1, errorStatus: 503 });
    const failing = await stackFor(endpointOf(sandbox), { SCODOC_MAX_RETRIES: "2" });
    const unavailable = errorLines((await rejection(failing.up(programOf(decl)))).message);
    expect(kinds(unavailable).size, unavailable.join("\n")).toBe(1);
    expect(unavailable[0]).toMatch(/scodoc: POST \/ScoDoc\/api\/tokens → 503/);
    const log = await admin.requests();
    // The departement and the role start at once (the user waits for them):
    // each sends its login and its two retries, and nothing else.
    expect(log.total).toBeLessThanOrEqual(2 * 3);
    expect(Object.keys(log.byRoute)).toEqual(["POST /ScoDoc/api/tokens"]);
    await admin.clearFaults();
    expect(await admin.state<ScodocState>()).toEqual(seed);
  }, 120_000);

  it("crash: pulumi killed mid-up; refresh --clear-pending-creates then up with adopt ends with the declaration, no duplicate", async () => {
    const { sandbox, admin, seed } = await scodoc({ latencyMs: 15 });
    const decl = declaration("KL", 120, 3, 3);
    const { project, cli, stacks } = await cliStack("crash", decl, sandbox);

    // Start the up and kill it, with everything it started, once users are being created.
    const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
      cwd: project.dir,
      env: project.env,
      detached: true,
      stdio: "ignore",
    });
    const killed = new Promise<void>((done) => child.on("exit", () => done()));
    for (;;) {
      const created = (await admin.requests()).byRoute["POST /ScoDoc/api/user/create"] ?? 0;
      if (created >= 30) break;
      if (child.exitCode !== null) throw new Error("the up finished before it could be killed");
      await new Promise((r) => setTimeout(r, 50));
    }
    // The CLI's plugins run in process groups of their own: killing its group leaves them running.
    const plugins = descendantsOf(child.pid as number);
    process.kill(-(child.pid as number), "SIGKILL");
    for (const pid of plugins) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone with the group.
      }
    }
    await killed;
    // Let requests already on the wire land, as they would on a real server.
    await new Promise((r) => setTimeout(r, 500));
    const afterCrash = await admin.state<ScodocState>();
    const made = afterCrash.users.length - seed.users.length;
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(decl.users.length);

    // The kill may land while the file backend writes the metadata file beside the
    // checkpoint, which it truncates before writing (the checkpoint itself is renamed
    // into place whole): every command then fails with "failed to load checkpoint:
    // EOF" until that file goes. The README's recovery says so.
    const cut = cutSidecars(stacks);
    if (cut.includes(join(stacks, "crash.json.attrs"))) {
      expect((await rejection(cli(["stack", "export"]))).message).toMatch(/failed to load checkpoint: EOF/);
    }
    for (const file of cut) rmSync(file);
    // The killed run still holds the stack's lock (the file backend locks too): release it.
    await cli(["cancel", "--yes"]);
    // The engine recorded the creates it had started as pending; the documented recovery:
    const exported = JSON.parse(await cli(["stack", "export"])) as { deployment: { pending_operations?: unknown[] } };
    expect(exported.deployment.pending_operations?.length ?? 0).toBeGreaterThan(0);
    await cli(["refresh", "--clear-pending-creates", "--yes", "--skip-preview", "--non-interactive"]);
    // Objects created by the killed run are no longer in the state: a plain up refuses to take them over ...
    const plain = await cli(["up", "--yes", "--skip-preview", "--non-interactive"]).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(plain).toMatch(/already exists on .*set adopt: true/);
    // ... and the recovery run with adopt: true takes them over, by natural key.
    await cli(["config", "set", "adopt", "true"]);
    await cli(["up", "--yes", "--skip-preview", "--non-interactive"]);
    expectExactly(await admin.state<ScodocState>(), seed, decl);
    // adopt is not compared: turning it off again changes nothing.
    await cli(["config", "set", "adopt", "false"]);
    await cli(["preview", "--expect-no-changes", "--non-interactive"]);
  }, 240_000);

  it("a kill that cuts the checkpoint's metadata file short: deleting that file, as the README says, loses nothing", async () => {
    const { sandbox } = await scodoc();
    const decl = declaration("KM", 2, 1, 1);
    const { cli, stacks } = await cliStack("sidecar", decl, sandbox);
    await cli(["up", "--yes", "--skip-preview", "--non-interactive"]);
    // What a kill between the truncation and the write leaves.
    writeFileSync(join(stacks, "sidecar.json.attrs"), "");
    expect(cutSidecars(stacks)).toEqual([join(stacks, "sidecar.json.attrs")]);
    expect((await rejection(cli(["preview", "--non-interactive"]))).message).toMatch(/failed to load checkpoint: EOF/);
    rmSync(join(stacks, "sidecar.json.attrs"));
    await cli(["preview", "--expect-no-changes", "--non-interactive"]);
  }, 120_000);
});

interface DrofusDeclaration {
  projects: string[];
  members: { username: string; project: string }[];
}

function drofusDeclaration(prefix: string, projects: number, members: number): DrofusDeclaration {
  const names = Array.from({ length: projects }, (_, i) => `${prefix} project ${i}`);
  return {
    projects: names,
    members: Array.from({ length: members }, (_, i) => ({
      username: `${prefix.toLowerCase()}.member${i}`,
      project: names[i % projects] as string,
    })),
  };
}

function drofusProgram(decl: DrofusDeclaration) {
  return async () => {
    const projects = new Map(
      decl.projects.map((name, i) => [
        name,
        new pkg.DrofusProject(`p${i}`, {
          name,
          description: "faults",
          builder: "Builders Ltd",
          ownerId: 5,
          projectTypeId: 1,
          database: { newFromTemplate: "dev-template", name: `${name.replace(/\W+/g, "-").toLowerCase()}-db` },
        }),
      ]),
    );
    for (const m of decl.members) {
      new pkg.DrofusProjectUser(m.username, {
        projectId: (projects.get(m.project) as InstanceType<typeof pkg.DrofusProject>).projectId,
        username: m.username,
        firstName: "Member",
        lastName: m.username,
        email: `${m.username}@arch.example`,
        rights: { room: "read", equipment: "full" },
      });
    }
  };
}

function expectDrofusExactly(st: DrofusState, seed: DrofusState, decl: DrofusDeclaration): void {
  const sorted = (xs: string[]) => [...xs].sort();
  expect(sorted(st.projects.map((p) => p.name))).toEqual(sorted([...seed.projects.map((p) => p.name), ...decl.projects]));
  const projectName = new Map(st.projects.map((p) => [p.id, p.name]));
  const seeded = new Set(seed.projectUsers.map((m) => `${m.username}@${m.project_id}`));
  const members = st.projectUsers
    .filter((m) => !seeded.has(`${m.username}@${m.project_id}`))
    .map((m) => `${m.username}@${projectName.get(m.project_id)}`);
  expect(sorted(members)).toEqual(sorted(decl.members.map((m) => `${m.username}@${m.project}`)));
}

async function drofus(
  faults?: FaultConfig,
): Promise<{ sandbox: Awaited<ReturnType<ReturnType<typeof createDrofusSandbox>["start"]>>; admin: SandboxAdmin; seed: DrofusState }> {
  const sandbox = await createDrofusSandbox(faults ? { faults } : {}).start();
  cleanups.push(() => sandbox.stop());
  const admin = new SandboxAdmin(sandbox.url);
  return { sandbox, admin, seed: await admin.state<DrofusState>() };
}

describe("dRofus under faults, through the real Pulumi CLI", () => {
  it("chaos: an up converges in a single run, and the server holds exactly the declaration", async () => {
    const { sandbox, admin, seed } = await drofus({
      seed: 7,
      jitterMs: 15,
      errorRate: 0.05,
      rateLimitedRate: 0.05,
      retryAfterSeconds: 1,
      resetRate: 0.02,
      rules: [
        { method: "POST", path: "^/projects$", reset: true, after: true, times: 2 },
        { method: "POST", path: "^/project_users$", reset: true, after: true, times: 4 },
        { method: "PATCH", path: "^/project_users/", status: 503, after: true, times: 2 },
      ],
    });
    const decl = drofusDeclaration("Chaos", 4, 56);
    const s = await stackFor(endpointOf(sandbox));
    const up = await s.up(drofusProgram(decl));
    expect(up.changes).toEqual({ create: 61 });
    const log = await admin.requests();
    expect(log.faults).toBeGreaterThan(10);
    expectDrofusExactly(await admin.state<DrofusState>(), seed, decl);
    await s.previewNoChanges(drofusProgram(decl));
  }, 180_000);

  it("wrong credentials: one clear error, one request, nothing changed", async () => {
    const { sandbox, admin, seed } = await drofus();
    const decl = drofusDeclaration("Wrong", 2, 2);
    const s = await stackFor({ ...endpointOf(sandbox), password: "not-the-password" });
    const lines = errorLines((await rejection(s.up(drofusProgram(decl)))).message, "drofus");
    expect(lines.length).toBeGreaterThan(0);
    expect(kinds(lines).size, lines.join("\n")).toBe(1);
    expect(lines[0]).toMatch(/drofus: .* → 401/);
    // Both projects start at once; the refusal is remembered, so at most one request each.
    const log = await admin.requests();
    expect(log.total).toBeLessThanOrEqual(2);
    expect(log.writes).toBe(0);
    expect(await admin.state<DrofusState>()).toEqual(seed);
  });

  it("server down: a server answering 503 gives one clear error, a bounded number of requests, no change", async () => {
    const { sandbox, admin, seed } = await drofus({ errorRate: 1, errorStatus: 503 });
    const decl = drofusDeclaration("Down", 2, 2);
    const s = await stackFor(endpointOf(sandbox), { DROFUS_MAX_RETRIES: "2" });
    const lines = errorLines((await rejection(s.up(drofusProgram(decl)))).message, "drofus");
    expect(kinds(lines).size, lines.join("\n")).toBe(1);
    expect(lines[0]).toMatch(/drofus: .* → 503/);
    // Two projects, each its first request and two retries; the members wait for them.
    expect((await admin.requests()).total).toBeLessThanOrEqual(2 * 3);
    await admin.clearFaults();
    expect(await admin.state<DrofusState>()).toEqual(seed);
  }, 120_000);
});

/** Error lines naming the application, as the CLI prints them for each failed resource. */
function errorLines(message: string, app = "scodoc"): string[] {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.includes(`${app}: `))
    .map((l) => l.slice(l.indexOf(`${app}: `)));
}

/** The same error seen by several resources differs only by the request's path (a project's name in a query): compare without it. */
function kinds(lines: readonly string[]): Set<string> {
  return new Set(lines.map((l) => l.replace(/ \/\S* → /, " <path> → ")));
}

function busiestWindow(entries: readonly LoggedRequest[], windowMs: number): number {
  const times = entries.map((e) => e.at).sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while ((times[j] as number) - (times[i] as number) >= windowMs) i++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/**
 * The file backend's metadata files (`<file>.attrs`) in a stack folder that a kill
 * left empty or cut short. They are rewritten in place, unlike the files they describe.
 */
function cutSidecars(stacks: string): string[] {
  return readdirSync(stacks)
    .filter((name) => name.endsWith(".attrs"))
    .map((name) => join(stacks, name))
    .filter((file) => {
      try {
        JSON.parse(readFileSync(file, "utf8"));
        return false;
      } catch {
        return true;
      }
    });
}

interface CliProject {
  dir: string;
  env: Record<string, string>;
}

/** A CLI project (not the Automation API), so the test can kill `pulumi` itself. */
function cliProject(name: string, decl: Declaration): CliProject {
  const dir = join(ROOT, ".tmp", "faults", `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(join(dir, "state"), { recursive: true });
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    "name: access-faults\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
  );
  writeFileSync(join(dir, "declaration.json"), JSON.stringify(decl));
  writeFileSync(
    join(dir, "index.js"),
    `"use strict";
const pulumi = require("@pulumi/pulumi");
const pkg = require("pulumi-access-as-code");
const decl = require("./declaration.json");
const adopt = new pulumi.Config().getBoolean("adopt") ?? false;
const depts = new Map(decl.departements.map((a) => [a, new pkg.ScodocDepartement(a, { acronym: a, adopt })]));
const roles = new Map(decl.roles.map((r) => [r, new pkg.ScodocRole(r, { name: r, permissions: ["ScoView"], adopt })]));
for (const u of decl.users) {
  new pkg.ScodocUser(u.userName, {
    userName: u.userName, nom: u.nom, password: u.password, adopt,
    roles: u.grants.map((g) => (g.departement ? { role: roles.get(g.role).name, departement: depts.get(g.departement).acronym } : { role: g.role })),
  });
}
`,
  );
  const { pulumiEnv } = require(join(ROOT, "scripts/ensure-pulumi.js")) as {
    pulumiEnv(extra?: Record<string, string>): Record<string, string>;
  };
  return { dir, env: pulumiEnv({ PULUMI_BACKEND_URL: `file://${join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: "faults-test" }) };
}

/** A CLI project's stack, initialised and configured for the ScoDoc sandbox, removed after the test. */
async function cliStack(name: string, decl: Declaration, sandbox: Started) {
  const project = cliProject(name, decl);
  cleanups.push(async () => rmSync(project.dir, { recursive: true, force: true }));
  const cli = (args: string[], input?: string) => runCli(project, args, input);
  await cli(["stack", "init", name]);
  await cli(["config", "set", "scodoc:url", sandbox.clientUrl]);
  await cli(["config", "set", "scodoc:username", sandbox.credentials.username]);
  await cli(["config", "set", "--secret", "scodoc:password"], sandbox.credentials.password);
  return { project, cli, stacks: join(project.dir, "state", ".pulumi", "stacks", "access-faults") };
}

function runCli(project: CliProject, args: string[], input?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn("pulumi", args, {
      cwd: project.dir,
      env: project.env,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin?.end(input);
    let out = "";
    child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? done(out) : fail(new Error(`pulumi ${args.join(" ")} exited with ${code}:\n${out}`))));
  });
}
