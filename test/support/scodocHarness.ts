import type { ScodocState } from "../../sandbox/scodoc/model";
import { startHarness, type Harness } from "./harness";

export type ScodocHarness = Harness<ScodocState>;

export const SCODOC_SAMPLES = {
  ScodocDepartement: { acronym: "SAMPLE" },
  ScodocRole: { name: "Sample" },
  ScodocUser: { userName: "sample" },
};

export function startScodocHarness(env: NodeJS.ProcessEnv = {}): Promise<ScodocHarness> {
  return startHarness<ScodocState>("scodoc", SCODOC_SAMPLES, { env });
}
