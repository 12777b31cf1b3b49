/**
 * `npm run bench [-- --n 500 --latency 20 --no-drofus --no-fess --no-scenari]`:
 * `pulumi up`, an unchanged preview and a refresh of a stack of N ScoDoc
 * users (two grants and a password each) with their roles and departements,
 * plus dRofus, Fess and Scenari parts in proportion (bench/declaration.ts),
 * against local sandboxes that answer every request after `--latency` ms, at
 * the engine's default parallelism. Every figure is printed against a floor
 * measured in the same run: the minimal request set of the same declaration,
 * sent by a plain undici script at the same concurrency (bench/floor.ts).
 * Results go to bench/results/*.json. Not part of `npm test`: it measures,
 * it asserts nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { descendantsOf } from "../test/support/processes";
import { drofusDeclaration, fessDeclaration, scenariDeclaration, scodocDeclaration } from "./declaration";
import { drofusFloor, fessFloor, scenariFloor, scodocFloor, type FloorResult } from "./floor";

/** The repository root: the nearest folder up whose package.json is this package's (the bench runs compiled, from .tmp/). */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "pulumi-access-as-code")
      return dir;
    if (dirname(dir) === dir) throw new Error("bench: cannot find the repository root");
  }
}
const ROOT = findRoot(__dirname);

const { ensurePulumi, pulumiEnv } = require(join(ROOT, "scripts/ensure-pulumi.js")) as {
  ensurePulumi(): { binDir: string; version: string };
  pulumiEnv(extra?: Record<string, string>): Record<string, string>;
};
const { startSandboxes } = require(join(ROOT, "dist/sandbox")) as typeof import("../sandbox/index");

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value < 0) throw new Error(`bench: --${name} must be a number`);
  return value;
}

interface Run {
  wallMs: number;
  /** Peak resident memory of the dynamic-provider process, from the kernel's high-water mark. */
  providerPeakRssMb: number | undefined;
}

/** Descendants of `root` whose command line names the dynamic provider. */
function providerPids(root: number): number[] {
  return descendantsOf(root).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider");
    } catch {
      return false;
    }
  });
}

function peakRssKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Run the CLI, its output to a log file; sample the provider's memory while it runs. */
function pulumi(cwd: string, env: Record<string, string>, args: string[], log: string, input?: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const out = createWriteStream(log, { flags: "a" });
    out.write(`\n$ pulumi ${args.join(" ")}\n`);
    const child: ChildProcess = spawn("pulumi", args, { cwd, env, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin?.end(input);
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    let peak: number | undefined;
    const sample = () => {
      if (!child.pid) return;
      for (const pid of providerPids(child.pid)) {
        const kb = peakRssKb(pid);
        if (kb !== undefined) peak = Math.max(peak ?? 0, kb);
      }
    };
    const timer = setInterval(sample, 200);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      out.end();
      if (code !== 0) reject(new Error(`pulumi ${args.join(" ")} exited with ${code}; see ${log}`));
      else resolvePromise({ wallMs, providerPeakRssMb: peak === undefined ? undefined : Math.round(peak / 102.4) / 10 });
    });
  });
}

