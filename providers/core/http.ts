/**
 * The only HTTP client of the package, on undici.
 *
 * One keep-alive Agent per origin and TLS setting lives at module level: the
 * dynamic-provider process serves every resource of a deployment, so all of
 * them share its connections, its concurrency cap and its token caches.
 *
 * Retries are a loop here rather than undici's RetryHandler because the rules
 * we need are not its rules: a total time budget, full jitter, `Retry-After`
 * that may end the budget early, and a create (POST) that is replayed only when
 * the server provably did not act on it. RetryHandler retries by method alone
 * and cannot tell a refused connection from one reset after the body was sent.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { Agent, request as undiciRequest, type Dispatcher } from "undici";
import type { z } from "zod";
import {
  AccessError,
  ConnectionFailed,
  InvalidResponse,
  RateLimited,
  Unauthorized,
  errorClassFor,
  type AppName,
  type RequestFacts,
} from "./errors";
import { Snapshot } from "./snapshot";
import { redactBody, scrub } from "./secrets";

export interface HttpSettings {
  readonly app: AppName;
  /** Origin plus the API's base path, e.g. `https://scodoc.example.com/ScoDoc/api`. */
  readonly baseUrl: string;
  /** Per attempt: time to the response headers, and between body chunks. */
  readonly timeoutMs: number;
  /** Per call, retries included. */
  readonly deadlineMs: number;
  readonly maxRetries: number;
  /** Concurrent connections to the origin; further requests queue. */
  readonly maxConcurrency: number;
  /** PEM text, or the path of a PEM file, of the CA that signs the server's certificate. */
  readonly caCert?: string;
  /** Skip TLS verification. Only for a test server: it allows anyone on the path to read the credentials. */
  readonly insecure?: boolean;
}

/** How a client proves who it is. */
export interface Authenticator {
  /** The `Authorization` header value (or undefined to send none). */
  header(): Promise<string | undefined>;
  /**
   * Forget a credential the server just refused. Return true when a new one
   * may be obtained (a token), false when retrying is pointless (a password).
   */
  renew(): boolean;
}

export type QueryValue = string | number | boolean | undefined | readonly string[];

export interface RequestOptions<T> {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Appended to the base URL; callers percent-encode path segments with {@link segment}. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  /** A raw body, sent with `contentType`. */
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Validates a JSON response body; a mismatch is an {@link InvalidResponse} naming the field. */
  readonly schema?: z.ZodType<T>;
  /** Default `json`; `text` returns the body as a string (XML services). */
  readonly responseType?: "json" | "text";
  /** Whether replaying the request is harmless. Default: true for GET, PUT and DELETE. */
  readonly idempotent?: boolean;
  /** Use this instead of the client's authenticator; `false` sends no credentials (a login call does its own). */
  readonly auth?: Authenticator | false;
  /** Statuses besides 2xx that the caller handles itself (e.g. 404 on a read). */
  readonly okStatuses?: readonly number[];
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: T;
}

/** What an application's client says about a failed answer: the server's message and a hint. */
export type ErrorDescriber = (status: number, body: unknown, text: string) => { message?: string; hint?: string };

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
/**
 * Statuses that say the request was turned away before the application acted,
 * so even a create may be sent again. 502 and 504 are not here: a gateway
 * that gave up does not know what the application behind it did.
 */
const REFUSED_STATUSES = new Set([429, 503]);
/** undici and Node error codes raised before a request was written to a socket. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

const agents = new Map<string, Agent>();
/**
 * Per origin, no request before this time. A 429's Retry-After speaks of the
 * client, not of one request: every resource of the process waits it out,
 * instead of each finding the limit again with a refused request of its own.
 */
const pausedUntil = new Map<string, number>();

