/**
 * One application's sandbox plus the real dynamic-provider process,
 * configured against it through stack config as `pulumi up` would run them.
 */
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox, SandboxOptions } from "../../sandbox/core/server";
import { sandboxFactories, type AppName } from "../../sandbox/apps";
import { MiniEngine, ProviderProcess, serializeProviders, type Props } from "./provider";

export interface Harness<S = unknown> {
  sandbox: Sandbox<S>;
  admin: SandboxAdmin;
  provider: ProviderProcess;
  engine: MiniEngine;
  /** The serialized provider of each kind, as stored in states. */
  texts: Record<string, string>;
  /** The stack config the provider was given. */
  config: Record<string, string>;
  /** Another provider process with this config merged over the harness's (wrong credentials...). */
  withConfig(overrides: Record<string, string>): Promise<{ engine: MiniEngine; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

/**
 * @param samples one constructor argument object per resource class to serialize, e.g. `{ ScodocRole: { name: "X" } }`
 */
export async function startHarness<S = unknown>(
  app: AppName,
  samples: Record<string, Props>,
  options: { sandbox?: SandboxOptions & Record<string, unknown>; env?: NodeJS.ProcessEnv } = {},
): Promise<Harness<S>> {
  const load = sandboxFactories[app];
  if (!load) throw new Error(`no sandbox for ${app}`);
  const sandbox = (await (await load())(options.sandbox).start()) as Sandbox<S>;
  const { username, password, token } = sandbox.credentials;
  const config: Record<string, string> = { [`${app}:url`]: sandbox.clientUrl };
  if (token !== undefined) config[`${app}:token`] = token;
  else Object.assign(config, { [`${app}:username`]: username, [`${app}:password`]: password });

  const texts = serializeProviders(samples);
  const provider = await ProviderProcess.start(options.env);
  await provider.configure(config);
  return {
    sandbox,
    admin: new SandboxAdmin(sandbox.url),
    provider,
    engine: new MiniEngine(provider, texts),
    texts,
    config,
    async withConfig(overrides) {
      const other = await ProviderProcess.start(options.env);
      await other.configure({ ...config, ...overrides });
      return { engine: new MiniEngine(other, texts), stop: () => other.stop() };
    },
    async stop() {
      await provider.stop();
      await sandbox.stop();
    },
  };
}
