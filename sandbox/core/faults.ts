/**
 * Fault injection, so that tests and benchmarks can show how a client behaves
 * against a server that is slow, flaky or rate limited.
 */

/** A targeted fault: the next `times` requests matching `method` and `path` fail. */
export interface FaultRule {
  /** The HTTP method to match; default any. */
  readonly method?: string;
  /** A regular expression tested against the path (without the query string). */
  readonly path: string;
  /** Answer with this status (default 503) ... */
  readonly status?: number;
  /** ... or drop the connection without an answer. */
  readonly reset?: boolean;
  /**
   * Run the application first and fail afterwards, so the change is made but
   * the client cannot know it: the ambiguous failure a create must survive.
   */
  readonly after?: boolean;
  /** The `Retry-After` header to send with the status. */
  readonly retryAfterSeconds?: number;
  /**
   * Answer with a redirect (status default 307) to this origin, the request's
   * path and query kept: a server that sends its clients elsewhere.
   */
  readonly redirectTo?: string;
  /** The answer's body. */
  readonly body?: unknown;
  /** How many matching requests fail; default 1. */
  readonly times?: number;
}

/** Faults to inject into a sandbox's answers. */
export interface FaultConfig {
  /** Added before every answer. */
  readonly latencyMs?: number;
  /** A uniformly random extra delay of up to this many milliseconds. */
  readonly jitterMs?: number;
  /** Fraction of requests answered with `errorStatus` before reaching the application. */
  readonly errorRate?: number;
  /** The status of those answers; default 503. */
  readonly errorStatus?: number;
  /** Fraction of requests answered 429 with `Retry-After`. */
  readonly rateLimitedRate?: number;
  /** The `Retry-After` those 429 answers carry; default 1. */
  readonly retryAfterSeconds?: number;
  /** Fraction of requests whose connection is dropped before the application sees them. */
  readonly resetRate?: number;
  /** A token bucket: beyond it, 429 with a `Retry-After` that says when a token is back. */
  readonly rateLimit?: {
    /** Tokens added per second. */
    readonly perSecond: number;
    /** The bucket's size. */
    readonly burst: number;
  };
  /** Targeted faults. */
  readonly rules?: readonly FaultRule[];
  /** Seed of the random draws, so a failing chaos run can be replayed. */
  readonly seed?: number;
}

export type FaultDecision =
  | { readonly kind: "none" }
  | {
      readonly kind: "status";
      readonly status: number;
      readonly retryAfterSeconds?: number;
      readonly redirectTo?: string;
      readonly body?: unknown;
      readonly after: boolean;
      readonly label: string;
    }
  | { readonly kind: "reset"; readonly after: boolean; readonly label: string };

const NONE: FaultDecision = { kind: "none" };

export class Faults {
  #config: FaultConfig = {};
  #rules: { rule: FaultRule; pattern: RegExp; left: number }[] = [];
  #random: () => number = Math.random;
  #tokens = 0;
  #refilledAt = 0;

  configure(config: FaultConfig): void {
    this.#config = config;
    this.#rules = (config.rules ?? []).map((rule) => ({ rule, pattern: new RegExp(rule.path), left: rule.times ?? 1 }));
    this.#random = config.seed === undefined ? Math.random : mulberry32(config.seed);
    this.#tokens = config.rateLimit?.burst ?? 0;
    this.#refilledAt = Date.now();
  }

  config(): FaultConfig {
    return { ...this.#config, rules: this.#rules.filter((r) => r.left > 0).map((r) => ({ ...r.rule, times: r.left })) };
  }

  delayMs(): number {
    const { latencyMs = 0, jitterMs = 0 } = this.#config;
    return latencyMs + (jitterMs > 0 ? this.#random() * jitterMs : 0);
  }

  decide(method: string, path: string): FaultDecision {
    for (const entry of this.#rules) {
      if (entry.left <= 0) continue;
      if (entry.rule.method && entry.rule.method !== method) continue;
      if (!entry.pattern.test(path)) continue;
      entry.left--;
      const { rule } = entry;
      const after = rule.after ?? false;
      if (rule.reset) return { kind: "reset", after, label: `rule reset ${rule.path}` };
      const status = rule.status ?? (rule.redirectTo ? 307 : 503);
      return {
        kind: "status",
        status,
        ...(rule.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: rule.retryAfterSeconds }),
        ...(rule.redirectTo === undefined ? {} : { redirectTo: rule.redirectTo }),
        body: rule.body,
        after,
        label: `rule ${status} ${rule.path}`,
      };
    }
    const limited = this.#takeToken();
    if (limited !== undefined) {
      return { kind: "status", status: 429, retryAfterSeconds: limited, after: false, label: "rate limit" };
    }
    const c = this.#config;
    if (c.resetRate && this.#random() < c.resetRate) return { kind: "reset", after: false, label: "random reset" };
    if (c.rateLimitedRate && this.#random() < c.rateLimitedRate) {
      return { kind: "status", status: 429, retryAfterSeconds: c.retryAfterSeconds ?? 1, after: false, label: "random 429" };
    }
    if (c.errorRate && this.#random() < c.errorRate) {
      return { kind: "status", status: c.errorStatus ?? 503, after: false, label: `random ${c.errorStatus ?? 503}` };
    }
    return NONE;
  }

  /** Undefined when a token was available, else the whole seconds until one is. */
  #takeToken(): number | undefined {
    const limit = this.#config.rateLimit;
    if (!limit) return undefined;
    const now = Date.now();
    this.#tokens = Math.min(limit.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * limit.perSecond);
    this.#refilledAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.#tokens) / limit.perSecond));
  }
}

/** A small seeded PRNG; quality is plenty for drawing faults. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
