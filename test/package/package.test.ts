/**
 * The package as npm delivers it: the packed tarball's contents, then stack
 * projects outside the repository that install it (one CommonJS, one ESM),
 * type-check it with node16 and bundler resolution, and run preview, up, an
 * empty preview and destroy with the real Pulumi CLI against the sandboxes
 * the package itself ships. The CommonJS stack then goes through the CI
 * workflow of examples/ci (a credential-less pull-request preview, then up),
 * and an upgrade to a later tarball whose runtime serves refresh, update and
 * destroy of the existing resources.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrofusState } from "../../sandbox/drofus/state";
import type { FessState } from "../../sandbox/fess/state";
import type { ScenariState } from "../../sandbox/scenari/state";
import type { AppName, RunningSandboxes } from "../../sandbox/index";
import type { ScodocState } from "../../sandbox/scodoc/model";
import {
  ALICE_PASSWORD,
  DISPATCH_LOG_ENV,
  ROOT,
  createConsumer,
  packRepository,
  packUpgrade,
  requirePulumiCli,
  run,
  type Consumer,
  type Tarball,
} from "../support/consumer";

const WORKFLOW = join(ROOT, "examples", "ci", "access.yml");
const INSTALL = ["install", "--no-audit", "--no-fund", "--prefer-offline"];
const INITIAL = { aliceNom: "Martin", geii: false };
/** What a pull request changes: one resource changed (alice), one new (GEII), the rest unchanged. */
const PULL_REQUEST = { aliceNom: "Martin-Dupont", geii: true };
const KINDS = [
  "scodoc:Departement",
  "scodoc:Role",
  "scodoc:User",
  "drofus:Project",
  "drofus:ProjectUser",
  "fess:Role",
  "fess:User",
  "scenari:Group",
  "scenari:Workspace",
];
const APPS: AppName[] = ["scodoc", "fess", "drofus", "scenari"];
/** The stack and the program's nine resources. */
const RESOURCES = 10;

let work: string;
let v1: Tarball;
let cjs: Consumer;
let esm: Consumer;
const running: RunningSandboxes[] = [];

/** The sandboxes as the installed package exports them (`pulumi-access-as-code/sandbox`). */
async function startSandboxes(consumer: Consumer): Promise<RunningSandboxes> {
  const sandbox = consumer.require("pulumi-access-as-code/sandbox") as typeof import("../../sandbox/index");
  const started = await sandbox.startSandboxes({ apps: APPS });
  running.push(started);
  return started;
}

/** Each application's credentials: a token for Fess, a login for the others. */
function credentialsOf(sandboxes: RunningSandboxes): { key: string; env: string; value: string; secret: boolean }[] {
  return APPS.flatMap((app) => {
    const { username, password, token } = sandboxes.get(app).endpoint;
    const entry = (name: string, value: string | undefined, secret: boolean) =>
      value === undefined ? [] : [{ key: `${app}:${name}`, env: `${app.toUpperCase()}_${name.toUpperCase()}`, value, secret }];
    return [...entry("username", username, false), ...entry("password", password, true), ...entry("token", token, true)];
  });
}

/** The credentials as the workflow's `up` job passes them: environment variables. */
function credentialsEnv(sandboxes: RunningSandboxes): Record<string, string> {
  return Object.fromEntries(credentialsOf(sandboxes).map((c) => [c.env, c.value]));
}

/** `pulumi stack init` and the config a platform engineer sets: URLs, and the credentials, secrets through stdin. */
async function initStack(consumer: Consumer, sandboxes: RunningSandboxes): Promise<void> {
  await consumer.pulumi(["stack", "init", consumer.stack]);
  for (const app of APPS) await consumer.pulumi(["config", "set", `${app}:url`, sandboxes.get(app).endpoint.url]);
  for (const c of credentialsOf(sandboxes)) {
    await consumer.pulumi(
      c.secret ? ["config", "set", "--secret", c.key] : ["config", "set", c.key, c.value],
      c.secret ? { input: c.value } : {},
    );
  }
  await consumer.pulumi(["config", "set", "--secret", "alicePassword"], { input: ALICE_PASSWORD });
}

async function scodocState(sandboxes: RunningSandboxes): Promise<ScodocState> {
  return sandboxes.get("scodoc").admin.state<ScodocState>();
}

async function drofusState(sandboxes: RunningSandboxes): Promise<DrofusState> {
  return sandboxes.get("drofus").admin.state<DrofusState>();
}

