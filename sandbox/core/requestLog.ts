/** One request as the sandbox saw it; admin-channel requests are not recorded. */
export interface LoggedRequest {
  /** When it arrived, in milliseconds since the epoch. */
  readonly at: number;
  /** The HTTP method. */
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  /** The query string with its `?`, or empty. */
  readonly query: string;
  /** The matched route pattern, e.g. `POST /ScoDoc/api/user/:uid/edit`, or the raw path. */
  readonly route: string;
  /** The status answered. */
  readonly status: number;
  /** Set when fault injection answered instead of the application. */
  readonly fault?: string;
}

/** How many requests a sandbox received since its last reset. */
export interface RequestCounts {
  /** Every request. */
  readonly total: number;
  /** Requests other than GET and HEAD, whether or not they succeeded. */
  readonly writes: number;
  /** Requests that fault injection answered. */
  readonly faults: number;
  /** Requests per matched route pattern. */
  readonly byRoute: Record<string, number>;
}

const KEEP = 10_000;

/** Counters plus a bounded log, so tests can assert exactly what a client sent. */
export class RequestLog {
  #entries: LoggedRequest[] = [];
  #total = 0;
  #writes = 0;
  #faults = 0;
  #byRoute = new Map<string, number>();

  record(entry: LoggedRequest): void {
    this.#total++;
    if (entry.method !== "GET" && entry.method !== "HEAD") this.#writes++;
    if (entry.fault) this.#faults++;
    this.#byRoute.set(entry.route, (this.#byRoute.get(entry.route) ?? 0) + 1);
    this.#entries.push(entry);
    if (this.#entries.length > KEEP) this.#entries.splice(0, this.#entries.length - KEEP);
  }

  counts(): RequestCounts {
    return {
      total: this.#total,
      writes: this.#writes,
      faults: this.#faults,
      byRoute: Object.fromEntries([...this.#byRoute].sort(([a], [b]) => a.localeCompare(b))),
    };
  }

  entries(): readonly LoggedRequest[] {
    return this.#entries;
  }

  reset(): void {
    this.#entries = [];
    this.#total = this.#writes = this.#faults = 0;
    this.#byRoute.clear();
  }
}
