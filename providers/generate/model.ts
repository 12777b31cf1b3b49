/**
 * What a generator reads from a server, before it is written out: resource
 * declarations whose arguments may point at other declarations' outputs.
 * Readers (one per application) build it; render.ts turns it into files.
 */

/** A reference to another declaration's output, written `variable.output`, so the engine orders the two. */
export class Ref {
  constructor(
    readonly variable: string,
    readonly output: string,
  ) {}
}

/** A value as it appears in a resource's arguments. */
export type Value = string | number | boolean | null | Ref | readonly Value[] | { readonly [key: string]: Value };

/** One `new <className>(resourceName, args)` statement of the generated program. */
export interface Declaration {
  readonly className: string;
  readonly resourceName: string;
  /** Set when another declaration refers to this one: it is then bound to a `const`. */
  readonly variable?: string;
  /** In the order they are written; `undefined` members are left out. */
  readonly args: { readonly [key: string]: Value | undefined };
  /** Variables this one must wait for where no output can say so (a map keyed by account names). */
  readonly dependsOn?: readonly string[];
}

/** A stack config key the generated program reads, listed in its README. */
export interface ConfigKey {
  readonly key: string;
  readonly secret: boolean;
  readonly why: string;
}

/** Objects the server holds that the program does not declare, and why. */
export interface LeftOut {
  readonly what: string;
  readonly why: string;
  readonly names: readonly string[];
}

/** Everything one application's reader produced. */
export interface GeneratedStack {
  readonly app: string;
  /** The declarations, in groups written in this order (a group only refers to earlier ones). */
  readonly sections: readonly { readonly title: string; readonly declarations: readonly Declaration[] }[];
  /** Extra program-level lines that read config (e.g. `const config = new pulumi.Config()`), when needed. */
  readonly preamble?: readonly string[];
  readonly configKeys: readonly ConfigKey[];
  readonly leftOut: readonly LeftOut[];
  /** How many objects of each kind were declared, e.g. `{ departements: 3 }`. */
  readonly counts: { readonly [kind: string]: number };
  /** Notes for the README about what the program does not manage. */
  readonly notes: readonly string[];
}

/** What a reader is asked to read. */
export interface ReadOptions {
  /** Kind (as the app names it on the command line) -> the natural keys to keep. */
  readonly only: ReadonlyMap<string, ReadonlySet<string>>;
  readonly includeBuiltin: boolean;
  /** A progress line for stderr. */
  readonly progress: (line: string) => void;
}

/** Code-point order, so that output never depends on the machine's locale. */
export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** `3 users`, `1 user`: every kind a reader counts is a regular plural. */
export function countOf(n: number, kind: string): string {
  return `${n} ${n === 1 ? kind.replace(/s$/, "") : kind}`;
}
