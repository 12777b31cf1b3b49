import type { DrofusState } from "../../sandbox/drofus/state";
import { startHarness, type Harness } from "./harness";

export type DrofusHarness = Harness<DrofusState>;

/** One constructor argument object per dRofus class, to serialize the providers stored in states. */
export const DROFUS_SAMPLES = {
  DrofusProject: {
    name: "Sample",
    description: "sample",
    constructor: "Sample AS",
    ownerId: 5,
    projectTypeId: 1,
    database: { existing: "dev-template" },
  },
  DrofusProjectUser: { projectId: 1, username: "sample" },
};

export function startDrofusHarness(env: NodeJS.ProcessEnv = {}): Promise<DrofusHarness> {
  return startHarness<DrofusState>("drofus", DROFUS_SAMPLES, { env });
}
