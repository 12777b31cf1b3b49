import type { FessMajorVersion, FessState } from "../../sandbox/fess";
import { startHarness, type Harness } from "./harness";

export type FessHarness = Harness<FessState>;

/** One constructor argument object per Fess class, to serialize the providers stored in states. */
export const FESS_SAMPLES = {
  FessRole: { name: "sample" },
  FessGroup: { name: "sample" },
  FessUser: { name: "sample" },
};

/** Both verb sets: 15.x creates with POST and updates with PUT, 14.x the other way round. */
export const FESS_VERSIONS = [
  { version: "15", create: "POST", update: "PUT" },
  { version: "14", create: "PUT", update: "POST" },
] as const satisfies readonly { version: FessMajorVersion; create: string; update: string }[];

export function startFessHarness(version: FessMajorVersion): Promise<FessHarness> {
  return startHarness<FessState>("fess", FESS_SAMPLES, { sandbox: { version } });
}
