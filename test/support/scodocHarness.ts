/**
 * A ScoDoc sandbox plus the real dynamic-provider process configured against
 * it through stack config, as `pulumi up` would run them.
 */
import { createScodocSandbox } from "../../sandbox/scodoc";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox } from "../../sandbox/core/server";
import type { ScodocState } from "../../sandbox/scodoc/model";
import { MiniEngine, ProviderProcess, serializeProviders } from "./provider";

export interface ScodocHarness {
  sandbox: Sandbox<ScodocState>;
  admin: SandboxAdmin;
  provider: ProviderProcess;
  engine: MiniEngine;
  texts: Record<string, string>;
  stop(): Promise<void>;
}

export const SCODOC_SAMPLES = {
  ScodocDepartement: { acronym: "SAMPLE" },
  ScodocRole: { name: "Sample" },
  ScodocUser: { userName: "sample" },
};

export async function startScodocHarness(env: NodeJS.ProcessEnv = {}): Promise<ScodocHarness> {
  const sandbox = await createScodocSandbox().start();
  const texts = serializeProviders(SCODOC_SAMPLES);
  const provider = await ProviderProcess.start(env);
  await provider.configure({
    "scodoc:url": sandbox.clientUrl,
    "scodoc:username": sandbox.credentials.username,
    "scodoc:password": sandbox.credentials.password,
  });
  return {
    sandbox,
    admin: new SandboxAdmin(sandbox.url),
    provider,
    engine: new MiniEngine(provider, texts),
    texts,
    async stop() {
      await provider.stop();
      await sandbox.stop();
    },
  };
}
