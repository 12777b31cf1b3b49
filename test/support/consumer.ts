/**
 * A stack project as a user of the published package has it: in a folder
 * outside this repository, with its own package.json depending on the packed
 * tarball, a Pulumi.yaml, a tsconfig.json and a TypeScript program, installed
 * with `npm install` and run by the real Pulumi CLI through the Node.js
 * language host (not the Automation API's inline mode), on a file backend.
 * A missing Pulumi CLI fails loudly: ensurePulumi throws.
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");
const repoRequire = createRequire(join(ROOT, "package.json"));

const { ensurePulumi, pulumiEnv } = repoRequire("./scripts/ensure-pulumi.js") as {
  ensurePulumi(): { binDir: string; version: string };
  pulumiEnv(extra?: Record<string, string>): Record<string, string>;
};

/** The versions this repository develops against, so the consumer's install needs nothing new from the registry. */
const TYPESCRIPT_VERSION = (repoRequire("typescript/package.json") as { version: string }).version;
const TYPES_NODE_VERSION = (repoRequire("@types/node/package.json") as { version: string }).version;
export const PULUMI_VERSION = "3.248.0";
/**
 * Pulumi runs a `"type": "module"` TypeScript program through ts-node's ESM
 * hooks, and only finds them in the project: its own vendored ts-node (7.0.1)
 * has none, so without this the program fails with ERR_UNKNOWN_FILE_EXTENSION.
 */
const TS_NODE_RANGE = "^10.9.2";

/** The password the demo program gives its ScoDoc user (strong enough for ScoDoc). */
export const ALICE_PASSWORD = "Tulip-Orbit-Canyon-77";

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Run a command to completion; a non-zero exit rejects with the command line and its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise({ stdout: stripAnsi(stdout), stderr: stripAnsi(stderr) });
      const line = [command, ...args].join(" ");
      reject(
        new Error(
          `\`${line}\` in ${options.cwd} exited with ${signal ?? code}\n--- stdout\n${stripAnsi(stdout)}\n--- stderr\n${stripAnsi(stderr)}`,
        ),
      );
    });
    child.stdin.end(options.input ?? "");
  });
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

export interface Tarball {
  path: string;
  version: string;
  /** The paths inside the package, sorted. */
  files: string[];
}

interface PackInfo {
  filename: string;
  version: string;
  files: { path: string }[];
}

async function pack(cwd: string, destination: string, extra: readonly string[] = []): Promise<Tarball> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination, ...extra], { cwd });
  const [info] = JSON.parse(stdout) as PackInfo[];
  if (!info) throw new Error(`npm pack printed no package: ${stdout}`);
  return { path: join(destination, info.filename), version: info.version, files: info.files.map((f) => f.path).sort() };
}

/**
 * `npm pack` of this repository's current build. The prepack script (a
 * build) is skipped: rewriting dist/ here would race the other suites that
 * load it at the same time. Instead a build older than its sources fails.
 */
export function packRepository(destination: string): Promise<Tarball> {
  const stale = sourceFiles(["providers", "sandbox"]).filter((source) => {
    const built = join(ROOT, "dist", source.replace(/\.ts$/, ".js"));
    return !existsSync(built) || statSync(built).mtimeMs < statSync(join(ROOT, source)).mtimeMs;
  });
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.join(", ")}: run npm run build first`);
  return pack(ROOT, destination, ["--ignore-scripts"]);
}

function sourceFiles(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) =>
    (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
      .map((f) => join(dir, f)),
  );
}

/** The environment variable the second version's runtime appends each call it serves to. */
export const DISPATCH_LOG_ENV = "PULUMI_ACCESS_TEST_DISPATCH_LOG";

/**
 * A later release of the package: the first tarball with its version bumped
 * and a runtime that, besides doing its work, appends `<version> <kind>
 * <method>` to the file named by {@link DISPATCH_LOG_ENV}, so a test can tell
 * which installed code served a call.
 */
export async function packUpgrade(from: Tarball, workDir: string, version: string): Promise<Tarball> {
  mkdirSync(workDir, { recursive: true });
  await run("tar", ["-xzf", from.path, "-C", workDir], { cwd: workDir });
  const dir = join(workDir, "package");
  const manifestPath = join(dir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string };
  manifest.version = version;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  appendFileSync(
    join(dir, "dist", "providers", "runtime.js"),
    `\n// Added by test/package: this version records every call it serves.\n{\n` +
      `  const served = exports.dispatch;\n` +
      `  const names = ["configure", "check", "diff", "create", "read", "update", "delete"];\n` +
      `  exports.dispatch = async (kind, index, args) => {\n` +
      `    const log = process.env.${DISPATCH_LOG_ENV};\n` +
      `    if (log) require("node:fs").appendFileSync(log, ${JSON.stringify(version)} + " " + kind + " " + names[index] + "\\n");\n` +
      `    return served(kind, index, args);\n` +
      `  };\n}\n`,
  );
  // The unpacked package holds no sources to build: pack it as it is.
  return pack(dir, workDir, ["--ignore-scripts"]);
}