/** Requests each server received since the last reset, by application. */
async function requestsByApp(sandboxes: RunningSandboxes): Promise<Record<string, number>> {
  const counts = await Promise.all(APPS.map(async (app) => [app, (await sandboxes.get(app).admin.requests()).total] as const));
  return Object.fromEntries(counts);
}

/** What the program declared, found on the servers through their sandboxes' state. */
async function declaredObjectsExist(sandboxes: RunningSandboxes): Promise<void> {
  const scodoc = await scodocState(sandboxes);
  expect(scodoc.departements.map((d) => d.acronym)).toContain("RT");
  expect(scodoc.users.find((u) => u.user_name === "alice")?.active).toBe(true);
  const drofus = await drofusState(sandboxes);
  const project = drofus.projects.find((p) => p.name === "St. Olav Hospital");
  expect(project?.active).toBe(true);
  expect(drofus.projectUsers.some((m) => m.username === "ingrid.solberg" && m.project_id === project?.id)).toBe(true);
  const fess = await sandboxes.get("fess").admin.state<FessState>();
  expect(Object.values(fess.users).some((u) => u.name === "m.bernard")).toBe(true);
  const scenari = await sandboxes.get("scenari").admin.state<ScenariState>();
  expect(scenari.accounts.some((a) => a.account === "course-authors")).toBe(true);
  expect(scenari.wsps.some((w) => w.alias === "l1-algebra")).toBe(true);
}

/** The one `run: pulumi <verb> …` line of examples/ci/access.yml. */
function workflowCommand(verb: "preview" | "up"): string {
  const lines = [...readFileSync(WORKFLOW, "utf8").matchAll(/^\s*run: (pulumi (\w+)\b.*)$/gm)].filter((m) => m[2] === verb);
  expect(lines, `examples/ci/access.yml has one \`pulumi ${verb}\` step`).toHaveLength(1);
  return (lines[0] as RegExpMatchArray)[1] as string;
}

/** Each resource's stored provider code, by URN, inputs and outputs. */
async function providerTexts(consumer: Consumer): Promise<Map<string, unknown[]>> {
  const { deployment } = await consumer.exportStack();
  const texts = new Map<string, unknown[]>();
  for (const r of deployment.resources ?? []) {
    if (r.type.startsWith("pulumi-nodejs:dynamic/")) texts.set(r.urn, [r.inputs?.__provider, r.outputs?.__provider]);
  }
  return texts;
}

beforeAll(async () => {
  requirePulumiCli();
  // Outside the repository, so nothing resolves through this repository's node_modules.
  work = mkdtempSync(join(tmpdir(), "pulumi-access-package-"));
  v1 = await packRepository(work);
  const dirs = { cjs: join(work, "stack-cjs"), esm: join(work, "stack-esm") };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  cjs = createConsumer({ dir: dirs.cjs, name: "access-consumer-cjs", type: "commonjs", tarball: v1 });
  esm = createConsumer({ dir: dirs.esm, name: "access-consumer-esm", type: "module", tarball: v1 });
  for (const consumer of [cjs, esm]) consumer.writeProgram(INITIAL);
  await Promise.all([cjs.npm(INSTALL), esm.npm(INSTALL)]);
}, 600_000);

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the compiled code, its declarations, README, LICENSE and CHANGELOG, and nothing else", () => {
    const unexpected = v1.files.filter(
      (f) =>
        !/^dist\/(providers|sandbox)\/.+\.(js|d\.ts)$/.test(f) && !["package.json", "README.md", "LICENSE", "CHANGELOG.md"].includes(f),
    );
    expect(unexpected).toEqual([]);
    for (const f of [
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "dist/providers/index.js",
      "dist/providers/index.d.ts",
      "dist/providers/runtime.js",
    ]) {
      expect(v1.files).toContain(f);
    }
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License/);
  });

  it("holds no compiled file without a source: a stale build is not published", () => {
    const orphans = v1.files
      .filter((f) => f.startsWith("dist/") && f.endsWith(".js"))
      .filter((f) => !existsSync(join(ROOT, f.slice("dist/".length).replace(/\.js$/, ".ts"))));
    expect(orphans, "compiled files whose source is gone: rm -rf dist && npm run build").toEqual([]);
  });

  it("has a file behind every `exports` and `bin` entry, and @pulumi/pulumi as a peer dependency", () => {
    const manifest = JSON.parse(readFileSync(join(cjs.dir, "node_modules", "pulumi-access-as-code", "package.json"), "utf8")) as {
      exports: Record<string, Record<string, string> | string>;
      bin?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.exports).sort()).toEqual([".", "./package.json", "./runtime", "./sandbox"]);
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const paths = typeof target === "string" ? [target] : Object.values(target);
      for (const p of paths) expect(v1.files, `exports["${entry}"] → ${p}`).toContain(p.replace(/^\.\//, ""));
    }
    for (const [name, p] of Object.entries(manifest.bin ?? {})) expect(v1.files, `bin ${name} → ${p}`).toContain(p.replace(/^\.\//, ""));
    expect(manifest.peerDependencies?.["@pulumi/pulumi"]).toBeDefined();
    expect(manifest.dependencies?.["@pulumi/pulumi"]).toBeUndefined();
  });
});

