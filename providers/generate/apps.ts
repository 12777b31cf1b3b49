/** The applications `generate` can read, and the kinds each one's `--only` accepts. */
import type { ResolvedConnection } from "../core/connection";
import type { GeneratedStack, ReadOptions } from "./model";
import { readScodoc, SCODOC_KINDS } from "./scodoc";

export interface Generator {
  readonly kinds: readonly string[];
  /** The environment variables that hold its credentials, for the help text. */
  readonly credentials: readonly string[];
  read(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack>;
}

export const GENERATORS: { readonly [app: string]: Generator } = {
  scodoc: { kinds: SCODOC_KINDS, credentials: ["SCODOC_USERNAME", "SCODOC_PASSWORD"], read: readScodoc },
};