async function main(): Promise<void> {
  const n = arg("n", 500);
  const latencyMs = arg("latency", 20);
  const cli = ensurePulumi();
  // The engine's default: 4 × GOMAXPROCS (pulumi/pkg/cmd/pulumi/operations/up.go); the floor uses the same.
  const parallelism = 4 * availableParallelism();
  const decl = scodocDeclaration(n);
  const drofus = drofusDeclaration(n);
  const fess = fessDeclaration(n);
  const scenari = scenariDeclaration(n);
  type Endpoint = { url: string; username?: string; password?: string; token?: string };
  /** Each application the stack holds: how many resources, and its floor on a fresh server. */
  const parts = {
    scodoc: {
      resources: decl.departements.length + decl.roles.length + decl.users.length,
      describe: `${n} ScoDoc users, ${decl.roles.length} roles, ${decl.departements.length} departements`,
      floor: (e: Endpoint) => scodocFloor(e.url, e.username ?? "", e.password ?? "", decl, parallelism),
    },
    drofus: {
      resources: drofus.projects.length + drofus.members.length,
      describe: `${drofus.projects.length} dRofus projects, ${drofus.members.length} members`,
      floor: (e: Endpoint) => drofusFloor(e.url, e.username ?? "", e.password ?? "", drofus, parallelism),
    },
    fess: {
      resources: fess.roles.length + fess.groups.length + fess.users.length,
      describe: `${fess.roles.length} Fess roles, ${fess.groups.length} groups, ${fess.users.length} users`,
      floor: (e: Endpoint) => fessFloor(e.url, e.token ?? "", fess, parallelism),
    },
    scenari: {
      resources: scenari.groups.length + scenari.users.length + scenari.workspaces.length,
      describe: `${scenari.groups.length} Scenari groups, ${scenari.users.length} users, ${scenari.workspaces.length} workspaces`,
      floor: (e: Endpoint) => scenariFloor(e.url, e.username ?? "", e.password ?? "", scenari, parallelism),
    },
  } as const;
  type App = keyof typeof parts;
  const apps: App[] = (["scodoc", "drofus", "fess", "scenari"] as const).filter(
    (app) => app === "scodoc" || !process.argv.includes(`--no-${app}`),
  );
  const resources = apps.reduce((total, app) => total + parts[app].resources, 0);
  const faults = { latencyMs };
  console.log(
    `bench: ${apps.map((app) => parts[app].describe).join("; ")} (${resources} resources); ${latencyMs} ms per request; concurrency ${parallelism}; Pulumi ${cli.version}`,
  );

  // The floor, on sandboxes of its own so the stack starts from the same fresh servers.
  const floorBoxes = await startSandboxes({ apps, faults });
  const floorByApp: Partial<Record<App, FloorResult>> = {};
  try {
    // One application after the other, not side by side: the engine's parallelism is one budget for every resource.
    for (const app of apps) floorByApp[app] = await parts[app].floor(floorBoxes.get(app).endpoint);
    for (const app of apps) {
      const served = (await floorBoxes.get(app).admin.requests()).total;
      if (served !== floorByApp[app]?.requests)
        throw new Error(`bench: the ${app} floor sent ${floorByApp[app]?.requests} requests but the sandbox saw ${served}`);
    }
  } finally {
    await floorBoxes.stop();
  }
  const floor = Object.values(floorByApp).reduce((a, b) => ({ requests: a.requests + b.requests, wallMs: a.wallMs + b.wallMs }), {
    requests: 0,
    wallMs: 0,
  });

  const boxes = await startSandboxes({ apps, faults });
  const resetAll = () => Promise.all(apps.map((a) => boxes.get(a).admin.resetRequests()));
  const countAll = async () => {
    const byApp: Record<string, { total: number; byRoute: Record<string, number> }> = {};
    for (const a of apps) {
      const c = await boxes.get(a).admin.requests();
      byApp[a] = { total: c.total, byRoute: c.byRoute };
    }
    return { total: Object.values(byApp).reduce((t, c) => t + c.total, 0), byApp };
  };
  const stamp = `${new Date().toISOString().replace(/[:.]/g, "-")}-n${n}`;
  const work = join(ROOT, ".tmp", "bench", stamp);
  const backend = join(work, "state");
  mkdirSync(backend, { recursive: true });
  const log = join(work, "pulumi.log");
  try {
    writeFileSync(
      join(work, "Pulumi.yaml"),
      "name: access-bench\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    writeFileSync(join(work, "index.js"), `require(${JSON.stringify(resolve(__dirname, "stack.js"))});\n`);
    const env = pulumiEnv({ PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "access-bench" });
    const run = (args: string[], input?: string) => pulumi(work, env, args, log, input);
    await run(["stack", "init", "bench"]);
    await run(["config", "set", "n", String(n)]);
    for (const app of ["drofus", "fess", "scenari"] as const) await run(["config", "set", app, String(apps.includes(app))]);
    for (const app of apps) {
      const e = boxes.get(app).endpoint;
      await run(["config", "set", `${app}:url`, e.url]);
      if (e.username !== undefined) await run(["config", "set", `${app}:username`, e.username]);
      if (e.password !== undefined) await run(["config", "set", "--secret", `${app}:password`], e.password);
      if (e.token !== undefined) await run(["config", "set", "--secret", `${app}:token`], e.token);
    }

    await resetAll();
    // --skip-preview: the floor has no preview either; the preview is measured on its own below.
    const up = await run(["up", "--yes", "--skip-preview", "--non-interactive"]);
    const upCounts = await countAll();
    const upRequests = upCounts.total;

    await resetAll();
    const preview = await run(["preview", "--expect-no-changes", "--non-interactive"]);
    const previewRequests = (await countAll()).total;

    await resetAll();
    const refresh = await run(["refresh", "--yes", "--skip-preview", "--non-interactive"]);
    const refreshCounts = await countAll();

    const exported = join(work, "export.json");
    await run(["stack", "export", "--file", exported]);
    const deployment = JSON.parse(readFileSync(exported, "utf8")) as {
      deployment: { resources?: { type: string; inputs?: Record<string, unknown> }[] };
    };
    const ours = (deployment.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    // The stored text itself, as the engine keeps it in inputs and outputs (JSON escaping not counted).
    const providerBytes = ours.map((r) => Buffer.byteLength(String(r.inputs?.__provider ?? "")));
    const stateBytes = Buffer.byteLength(readFileSync(exported, "utf8"));

    // The servers must hold what was declared, or the timings mean nothing.
    if (ours.length !== resources) throw new Error(`bench: ${ours.length}/${resources} resources in state`);
    const holds: Record<App, () => Promise<string[]>> = {
      scodoc: async () => {
        const st = await boxes.get("scodoc").admin.state<{ users: { user_name: string }[] }>();
        return decl.users.map((u) => u.userName).filter((name) => !st.users.some((x) => x.user_name === name));
      },
      drofus: async () => {
        const st = await boxes.get("drofus").admin.state<{ projectUsers: { username: string }[] }>();
        return drofus.members.map((m) => m.username).filter((name) => !st.projectUsers.some((x) => x.username === name));
      },
      fess: async () => {
        const st = await boxes.get("fess").admin.state<{ users: Record<string, { name: string }> }>();
        return fess.users.map((u) => u.name).filter((name) => !Object.values(st.users).some((x) => x.name === name));
      },
      scenari: async () => {
        const st = await boxes.get("scenari").admin.state<{ accounts: { account: string }[]; wsps: { alias?: string }[] }>();
        return [
          ...scenari.users.map((u) => u.account).filter((name) => !st.accounts.some((x) => x.account === name)),
          ...scenari.workspaces.map((w) => w.alias).filter((alias) => !st.wsps.some((x) => x.alias === alias)),
        ];
      },
    };
    for (const app of apps) {
      const missing = await holds[app]();
      if (missing.length > 0) throw new Error(`bench: ${missing.length} ${app} objects missing, e.g. ${missing[0]}`);
    }

    const minimalPerResource = floor.requests / resources;
    const result = {
      apps,
      n,
      resources,
      resourcesByApp: Object.fromEntries(apps.map((app) => [app, parts[app].resources])),
      latencyMs,
      concurrency: parallelism,
      pulumiVersion: cli.version,
      node: process.version,
      cpus: availableParallelism(),
      up: {
        wallMs: Math.round(up.wallMs),
        requests: upRequests,
        requestsByApp: Object.fromEntries(Object.entries(upCounts.byApp).map(([a, c]) => [a, c.total])),
        requestsPerResource: upRequests / resources,
        providerPeakRssMb: up.providerPeakRssMb,
      },
      floor: { wallMs: Math.round(floor.wallMs), requests: floor.requests, requestsPerResource: minimalPerResource, byApp: floorByApp },
      upVsFloor: up.wallMs / floor.wallMs,
      requestsVsMinimal: upRequests / floor.requests,
      preview: { wallMs: Math.round(preview.wallMs), requests: previewRequests },
      refresh: {
        wallMs: Math.round(refresh.wallMs),
        requests: refreshCounts.total,
        byApp: refreshCounts.byApp,
        providerPeakRssMb: refresh.providerPeakRssMb,
      },
      state: {
        bytes: stateBytes,
        bytesPerResource: Math.round(stateBytes / resources),
        providerBytesMax: Math.max(...providerBytes),
        providerBytesMean: Math.round(providerBytes.reduce((a, b) => a + b, 0) / providerBytes.length),
      },
    };
    const dir = join(ROOT, "bench", "results");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${apps.join("-")}-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const rows: [string, string, string][] = [
      ["pulumi up (wall)", s(result.up.wallMs), `${result.upVsFloor.toFixed(2)}× floor (${s(result.floor.wallMs)})`],
      [
        "requests per resource (up)",
        result.up.requestsPerResource.toFixed(2),
        `${result.requestsVsMinimal.toFixed(2)}× minimal (${minimalPerResource.toFixed(2)})`,
      ],
      ...apps.map((app): [string, string, string] => {
        const sent = result.up.requestsByApp[app] ?? 0;
        const minimal = floorByApp[app]?.requests ?? 0;
        return [`  ${app} requests (up)`, String(sent), `${(sent / minimal).toFixed(2)}× minimal (${minimal})`];
      }),
      ["requests, unchanged preview", String(previewRequests), "target 0"],
      ["refresh (wall)", s(result.refresh.wallMs), `${(result.refresh.wallMs / floor.wallMs).toFixed(2)}× up floor`],
      ["requests, refresh", String(refreshCounts.total), `${(refreshCounts.total / resources).toFixed(3)} per resource`],
      ["state size", `${(stateBytes / 1024).toFixed(0)} KB`, `${result.state.bytesPerResource} B per resource`],
      ["__provider per resource", `${result.state.providerBytesMax} B`, "target < 2048 B"],
      [
        "provider peak RSS (up / refresh)",
        `${result.up.providerPeakRssMb ?? "?"} / ${result.refresh.providerPeakRssMb ?? "?"} MB`,
        "target < 200 MB at N = 2000",
      ],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log("");
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    console.log(`\nwritten ${file}`);
    rmSync(work, { recursive: true, force: true });
  } finally {
    await boxes.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