function agentFor(settings: HttpSettings): Agent {
  const origin = new URL(settings.baseUrl).origin;
  const ca = settings.caCert ? readCa(settings.caCert) : undefined;
  const key = JSON.stringify([origin, settings.maxConcurrency, settings.insecure ?? false, ca ?? ""]);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connections: settings.maxConcurrency,
      keepAliveTimeout: 10_000,
      connect: { ...(ca ? { ca } : {}), rejectUnauthorized: !settings.insecure },
    });
    agents.set(key, agent);
  }
  return agent;
}

function readCa(caCert: string): string {
  return caCert.includes("-----BEGIN") ? caCert : readFileSync(caCert, "utf8");
}

/** Close every pooled connection (tests and the end of a benchmark). */
export async function closeAllAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}

/** Percent-encode one path segment; every caller builds paths through this. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

export class HttpClient {
  readonly settings: HttpSettings;
  readonly #auth: Authenticator | undefined;
  readonly #describe: ErrorDescriber;
  /**
   * Refused credentials stay refused for the client's life (one process, one
   * connection): every other resource on the server fails at once with the
   * same error instead of asking again, which bounds what a wrong password
   * costs the server.
   */
  #refused: Unauthorized | undefined;
  readonly #snapshots: Pick<Snapshot<unknown, unknown>, "invalidate">[] = [];

  constructor(settings: HttpSettings, options: { auth?: Authenticator; describeError?: ErrorDescriber } = {}) {
    this.settings = settings;
    this.#auth = options.auth;
    this.#describe = options.describeError ?? defaultDescriber;
  }

  get app(): AppName {
    return this.settings.app;
  }

  /**
   * Send a request, retrying what is safe to retry, and return the parsed
   * body, or throw an {@link AccessError} subclass whose message is one line.
   */
  async request<T = unknown>(options: RequestOptions<T>): Promise<HttpResponse<T>> {
    if (this.#refused) throw this.#refused;
    try {
      return await this.#request(options);
    } catch (error) {
      if (error instanceof Unauthorized) this.refuse(error);
      throw error;
    } finally {
      // Whatever the outcome: a failed or ambiguous write may still have changed something.
      if (options.method !== "GET") for (const snapshot of this.#snapshots) snapshot.invalidate();
    }
  }

  /**
   * A list read through this client for refresh (core/snapshot.ts),
   * forgotten after every request through this client that may change the
   * server, so that no refresh read after a write is served a list from
   * before it.
   */
  snapshot<K, V>(load: () => Promise<ReadonlyMap<K, V>>): Snapshot<K, V> {
    const snapshot = new Snapshot(load);
    this.#snapshots.push(snapshot);
    return snapshot;
  }

  /** Remember a refusal the client learnt of in band (Fess refuses a token with HTTP 200). */
  refuse(error: Unauthorized): Unauthorized {
    this.#refused = error;
    return error;
  }

  async #request<T>(options: RequestOptions<T>): Promise<HttpResponse<T>> {
    const { settings } = this;
    const url = this.#url(options);
    const origin = new URL(settings.baseUrl).origin;
    const shownPath = url.slice(origin.length);
    const idempotent = options.idempotent ?? (options.method === "GET" || options.method === "PUT" || options.method === "DELETE");
    const auth = options.auth === false ? undefined : (options.auth ?? this.#auth);
    const { body, contentType } = encodeBody(options);
    const started = Date.now();
    const deadline = started + settings.deadlineMs;
    const facts = (status: number, serverMessage?: string, hint?: string): RequestFacts => ({
      app: settings.app,
      method: options.method,
      path: shownPath,
      status,
      ...(serverMessage ? { serverMessage } : {}),
      ...(hint ? { hint } : {}),
    });

    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: "application/json", ...options.headers };
      if (contentType) headers["content-type"] = contentType;
      const pause = (pausedUntil.get(origin) ?? 0) - Date.now();
      if (pause > 0) await sleep(pause);
      const authorization = auth ? await auth.header() : undefined;
      if (authorization) headers.authorization = authorization;

      let response: Dispatcher.ResponseData;
      let text: string;
      const attemptStarted = Date.now();
      try {
        response = await undiciRequest(url, {
          method: options.method,
          headers,
          ...(body === undefined ? {} : { body }),
          dispatcher: agentFor(settings),
          headersTimeout: settings.timeoutMs,
          bodyTimeout: settings.timeoutMs,
        });
        text = await response.body.text();
      } catch (error) {
        const code = errorCode(error);
        // A refused certificate fails the handshake, before any HTTP byte, and fails the same way every time.
        const tls = isTlsFailure(code);
        const sent = !NOT_SENT_CODES.has(code) && !tls;
        debug(settings.app, options.method, url, `failed (${code})`, attemptStarted, body, undefined);
        const canRetry = !tls && (!sent || idempotent);
        const wait = backoff(attempt);
        if (canRetry && attempt < settings.maxRetries && Date.now() + wait < deadline) {
          await sleep(wait);
          continue;
        }
        throw new ConnectionFailed(facts(0, connectionMessage(code, error, settings)), sent, { cause: error });
      }

      const { statusCode: status } = response;
      debug(settings.app, options.method, url, String(status), attemptStarted, body, text);

      if (status === 401 && auth && !renewed && auth.renew()) {
        renewed = true;
        attempt--;
        continue;
      }

      if (RETRY_STATUSES.has(status) && (idempotent || REFUSED_STATUSES.has(status))) {
        const retryAfter = retryAfterMs(response.headers["retry-after"]);
        const wait = retryAfter ?? backoff(attempt);
        if (attempt < settings.maxRetries && Date.now() + wait < deadline) {
          if (status === 429 && retryAfter !== undefined)
            pausedUntil.set(origin, Math.max(pausedUntil.get(origin) ?? 0, Date.now() + retryAfter));
          await sleep(wait);
          continue;
        }
        if (status === 429) {
          const why =
            retryAfter !== undefined && Date.now() + retryAfter >= deadline
              ? `the server asked to wait ${Math.ceil(retryAfter / 1000)} s, beyond the ${Math.max(0, Math.round((deadline - Date.now()) / 1000))} s left of the ${Math.round(settings.deadlineMs / 1000)} s budget`
              : `still rate limited after ${attempt + 1} attempts`;
          throw new RateLimited(facts(status, why, "lower maxConcurrency or raise timeoutMs/maxRetries"));
        }
      }

      if ((status >= 200 && status < 300) || options.okStatuses?.includes(status)) {
        return { status, headers: response.headers, body: this.#parse(options, text, facts(status)) };
      }

      if (status >= 300 && status < 400) {
        // Never followed (undici follows none unless asked): the credentials stay with the origin they were configured for.
        const where = redirectTarget(response.headers.location, url);
        throw new AccessError(
          facts(
            status,
            `the server redirects${where ? ` to ${where}` : ""}, which is not followed`,
            `set ${settings.app}:url (or connection.url) to the server's own address; credentials are never sent after a redirect`,
          ),
        );
      }

      const parsed = tryJson(text);
      const described = this.#describe(status, parsed, text);
      const ErrorClass = errorClassFor(status);
      throw new ErrorClass(facts(status, described.message ?? statusText(status), described.hint ?? defaultHint(status)));
    }
  }

  /** Build an error about a response that succeeded at the HTTP level but failed in band (Fess, Scenari). */
  fail(
    kind: new (facts: RequestFacts) => AccessError,
    method: string,
    path: string,
    status: number,
    message: string,
    hint?: string,
  ): AccessError {
    return new kind({ app: this.app, method, path, status, serverMessage: message, ...(hint ? { hint } : {}) });
  }

  #url(options: RequestOptions<unknown>): string {
    const base = this.settings.baseUrl.replace(/\/+$/, "");
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) search.append(key, v);
      else search.append(key, String(value));
    }
    const query = search.toString();
    return `${base}${options.path}${query ? `?${query}` : ""}`;
  }

  #parse<T>(options: RequestOptions<T>, text: string, facts: RequestFacts): T {
    if (options.responseType === "text") return text as T;
    if (text.trim() === "") {
      if (!options.schema) return undefined as T;
    }
    let value: unknown;
    try {
      value = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      throw new InvalidResponse({ ...facts, serverMessage: `expected JSON, got: ${text.slice(0, 120)}` });
    }
    if (!options.schema) return value as T;
    const result = options.schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const at = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new InvalidResponse({ ...facts, serverMessage: `unexpected response at ${at}: ${issue?.message ?? "invalid"}` });
  }
}

