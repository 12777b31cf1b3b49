/**
 * A short-lived, per-process copy of one list endpoint, for refresh.
 *
 * `pulumi refresh` asks the provider to read every resource one by one; with
 * N users that is N GETs, the scale failure of iac-anchors.md §3.8. A
 * snapshot turns them into one list request: the first reader loads the list,
 * readers arriving while it loads wait for the same request, and later
 * readers use the result until it expires. Any write through the HTTP
 * client that made it (`HttpClient.snapshot`) invalidates it, so a read
 * that follows a write never sees the state from before it. Only refresh (a spec's `read`) should use it: create,
 * update and delete always ask the server directly.
 */

/** How long a loaded list serves readers unless told otherwise: a refresh is a burst of reads, and out-of-band changes must not hide for long. */
const DEFAULT_TTL_MS = 15_000;

export interface SnapshotOptions {
  /** How long a loaded list may serve readers; 15 s by default. */
  readonly ttlMs?: number;
  /** Tests and benchmarks: what time it is. */
  readonly now?: () => number;
}

export class Snapshot<K, V> {
  readonly #load: () => Promise<ReadonlyMap<K, V>>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #current: { promise: Promise<ReadonlyMap<K, V>>; loadedAt: number | undefined } | undefined;
  /** Bumped by every write: a load started before a write must not be kept after it. */
  #generation = 0;

  constructor(load: () => Promise<ReadonlyMap<K, V>>, options: SnapshotOptions = {}) {
    this.#load = load;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The listed value for `key`, or undefined when the list does not hold it
   * (the caller then asks for that one object: it may be outside the list's
   * scope, or gone).
   */
  async get(key: K): Promise<V | undefined> {
    return (await this.#snapshot()).get(key);
  }

  /** The whole list, as loaded. */
  all(): Promise<ReadonlyMap<K, V>> {
    return this.#snapshot();
  }

  /** Forget the list: called after any write through the client that owns this snapshot. */
  invalidate(): void {
    this.#generation++;
    this.#current = undefined;
  }

  #snapshot(): Promise<ReadonlyMap<K, V>> {
    const current = this.#current;
    if (current && (current.loadedAt === undefined || this.#now() - current.loadedAt < this.#ttlMs)) return current.promise;
    const generation = this.#generation;
    const entry: { promise: Promise<ReadonlyMap<K, V>>; loadedAt: number | undefined } = { promise: this.#load(), loadedAt: undefined };
    this.#current = entry;
    entry.promise.then(
      () => {
        // The clock starts when the list arrived: that is the moment it describes.
        if (this.#current === entry && this.#generation === generation) entry.loadedAt = this.#now();
      },
      () => {
        // A failed load is not kept: the next reader tries again (and the callers waiting on it see the error).
        if (this.#current === entry) this.#current = undefined;
      },
    );
    return entry.promise;
  }
}
