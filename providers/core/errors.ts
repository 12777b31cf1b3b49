/**
 * The one error family of the package, modelled on astakosclient: a base
 * error that knows which application, method, path and status failed and what
 * the server said, and one subclass per kind a caller may want to handle.
 *
 * Messages are one line, built from scrubbed parts only, so an error can be
 * shown to the user as is. None of these classes has an `id` property: the
 * Pulumi dynamic-provider server treats any thrown object with an `id` as a
 * partially created resource (see {@link PartialCreateError}).
 */
import { scrub } from "./secrets";

export type AppName = "scodoc" | "fess" | "drofus" | "scenari";

export interface RequestFacts {
  readonly app: AppName;
  readonly method: string;
  /** The path and query as sent, without the origin. */
  readonly path: string;
  /** 0 when no HTTP answer was received. */
  readonly status: number;
  readonly serverMessage?: string;
  readonly hint?: string;
}

/** The base of every error the package raises about a server or its configuration. */
export class AccessError extends Error {
  readonly app: AppName;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly serverMessage: string | undefined;
  readonly hint: string | undefined;

  constructor(facts: RequestFacts, options?: { cause?: unknown }) {
    super(formatMessage(facts), options);
    this.name = new.target.name;
    this.app = facts.app;
    this.method = facts.method;
    this.path = scrub(facts.path);
    this.status = facts.status;
    this.serverMessage = facts.serverMessage === undefined ? undefined : scrub(facts.serverMessage);
    this.hint = facts.hint;
  }

  /**
   * True when the request may have changed the server even though it failed
   * (the connection broke after it was sent, or a gateway gave up waiting):
   * the caller must look before it tries again.
   */
  get ambiguous(): boolean {
    return false;
  }
}

export class BadRequest extends AccessError {}
export class Unauthorized extends AccessError {}
export class Forbidden extends AccessError {}
export class NotFound extends AccessError {}
export class Conflict extends AccessError {}
export class RateLimited extends AccessError {}

export class ServerError extends AccessError {
  override get ambiguous(): boolean {
    // A 502 or 504 means a gateway stopped waiting, not that the application did nothing.
    return this.status === 500 || this.status === 502 || this.status === 504;
  }
}

/** The server answered, but not in the shape its API promises. */
export class InvalidResponse extends AccessError {}

/** No usable HTTP answer: refused, reset, timed out, TLS failure. */
export class ConnectionFailed extends AccessError {
  readonly #sent: boolean;

  constructor(facts: RequestFacts, sent: boolean, options?: { cause?: unknown }) {
    super(facts, options);
    this.#sent = sent;
  }

  override get ambiguous(): boolean {
    return this.#sent;
  }
}

/** Missing or unusable settings (no URL, no credentials): nothing was sent. */
export class ConfigurationError extends AccessError {
  constructor(app: AppName, message: string, hint?: string) {
    super({ app, method: "", path: "", status: 0, serverMessage: message, ...(hint ? { hint } : {}) });
  }
}

/**
 * An input the server or the package rejected at apply time for a reason a
 * user can fix in the program: unknown permission, weak password, an object
 * that already exists without `adopt`...
 */
export class InvalidInput extends AccessError {
  constructor(app: AppName, message: string, hint?: string) {
    super({ app, method: "", path: "", status: 0, serverMessage: message, ...(hint ? { hint } : {}) });
  }
}

/** The error class for an HTTP status, so every client maps statuses the same way. */
export function errorClassFor(status: number): new (facts: RequestFacts) => AccessError {
  if (status === 400 || status === 422) return BadRequest;
  if (status === 401) return Unauthorized;
  if (status === 403) return Forbidden;
  if (status === 404) return NotFound;
  if (status === 409) return Conflict;
  if (status === 429) return RateLimited;
  if (status >= 500) return ServerError;
  return AccessError;
}

function formatMessage(f: RequestFacts): string {
  const where = f.method ? `${f.method} ${f.path} ` : "";
  const status = f.status ? `→ ${f.status}` : f.method ? "→ no answer" : "";
  const head = `${f.app}: ${where}${status}`.trim();
  const said = f.serverMessage ? `${head.endsWith(":") ? "" : ":"} ${oneLine(f.serverMessage)}` : "";
  const hint = f.hint ? ` (hint: ${f.hint})` : "";
  return scrub(`${head}${said}${hint}`);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/** The same error with a hint added, for a client that knows what a status means in context. */
export function withHint<E extends AccessError>(error: E, hint: string): E {
  const Kind = error.constructor as new (facts: RequestFacts, options?: { cause?: unknown }) => E;
  return new Kind(
    { app: error.app, method: error.method, path: error.path, status: error.status, ...(error.serverMessage ? { serverMessage: error.serverMessage } : {}), hint },
    { cause: error },
  );
}