describe("installed in a stack", () => {
  it("uses the stack's own @pulumi/pulumi, with no second copy", () => {
    for (const consumer of [cjs, esm]) {
      expect(existsSync(join(consumer.dir, "node_modules", "pulumi-access-as-code", "node_modules", "@pulumi"))).toBe(false);
      expect(consumer.require.resolve("@pulumi/pulumi")).toBe(join(consumer.dir, "node_modules", "@pulumi", "pulumi", "index.js"));
    }
  });

  it("installs the pulumi-access-as-code command (generate), which runs", async () => {
    const { stdout, stderr } = await run(join(cjs.dir, "node_modules", ".bin", "pulumi-access-as-code"), ["--help"], { cwd: cjs.dir });
    expect(stdout + stderr).toMatch(/usage: pulumi-access-as-code generate <app>/);
  });

  it("type-checks under its own tsconfig, node16 and bundler module resolution, CommonJS and ESM alike", async () => {
    const resolutions = [
      // As written: `node` (Pulumi's CommonJS template) and `nodenext` (the ESM stack).
      [],
      ["--module", "node16", "--moduleResolution", "node16"],
      ["--module", "preserve", "--moduleResolution", "bundler"],
    ];
    // One compiler at a time per stack: each takes most of a core.
    await Promise.all(
      [cjs, esm].map(async (consumer) => {
        for (const flags of resolutions) await consumer.tsc(flags);
      }),
    );
  }, 300_000);
});

