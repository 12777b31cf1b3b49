/**
 * The real Pulumi engine: the CLI (built by scripts/ensure-pulumi.js) driven
 * through the Automation API with a local file backend, running inline
 * programs that load this package by name, as a consumer's program does.
 * A missing CLI fails the suite loudly: ensurePulumi throws.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type * as automation from "@pulumi/pulumi/automation";

const ROOT = resolve(__dirname, "../..");
const nativeRequire = createRequire(join(ROOT, "package.json"));

const { ensurePulumi, pulumiEnv } = nativeRequire("./scripts/ensure-pulumi.js") as {
  ensurePulumi(): { binDir: string; version: string };
  pulumiEnv(extra?: Record<string, string>): Record<string, string>;
};
/** The package as a consumer loads it (dist/, not the TypeScript sources the test runner sees). */
export const pkg = nativeRequire("pulumi-access-as-code") as typeof import("../../providers/index");
export const pulumi = nativeRequire("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const auto = nativeRequire("@pulumi/pulumi/automation") as typeof automation;

// biome-ignore lint/suspicious/noConfusingVoidType: an inline program returns its outputs, or nothing
export type Program = () => Promise<Record<string, unknown> | void>;

export interface EngineStack {
  stack: automation.Stack;
  workDir: string;
  backendDir: string;
  /** Run `up` with this program; returns the operation counts and the CLI output. */
  up(
    program: Program,
    options?: { replace?: string[] },
  ): Promise<{ changes: Record<string, number>; stdout: string; outputs: automation.OutputMap }>;
  /** `preview --expect-no-changes` must pass; returns the output. */
  previewNoChanges(program: Program): Promise<string>;
  preview(program: Program): Promise<{ changes: Record<string, number>; stdout: string }>;
  refresh(): Promise<{ changes: Record<string, number>; stdout: string }>;
  destroy(): Promise<string>;
  /** The raw state file as the backend wrote it. */
  rawState(): string;
  /** The deployment's resources (outputs decrypted only where the CLI shows them). */
  resources(): Promise<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown>; inputs?: Record<string, unknown> }[]>;
  cleanup(): Promise<void>;
}

/** What a CLI command that must fail printed, and its error; throws if it succeeded. */
export async function failureOutput(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? "") + String((error as Error).message);
  }
  throw new Error("expected the command to fail");
}

let counter = 0;

/**
 * A fresh project and stack in a work dir inside the repository, so the
 * dynamic-provider process (started with the program's directory as cwd)
 * resolves `pulumi-access-as-code/runtime` through node_modules.
 */
export async function createEngineStack(options: {
  config: Record<string, { value: string; secret?: boolean }>;
  env?: Record<string, string>;
  /** A work dir of the caller's (e.g. one with its own node_modules); default a fresh one. */
  workDir?: string;
}): Promise<EngineStack> {
  const { binDir } = ensurePulumi();
  const pulumiCommand = await auto.PulumiCommand.get({ root: dirname(binDir), skipVersionCheck: true });
  const name = `t${process.pid}-${Date.now()}-${counter++}`;
  const workDir = options.workDir ?? join(ROOT, ".tmp", "engine", name);
  const backendDir = join(ROOT, ".tmp", "engine-state", name);
  mkdirSync(workDir, { recursive: true });
  mkdirSync(backendDir, { recursive: true });
  const envVars = pulumiEnv({
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-test-passphrase",
    ...options.env,
  });
  let current: Program = async () => undefined;
  const stack = await auto.LocalWorkspace.createOrSelectStack(
    { stackName: "test", projectName: "access-engine-test", program: () => current() },
    {
      workDir,
      envVars,
      pulumiCommand,
      projectSettings: { name: "access-engine-test", runtime: "nodejs", backend: { url: `file://${backendDir}` } },
    },
  );
  await stack.setAllConfig(options.config);

  const counts = (summary: Record<string, number> | undefined) => ({ ...summary });
  const run = async <T>(program: Program, fn: () => Promise<T>): Promise<T> => {
    current = program;
    return fn();
  };
  return {
    stack,
    workDir,
    backendDir,
    async up(program, options) {
      const result = await run(program, () => stack.up({ color: "never", ...options }));
      return { changes: counts(result.summary.resourceChanges), stdout: result.stdout, outputs: result.outputs };
    },
    async previewNoChanges(program) {
      const result = await run(program, () => stack.preview({ expectNoChanges: true, color: "never" }));
      return result.stdout;
    },
    async preview(program) {
      const result = await run(program, () => stack.preview({ color: "never" }));
      return { changes: counts(result.changeSummary as Record<string, number>), stdout: result.stdout };
    },
    async refresh() {
      const result = await stack.refresh({ color: "never" });
      return { changes: counts(result.summary.resourceChanges), stdout: result.stdout };
    },
    async destroy() {
      const result = await stack.destroy({ color: "never" });
      return result.stdout;
    },
    rawState() {
      const dir = join(backendDir, ".pulumi", "stacks", "access-engine-test");
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => readFileSync(join(dir, f), "utf8"))
        .join("\n");
    },
    async resources() {
      const deployment = await stack.exportStack();
      return (deployment.deployment.resources ?? []) as Awaited<ReturnType<EngineStack["resources"]>>;
    },
    async cleanup() {
      await stack.workspace.removeStack("test", { force: true }).catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
      rmSync(backendDir, { recursive: true, force: true });
    },
  };
}
