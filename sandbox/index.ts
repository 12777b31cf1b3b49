/**
 * Local servers that behave like ScoDoc, Fess, dRofus and Scenari, for tests,
 * demos and trying a stack without the real applications.
 *
 * @module pulumi-access-as-code/sandbox
 */
import { join } from "node:path";
import { SandboxAdmin } from "./core/admin";
import type { FaultConfig } from "./core/faults";
import { endpointOf, type Sandbox, type SandboxEndpoint } from "./core/server";
import { sandboxFactories, type AppName } from "./apps";

export { Sandbox, endpointOf } from "./core/server";
export type { SandboxDefinition, SandboxOptions, SandboxEndpoint, Credentials } from "./core/server";
export { SandboxAdmin } from "./core/admin";
export type { FaultConfig, FaultRule } from "./core/faults";
export type { LoggedRequest, RequestCounts } from "./core/requestLog";
export { sandboxFactories, type AppName } from "./apps";

/** Which sandboxes {@link startSandboxes} starts, and how. */
export interface StartOptions {
  /** Which applications; default every one that has a sandbox. */
  readonly apps?: readonly AppName[];
  /** Faults applied to every sandbox from the start (latency for benchmarks, chaos for tests). */
  readonly faults?: FaultConfig;
  /** Keep each sandbox's state in `<dir>/<app>.json`. */
  readonly persistDir?: string;
}

/** One started sandbox. */
export interface RunningSandbox {
  /** The server itself, in this process. */
  readonly sandbox: Sandbox<unknown>;
  /** Its URL and seeded credentials, for a stack's config. */
  readonly endpoint: SandboxEndpoint;
  /** A client of its out-of-band channel. */
  readonly admin: SandboxAdmin;
}

/** The sandboxes {@link startSandboxes} started. */
export interface RunningSandboxes {
  /** Each started sandbox, by application. */
  readonly apps: Partial<Record<AppName, RunningSandbox>>;
  /** One application's sandbox; throws when it was not started. */
  get(app: AppName): RunningSandbox;
  /** Stop every sandbox. */
  stop(): Promise<void>;
}

/** Start local sandboxes on free loopback ports. */
export async function startSandboxes(options: StartOptions = {}): Promise<RunningSandboxes> {
  const names = options.apps ?? (Object.keys(sandboxFactories) as AppName[]);
  const apps: Partial<Record<AppName, RunningSandbox>> = {};
  try {
    for (const name of names) {
      const load = sandboxFactories[name];
      if (!load) throw new Error(`no sandbox for ${name}`);
      const factory = await load();
      const sandbox = await factory({
        ...(options.faults ? { faults: options.faults } : {}),
        ...(options.persistDir ? { persistPath: join(options.persistDir, `${name}.json`) } : {}),
      }).start();
      apps[name] = { sandbox, endpoint: endpointOf(sandbox), admin: new SandboxAdmin(sandbox.url) };
    }
  } catch (error) {
    await Promise.all(Object.values(apps).map((a) => a.sandbox.stop()));
    throw error;
  }
  return {
    apps,
    get(app) {
      const running = apps[app];
      if (!running) throw new Error(`the ${app} sandbox is not running`);
      return running;
    },
    async stop() {
      await Promise.all(Object.values(apps).map((a) => a.sandbox.stop()));
    },
  };
}