export type ModuleKind = "commonjs" | "module";

/** What the demo program declares; the pull-request variant changes one resource and adds one. */
export interface ProgramVariant {
  aliceNom: string;
  geii: boolean;
}

/**
 * The stack program, the same TypeScript text for CommonJS and ESM: a few
 * resources of each application, server URLs and credentials from the stack
 * config or the environment.
 */
export function programSource(variant: ProgramVariant): string {
  return `import * as pulumi from "@pulumi/pulumi";
import {
  DrofusProject,
  DrofusProjectUser,
  FessRole,
  FessUser,
  ScenariGroup,
  ScenariWorkspace,
  ScodocDepartement,
  ScodocRole,
  ScodocUser,
} from "pulumi-access-as-code";

const config = new pulumi.Config();

const rt = new ScodocDepartement("rt", { acronym: "RT" });
const tutor = new ScodocRole("tutor", { name: "Tuteur", permissions: ["ScoView", "EnsView"] });
const alice = new ScodocUser("alice", {
  userName: "alice",
  nom: ${JSON.stringify(variant.aliceNom)},
  dept: rt.acronym,
  password: config.requireSecret("alicePassword"),
  roles: [{ role: tutor.name, departement: rt.acronym }],
});
${variant.geii ? `new ScodocDepartement("geii", { acronym: "GEII" });\n` : ""}
const hospital = new DrofusProject("hospital", {
  name: "St. Olav Hospital",
  description: "New psychiatry wing",
  builder: "Byggmester AS",
  ownerId: 5,
  projectTypeId: 1,
  database: { newFromTemplate: "dev-template", name: "st-olav" },
});
new DrofusProjectUser("ingrid", {
  projectId: hospital.projectId,
  username: "ingrid.solberg",
  firstName: "Ingrid",
  lastName: "Solberg",
  email: "ingrid.solberg@arkitekt.example",
  rights: { room: "full", equipment: "read" },
  superuser: true,
});

const staff = new FessRole("staff", { name: "staff" });
new FessUser("librarian", { name: "m.bernard", password: config.requireSecret("alicePassword"), roles: [staff.name] });

const authors = new ScenariGroup("authors", { account: "course-authors", groupName: "Course authors" });
const algebra = new ScenariWorkspace("algebra", {
  alias: "l1-algebra",
  title: "Linear algebra (L1)",
  model: { key: "Opale", version: "5", lang: "fr-FR" },
  roles: authors.account.apply((account) => ({ [account]: { allowed: ["main:author"] } })),
});

export const rtId = rt.deptId;
export const aliceId = alice.userId;
export const projectId = hospital.projectId;
export const algebraWorkspace = algebra.wspCd;
`;
}

/**
 * Never run, only type-checked: if the package's declarations did not
 * resolve, or resolved to `any`, the directive below would be unused and tsc
 * would fail.
 */
const TYPES_PROBE = `import { ScodocDepartement } from "pulumi-access-as-code";

export function acronymMustBeAString(): void {
  // @ts-expect-error acronym is a string input
  new ScodocDepartement("never", { acronym: 42 });
}
`;

/**
 * Pulumi's TypeScript template (pulumi new typescript), as a CommonJS stack
 * typically still has it: no `esModuleInterop` and no `skipLibCheck`, so
 * `tsc` reads every declaration the package publishes, and would fail inside
 * zod's (colinhacks/zod#5160) if the package's own imported them.
 */
export const COMMONJS_COMPILER_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

/** What an ESM TypeScript project needs: Node's own module rules. */
const ESM_COMPILER_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2022",
  module: "nodenext",
  moduleResolution: "nodenext",
  sourceMap: true,
  forceConsistentCasingInFileNames: true,
};

