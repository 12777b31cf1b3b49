import type { Sandbox, SandboxOptions } from "./core/server";

/** The applications the package manages; each has a sandbox once its module exists. */
export type AppName = "scodoc" | "fess" | "drofus" | "scenari";

// biome-ignore lint/suspicious/noExplicitAny: four applications' states
export type SandboxFactory = (options?: SandboxOptions & Record<string, any>) => Sandbox<any>;

/**
 * Every sandbox that exists, loaded lazily so that starting one application
 * does not load the others (`import()` compiles to a lazy require in dist/).
 */
export const sandboxFactories: Partial<Record<AppName, () => Promise<SandboxFactory>>> = {
  scodoc: () => import("./scodoc").then((m) => m.createScodocSandbox),
  fess: () => import("./fess").then((m) => m.createFessSandbox),
  scenari: () => import("./scenari").then((m) => m.createScenariSandbox),
  drofus: () => import("./drofus").then((m) => m.createDrofusSandbox),
};
