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

/** The applications the package manages. */
export type AppName = "scodoc" | "fess" | "drofus" | "scenari";

/** What an error knows about the failed request. */
export interface RequestFacts {
  /** The application the request was for. */
  readonly app: AppName;
  /** The HTTP method; empty when nothing was sent. */
  readonly method: string;
  /** The path and query as sent, without the origin. */
  readonly path: string;
  /** 0 when no HTTP answer was received. */
  readonly status: number;
  /** What the server said, or what went wrong. */
  readonly serverMessage?: string;
  /** What the user can do about it. */
  readonly hint?: string;
}

/** The base of every error the package raises about a server or its configuration. */
export class AccessError extends Error {
  /** The application concerned: `"scodoc"`, `"fess"`, `"drofus"` or `"scenari"`. */
  readonly app: AppName;
  /** The HTTP method of the failed request; empty when nothing was sent. */
  readonly method: string;
  /** The path and query of the failed request, without the origin, credentials masked; empty when nothing was sent. */
  readonly path: string;
  /** The HTTP status; 0 when no HTTP answer was received. */
  readonly status: number;
  /** What the server said (credentials masked), or what went wrong. */
  readonly serverMessage: string | undefined;
  /** What the user can do about it, when the package knows. */
  readonly hint: string | undefined;

  /** @internal Errors are raised by the package, not built by its users. */
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

/** HTTP 400 or 422: the server refused the request's content. */
export class BadRequest extends AccessError {}
/** HTTP 401: the credentials were refused. */
export class Unauthorized extends AccessError {}
/** HTTP 403: the account lacks a permission. */
export class Forbidden extends AccessError {}
/** HTTP 404. */
export class NotFound extends AccessError {}
/** HTTP 409: the request collides with the server's state. */
export class Conflict extends AccessError {}
/** HTTP 429, still refused when the retries ran out. */
export class RateLimited extends AccessError {}

/** HTTP 5xx: the server failed (502, 503 and 504 only once the retries ran out). */
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

  /** @internal */
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
  /** @internal */
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
  /** @internal */
  constructor(app: AppName, message: string, hint?: string) {
    super({ app, method: "", path: "", status: 0, serverMessage: message, ...(hint ? { hint } : {}) });
  }
}

/** What to do when an object the state holds was deleted behind Pulumi's back. @internal */
export const REFRESH_HINT = "run `pulumi refresh` so the next `up` creates it again";

/**
 * An update found the object it changes gone from the server: `subject` is
 * the object as a human names it (`role Tuteur (id 7)`).
 * @internal
 */
export function noLongerExists(app: AppName, subject: string): InvalidInput {
  return new InvalidInput(app, `${subject} no longer exists`, REFRESH_HINT);
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
    {
      app: error.app,
      method: error.method,
      path: error.path,
      status: error.status,
      ...(error.serverMessage ? { serverMessage: error.serverMessage } : {}),
      hint,
    },
    { cause: error },
  );
}