/** Application credentials and debug switches of the developer's shell must not leak into a consumer's runs. */
const FOREIGN_ENV = /^(SCODOC|FESS|DROFUS|SCENARI)_|^PULUMI_ACCESS_DEBUG$/;

export interface Consumer {
  readonly dir: string;
  readonly name: string;
  readonly stack: string;
  /** `npm install` of the package.json as written (or with extra arguments). */
  npm(args: readonly string[]): Promise<RunResult>;
  /** `tsc --noEmit -p .` with extra options. */
  tsc(args: readonly string[]): Promise<RunResult>;
  /** The Pulumi CLI in the project, on its own backend, with these extra environment variables. */
  pulumi(args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<RunResult>;
  /** A command line as a CI job's shell runs it, in the project, with the Pulumi environment. */
  sh(commandLine: string, env?: Record<string, string>): Promise<RunResult>;
  writeProgram(variant: ProgramVariant): void;
  /** The stack's deployment as `pulumi stack export` prints it. */
  exportStack(): Promise<{ deployment: { resources?: StateResource[] } }>;
  /** The version of pulumi-access-as-code installed in the project. */
  installedVersion(): string;
  /** `require` from the project's directory, as its own code would resolve modules. */
  require: NodeJS.Require;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Write a consumer project into `dir` (which must not be inside this repository). */
export function createConsumer(options: { dir: string; name: string; type: ModuleKind; tarball: Tarball; stack?: string }): Consumer {
  const { dir, name, type, tarball } = options;
  if (!relative(ROOT, dir).startsWith("..")) throw new Error(`a consumer must live outside the repository, not in ${dir}`);
  const stack = options.stack ?? "ci";
  const backendDir = join(dir, ".pulumi-backend");
  mkdirSync(backendDir, { recursive: true });

  const manifest = {
    name,
    private: true,
    ...(type === "module" ? { type: "module" } : {}),
    main: "index.ts",
    dependencies: {
      "@pulumi/pulumi": PULUMI_VERSION,
      "pulumi-access-as-code": `file:${relative(dir, tarball.path)}`,
    },
    devDependencies: {
      "@types/node": TYPES_NODE_VERSION,
      typescript: TYPESCRIPT_VERSION,
      ...(type === "module" ? { "ts-node": TS_NODE_RANGE } : {}),
    },
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(dir, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions: type === "module" ? ESM_COMPILER_OPTIONS : COMMONJS_COMPILER_OPTIONS, files: ["index.ts", "types-probe.ts"] }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: ${name}\ndescription: A stack that imports pulumi-access-as-code from npm.\nruntime: nodejs\n`,
  );
  writeFileSync(join(dir, "types-probe.ts"), TYPES_PROBE);

  const baseEnv = (): Record<string, string> => {
    const env = pulumiEnv({
      PULUMI_BACKEND_URL: `file://${backendDir}`,
      // A throwaway local backend: the passphrase only guards this folder.
      PULUMI_CONFIG_PASSPHRASE: "package-test",
    });
    for (const key of Object.keys(env)) if (FOREIGN_ENV.test(key)) delete env[key];
    return env;
  };

  const consumer: Consumer = {
    dir,
    name,
    stack,
    npm: (args) => run("npm", args, { cwd: dir }),
    tsc: (args) => run(join(dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", ".", ...args], { cwd: dir }),
    pulumi(args, opts = {}) {
      return run("pulumi", [...args, "--non-interactive"], {
        cwd: dir,
        env: { ...baseEnv(), ...opts.env },
        ...(opts.input === undefined ? {} : { input: opts.input }),
      });
    },
    sh(commandLine, env = {}) {
      return run("sh", ["-c", commandLine], { cwd: dir, env: { ...baseEnv(), ...env } });
    },
    writeProgram(variant) {
      writeFileSync(join(dir, "index.ts"), programSource(variant));
    },
    async exportStack() {
      const { stdout } = await consumer.pulumi(["stack", "export", "--stack", stack]);
      return JSON.parse(stdout) as { deployment: { resources?: StateResource[] } };
    },
    installedVersion() {
      return (JSON.parse(readFileSync(join(dir, "node_modules", "pulumi-access-as-code", "package.json"), "utf8")) as { version: string })
        .version;
    },
    require: createRequire(join(dir, "package.json")),
  };
  return consumer;
}

/** Make sure the CLI exists before a suite starts spending time; throws with instructions when it cannot. */
export function requirePulumiCli(): string {
  return ensurePulumi().version;
}
