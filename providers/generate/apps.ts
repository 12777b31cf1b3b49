/** The applications `generate` can read, and the kinds each one's `--only` accepts. */
import type { ResolvedConnection } from "../core/connection";
import type { GeneratedStack, ReadOptions } from "./model";
import { DROFUS_KINDS, readDrofus } from "./drofus";
import { FESS_KINDS, readFess } from "./fess";
import { readScenari, SCENARI_KINDS } from "./scenari";
import { readScodoc, SCODOC_KINDS } from "./scodoc";

export interface Generator {
  readonly kinds: readonly string[];
  read(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack>;
}

export const GENERATORS: { readonly [app: string]: Generator } = {
  scodoc: { kinds: SCODOC_KINDS, read: readScodoc },
  drofus: { kinds: DROFUS_KINDS, read: readDrofus },
  fess: { kinds: FESS_KINDS, read: readFess },
  scenari: { kinds: SCENARI_KINDS, read: readScenari },
};
