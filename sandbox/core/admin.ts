import type { FaultConfig } from "./faults";
import type { LoggedRequest, RequestCounts } from "./requestLog";

/**
 * A client of a sandbox's out-of-band channel, for tests and benchmarks that
 * change the server behind the provider's back or count what it was sent.
 * It uses Node's own fetch: this is test tooling, not the provider's HTTP layer.
 */
export class SandboxAdmin {
  readonly #root: string;

  /** @param root the sandbox's root URL (not the client URL). */
  constructor(root: string) {
    this.#root = root.replace(/\/$/, "");
  }

  /** The application's whole state. */
  state<S>(): Promise<S> {
    return this.#call<S>("GET", "state");
  }

  /** Replace the application's whole state. */
  async setState<S>(state: S): Promise<void> {
    await this.#call("PUT", "state", state);
  }

  /** Read the state, change it, write it back. */
  async mutate<S>(change: (state: S) => void): Promise<S> {
    const state = await this.state<S>();
    change(state);
    await this.setState(state);
    return state;
  }

  /** Run one of the application's named out-of-band operations (e.g. `addStudents`) and return its result. */
  op<T = unknown>(name: string, body: unknown = {}): Promise<T> {
    return this.#call<T>("POST", `op/${name}`, body);
  }

  /** The request counters and the recent requests. */
  requests(): Promise<
    RequestCounts & {
      /** The recent requests, oldest first. */
      entries: LoggedRequest[];
    }
  > {
    return this.#call("GET", "requests");
  }

  /** Zero the request counters and empty the log. */
  async resetRequests(): Promise<void> {
    await this.#call("POST", "requests/reset");
  }

  /** Inject these faults from now on, replacing the previous ones. */
  async setFaults(config: FaultConfig): Promise<void> {
    await this.#call("PUT", "faults", config);
  }

  /** Stop injecting faults. */
  async clearFaults(): Promise<void> {
    await this.#call("PUT", "faults", {});
  }

  /** Back to the seeded state, counters and faults cleared. */
  async reset(): Promise<void> {
    await this.#call("POST", "reset");
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.#root}/__sandbox/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
}