function encodeBody(options: RequestOptions<unknown>): { body?: string; contentType?: string } {
  if (options.json !== undefined) return { body: JSON.stringify(options.json), contentType: "application/json" };
  if (options.form)
    return {
      body: new URLSearchParams(options.form as Record<string, string>).toString(),
      contentType: "application/x-www-form-urlencoded",
    };
  if (options.body !== undefined) return { body: options.body, ...(options.contentType ? { contentType: options.contentType } : {}) };
  return {};
}

/** Where a redirect points, origin and path only (a query may carry a token), or undefined. */
function redirectTarget(location: string | string[] | undefined, from: string): string | undefined {
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) return undefined;
  try {
    const target = new URL(value, from);
    return `${target.origin}${target.pathname}`;
  } catch {
    return undefined;
  }
}

function defaultDescriber(_status: number, body: unknown): { message?: string } {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of ["message", "error", "detail"]) {
      if (typeof b[key] === "string" && b[key]) return { message: b[key] };
    }
  }
  return {};
}

function defaultHint(status: number): string | undefined {
  if (status === 401) return "check the credentials (stack config, connection input or environment variables)";
  if (status === 403) return "the account lacks the permission this call needs";
  return undefined;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[status] ?? `HTTP ${status}`;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.cause?.code ?? e?.code ?? "UNKNOWN";
}

