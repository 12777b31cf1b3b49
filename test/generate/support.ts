/**
 * Helpers for the generate suites: run the compiled CLI as a subprocess, and
 * drive the program it wrote as a CLI project (its own Pulumi.yaml, run by the
 * real Pulumi CLI through the Automation API's LocalWorkspace), in a folder
 * under the repository's .tmp/ so that `pulumi-access-as-code` and
 * `@pulumi/pulumi` resolve through the repository's node_modules.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type * as automation from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import { startSandboxes, type AppName, type RunningSandbox, type RunningSandboxes, type SandboxEndpoint } from "../../sandbox";
import type { ConfigEntry } from "../support/stackConfig";

export const ROOT = resolve(__dirname, "../..");
const CLI = join(ROOT, "dist", "providers", "generate", "cli.js");
const nativeRequire = createRequire(join(ROOT, "package.json"));
const { ensurePulumi, pulumiEnv } = nativeRequire("./scripts/ensure-pulumi.js") as {
  ensurePulumi(): { binDir: string };
  pulumiEnv(extra?: Record<string, string>): Record<string, string>;
};
const auto = nativeRequire("@pulumi/pulumi/automation") as typeof automation;

let counter = 0;

/** A fresh folder under .tmp/generate/. */
export function workDir(label: string): string {
  const dir = join(ROOT, ".tmp", "generate", `${label}-${process.pid}-${counter++}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `pulumi-access-as-code <args>` with only these variables added to a
 * clean environment (none of the caller's SCODOC_* etc. leak in). Asynchronous:
 * the sandbox answering it runs in this process.
 */
export async function runGenerate(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...base, ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The variables `generate` reads a server's URL and credentials from: `<APP>_URL` and the rest. */
function credentialsEnv(endpoint: SandboxEndpoint): Record<string, string> {
  const prefix = endpoint.app.toUpperCase();
  const env: Record<string, string> = { [`${prefix}_URL`]: endpoint.url };
  if (endpoint.username !== undefined) env[`${prefix}_USERNAME`] = endpoint.username;
  if (endpoint.password !== undefined) env[`${prefix}_PASSWORD`] = endpoint.password;
  if (endpoint.token !== undefined) env[`${prefix}_TOKEN`] = endpoint.token;
  return env;
}

export interface Generated {
  readonly sandboxes: RunningSandboxes;
  readonly sandbox: RunningSandbox;
  /** What `generate` was run with: the server's URL and credentials, nothing else. */
  readonly env: Record<string, string>;
  /** The folder the program was written to. */
  readonly program: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Start the application's sandbox, fill it out of band, and run `generate <app>` on it; the run must succeed. */
export async function generateFrom<S>(app: AppName, populate: (state: S) => void): Promise<Generated> {
  const sandboxes = await startSandboxes({ apps: [app] });
  const sandbox = sandboxes.get(app);
  await sandbox.admin.mutate<S>(populate);
  const env = credentialsEnv(sandbox.endpoint);
  const program = workDir(app);
  const result = await runGenerate(["generate", app, "--out", program], env);
  expect(result.stderr).not.toContain("generate:");
  expect(result.code).toBe(0);
  const typecheck = await typeCheck(program);
  expect(typecheck.stdout + typecheck.stderr).toBe("");
  expect(typecheck.code).toBe(0);
  return { sandboxes, sandbox, env, program, stdout: result.stdout, stderr: result.stderr };
}

/** `tsc --noEmit` on a generated project, under its own tsconfig.json: what its `npm run typecheck` does. */
export async function typeCheck(program: string): Promise<CliResult> {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", join(program, "tsconfig.json")], {
      cwd: program,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Replace `from` with `to` in the generated index.ts, as a user editing the program would. */
export function editProgram(program: string, from: string, to: string): void {
  const file = join(program, "index.ts");
  const index = readFileSync(file, "utf8");
  const edited = index.replace(from, to);
  expect(edited).not.toBe(index);
  writeFileSync(file, edited);
}

/** Every file of a folder (not recursive), by name. */
export function readFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, readFileSync(join(dir, e.name), "utf8")] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

export interface CliProject {
  up(): Promise<{ changes: Record<string, number>; stdout: string }>;
  previewNoChanges(): Promise<string>;
}

/** The generated program in `dir` as a stack on a file backend, with this config. */
export async function cliProject(dir: string, config: Record<string, ConfigEntry>): Promise<CliProject> {
  const { binDir } = ensurePulumi();
  const pulumiCommand = await auto.PulumiCommand.get({ root: dirname(binDir), skipVersionCheck: true });
  const backendDir = join(dir, ".state");
  mkdirSync(backendDir, { recursive: true });
  const envVars = pulumiEnv({ PULUMI_BACKEND_URL: `file://${backendDir}`, PULUMI_CONFIG_PASSPHRASE: "generate-test-passphrase" });
  const stack = await auto.LocalWorkspace.createOrSelectStack({ stackName: "test", workDir: dir }, { envVars, pulumiCommand });
  await stack.setAllConfig(config);
  return {
    async up() {
      const result = await stack.up({ color: "never" });
      return { changes: { ...result.summary.resourceChanges }, stdout: result.stdout };
    },
    async previewNoChanges() {
      return (await stack.preview({ expectNoChanges: true, color: "never" })).stdout;
    },
  };
}

/**
 * The generated program, put on the server it was read from: `pulumi up`
 * creates `declared` resources and the stack, all adopted, with no write
 * (as `writes` reads the server's request log) and the server as it was;
 * the next preview is empty and writes nothing either.
 */
export async function expectAdoptedWithNoWrite(
  sandbox: RunningSandbox,
  project: CliProject,
  declared: number,
  writes: () => Promise<string[]>,
): Promise<void> {
  const before = await sandbox.admin.state<unknown>();
  await sandbox.admin.resetRequests();
  const { changes } = await project.up();
  expect(changes).toEqual({ create: declared + 1 });
  expect(await writes()).toEqual([]);
  expect(await sandbox.admin.state<unknown>()).toEqual(before);
  await sandbox.admin.resetRequests();
  await project.previewNoChanges();
  expect(await writes()).toEqual([]);
}
