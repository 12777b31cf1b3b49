import type { Sandbox, SandboxOptions } from "./core/server";

/** The applications the package manages; each has a sandbox once its module exists. */
export type AppName = "scodoc" | "fess" | "drofus" | "scenari";

export type SandboxFactory = (options?: SandboxOptions) => Sandbox<unknown>;

/**
 * Every sandbox that exists, loaded lazily so that starting one application
 * does not load the others.
 */
export const sandboxFactories: Partial<Record<AppName, () => SandboxFactory>> = {
  scodoc: () => require("./scodoc").createScodocSandbox,
  fess: () => require("./fess").createFessSandbox,
  scenari: () => require("./scenari").createScenariSandbox,
  drofus: () => require("./drofus").createDrofusSandbox,
};