describe("a CommonJS stack", () => {
  let sandboxes: RunningSandboxes;

  it("previews, applies, and then previews no change", async () => {
    sandboxes = await startSandboxes(cjs);
    await initStack(cjs, sandboxes);
    const preview = await cjs.pulumi(["preview", "--stack", cjs.stack]);
    expect(preview.stdout).toMatch(new RegExp(`\\+ ${RESOURCES} to create`));
    const up = await cjs.pulumi(["up", "--yes", "--stack", cjs.stack]);
    expect(up.stdout).toMatch(new RegExp(`\\+ ${RESOURCES} created`));
    await declaredObjectsExist(sandboxes);
    expect((await scodocState(sandboxes)).users.find((u) => u.user_name === "alice")?.nom).toBe("Martin");
    await cjs.pulumi(["preview", "--expect-no-changes", "--stack", cjs.stack]);
  }, 240_000);

  it("previews a pull request with the servers' URLs and no credentials, sending no request", async () => {
    for (const c of credentialsOf(sandboxes)) await cjs.pulumi(["config", "rm", c.key, "--stack", cjs.stack]);
    expect((await cjs.pulumi(["config", "--stack", cjs.stack])).stdout).not.toMatch(/:(username|password|token)\b/);
    cjs.writeProgram(PULL_REQUEST);
    for (const app of APPS) await sandboxes.get(app).admin.resetRequests();

    const preview = await cjs.sh(workflowCommand("preview"), { STACK: cjs.stack });
    expect(preview.stdout).toMatch(/\+ 1 to create/);
    expect(preview.stdout).toMatch(/~ 1 to update/);
    expect(preview.stdout).toMatch(new RegExp(`\\b${RESOURCES - 1} unchanged`));
    expect(preview.stdout).toMatch(/scodoc:User.*alice/);
    expect(await requestsByApp(sandboxes)).toEqual({ scodoc: 0, fess: 0, drofus: 0, scenari: 0 });
  }, 240_000);

  it("applies on the main branch with the workflow's command and the credentials from the environment", async () => {
    // The pull-request job of the example gets no application credential at all.
    const previewJob = /^ {2}preview:$([\s\S]*?)^ {2}up:$/m.exec(readFileSync(WORKFLOW, "utf8"))?.[1];
    expect(previewJob).toMatch(/run: pulumi preview/);
    expect(previewJob).not.toMatch(/(SCODOC|DROFUS|FESS|SCENARI)_/);

    const up = await cjs.sh(workflowCommand("up"), { STACK: cjs.stack, ...credentialsEnv(sandboxes) });
    expect(up.stdout).toMatch(/\+ 1 created/);
    expect(up.stdout).toMatch(/~ 1 updated/);
    const scodoc = await scodocState(sandboxes);
    expect(scodoc.departements.map((d) => d.acronym)).toContain("GEII");
    expect(scodoc.users.find((u) => u.user_name === "alice")?.nom).toBe("Martin-Dupont");
    await cjs.pulumi(["preview", "--expect-no-changes", "--stack", cjs.stack]);
  }, 240_000);

  it("after an upgrade of the package, refresh, update and destroy of existing resources run the new version; __provider is unchanged", async () => {
    const dispatchLog = join(work, "dispatch.log");
    const env = { ...credentialsEnv(sandboxes), [DISPATCH_LOG_ENV]: dispatchLog };
    // The first version records nothing: whatever the log shows later comes from the upgrade.
    await cjs.pulumi(["refresh", "--yes", "--stack", cjs.stack], { env });
    expect(existsSync(dispatchLog)).toBe(false);
    const before = await providerTexts(cjs);
    // The nine resources declared at first, and GEII from the pull request.
    expect(before.size).toBe(10);

    const v2 = await packUpgrade(v1, join(work, "v2"), "0.1.1");
    await cjs.npm([...INSTALL, v2.path]);
    expect(cjs.installedVersion()).toBe("0.1.1");
    // The upgrade alone changes nothing in the stack.
    await cjs.pulumi(["preview", "--expect-no-changes", "--stack", cjs.stack], { env });

    await cjs.pulumi(["refresh", "--yes", "--stack", cjs.stack], { env });
    const refreshed = readFileSync(dispatchLog, "utf8");
    for (const kind of KINDS) expect(refreshed).toContain(`0.1.1 ${kind} read`);

    cjs.writeProgram({ ...PULL_REQUEST, aliceNom: "Martin-Durand" });
    const up = await cjs.pulumi(["up", "--yes", "--stack", cjs.stack], { env });
    expect(up.stdout).toMatch(/~ 1 updated/);
    expect(readFileSync(dispatchLog, "utf8")).toContain("0.1.1 scodoc:User update");
    expect((await scodocState(sandboxes)).users.find((u) => u.user_name === "alice")?.nom).toBe("Martin-Durand");
    expect(await providerTexts(cjs)).toEqual(before);

    await cjs.pulumi(["destroy", "--yes", "--stack", cjs.stack], { env });
    const destroyed = readFileSync(dispatchLog, "utf8");
    for (const kind of KINDS) expect(destroyed).toContain(`0.1.1 ${kind} delete`);
    const scodoc = await scodocState(sandboxes);
    expect(scodoc.departements.map((d) => d.acronym)).not.toContain("RT");
    expect(scodoc.departements.map((d) => d.acronym)).not.toContain("GEII");
    expect(scodoc.users.find((u) => u.user_name === "alice")?.active).toBe(false);
    expect((await drofusState(sandboxes)).projects.find((p) => p.name === "St. Olav Hospital")?.active).toBe(false);
    expect(Object.values((await sandboxes.get("fess").admin.state<FessState>()).users).some((u) => u.name === "m.bernard")).toBe(false);
  }, 300_000);
});

describe('an ESM stack (package.json "type": "module")', () => {
  it("previews, applies, previews no change and destroys", async () => {
    const sandboxes = await startSandboxes(esm);
    await initStack(esm, sandboxes);
    const preview = await esm.pulumi(["preview", "--stack", esm.stack]);
    expect(preview.stdout).toMatch(new RegExp(`\\+ ${RESOURCES} to create`));
    const up = await esm.pulumi(["up", "--yes", "--stack", esm.stack]);
    expect(up.stdout).toMatch(new RegExp(`\\+ ${RESOURCES} created`));
    await declaredObjectsExist(sandboxes);
    await esm.pulumi(["preview", "--expect-no-changes", "--stack", esm.stack]);
    await esm.pulumi(["destroy", "--yes", "--stack", esm.stack]);
    const scodoc = await scodocState(sandboxes);
    expect(scodoc.departements.map((d) => d.acronym)).not.toContain("RT");
    expect(scodoc.users.find((u) => u.user_name === "alice")?.active).toBe(false);
  }, 240_000);
});
