import type { ScenariState } from "../../sandbox/scenari";
import { startHarness, type Harness } from "./harness";

export type ScenariHarness = Harness<ScenariState>;

/** One constructor argument object per Scenari class, to serialize the providers stored in states. */
export const SCENARI_SAMPLES = {
  ScenariWorkspace: { alias: "sample", title: "Sample", model: { key: "Opale" } },
  ScenariUser: { account: "sample" },
  ScenariGroup: { account: "sample-group" },
};

/** The sandbox on a database backend (the default: aliases and a trash) or a file-system one (codes, no trash). */
export function startScenariHarness(backend: "db" | "fs" = "db", env: NodeJS.ProcessEnv = {}): Promise<ScenariHarness> {
  return startHarness<ScenariState>("scenari", SCENARI_SAMPLES, { sandbox: { backend }, env });
}