function connectionMessage(code: string, error: unknown, settings: HttpSettings): string {
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return `no answer within ${settings.timeoutMs} ms`;
  if (code === "ECONNREFUSED") return `connection refused by ${new URL(settings.baseUrl).host}`;
  if (isTlsFailure(code)) {
    return `TLS verification failed (${code}); set caCert to the server's CA, or insecure only for a test server`;
  }
  return `${code}: ${error instanceof Error ? error.message : String(error)}`;
}

/** OpenSSL verification codes without "CERT" in their name; the first is what a private CA's server gives. */
const TLS_VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "PATH_LENGTH_EXCEEDED",
  "HOSTNAME_MISMATCH",
]);

function isTlsFailure(code: string): boolean {
  return code.startsWith("ERR_TLS") || code.includes("CERT") || TLS_VERIFY_CODES.has(code);
}

/** Exponential backoff with full jitter: spreads retries of many parallel resources. */
function backoff(attempt: number): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `PULUMI_ACCESS_DEBUG=1` logs each attempt to stderr; a path instead of `1`
 * appends to that file (the dynamic provider's stderr is not always shown).
 * Bodies pass through the redaction rules and the registry of known secrets.
 */
function debug(
  app: AppName,
  method: string,
  url: string,
  outcome: string,
  started: number,
  body: string | undefined,
  response: string | undefined,
): void {
  const target = process.env.PULUMI_ACCESS_DEBUG;
  if (!target || target === "0") return;
  const cut = (s: string) => (s.length > 2000 ? `${s.slice(0, 2000)}...` : s);
  const line = scrub(
    `[pulumi-access-as-code] ${app} ${method} ${redactBody(url)} → ${outcome} (${Date.now() - started} ms)` +
      (body ? ` request=${cut(redactBody(body))}` : "") +
      (response ? ` response=${cut(redactBody(response))}` : ""),
  );
  if (target === "1" || target === "true") process.stderr.write(`${line}\n`);
  else appendFileSync(target, `${line}\n`);
}
