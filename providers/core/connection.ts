/**
 * Where a resource's server and credentials come from, in this order: the
 * resource's own `connection` input (stacks that manage several servers),
 * the stack configuration the engine hands to `configure`, then environment
 * variables. Nothing here sends a request, and nothing fails until a call
 * actually needs the missing value, so `check`, `diff` and a pull-request
 * preview work without credentials.
 */
import { z } from "zod";
import { ConfigurationError, type AppName } from "./errors";
import type { HttpSettings } from "./http";
import { registerSecret } from "./secrets";
import { UNKNOWN } from "./unknown";

/** The `connection` input every resource accepts. Credential parts are stored as secrets. */
export interface ConnectionArgs {
  /** The server's root URL (ScoDoc, Fess, dRofus) or Scenari's chain portlet URL. */
  url?: string;
  /** The account to log in with (ScoDoc, dRofus, Scenari). */
  username?: string;
  /** That account's password; stored as a secret. */
  password?: string;
  /** Fess access token. */
  token?: string;
  /** PEM text or path of the CA that signs the server's certificate. */
  caCert?: string;
  /** Skip TLS verification; only for test servers. */
  insecure?: boolean;
  /** Per-request timeout in milliseconds (default 30000). */
  timeoutMs?: number;
  /** How many times a failed request may be retried (default 5). */
  maxRetries?: number;
  /** Connections open at once to this server (default 8). */
  maxConcurrency?: number;
}

/** @internal */
export const connectionSchema = z
  .object({
    url: z
      .string()
      .superRefine((url, ctx) => {
        const problem = urlProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    caCert: z.string().min(1).optional(),
    insecure: z.boolean().optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxRetries: z.number().int().min(0).max(20).optional(),
    maxConcurrency: z.number().int().min(1).max(256).optional(),
  })
  .strict();

const SETTING_KEYS = ["url", "username", "password", "token", "caCert", "insecure", "timeoutMs", "maxRetries", "maxConcurrency"] as const;
type SettingKey = (typeof SETTING_KEYS)[number];
type CredentialKey = "username" | "password" | "token";

/** What each application logs in with. */
const CREDENTIALS_OF: Record<AppName, readonly CredentialKey[]> = {
  scodoc: ["username", "password"],
  fess: ["token"],
  drofus: ["username", "password"],
  scenari: ["username", "password"],
};

/** Why a server URL cannot work, or undefined when it can: an absolute http or https URL. @internal */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `must be an absolute URL such as https://server.example, got ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `must be an http or https URL, got ${parsed.protocol}//…`;
  if (parsed.username || parsed.password) return "must not hold credentials: give them as username, password or token";
  return undefined;
}

/** The engine's config object, as `configure` receives it. @internal */
export interface StackConfig {
  get(key: string): string | undefined;
}

let stackConfig: StackConfig | undefined;

/** Called from the provider's `configure`: keep the engine's config for later calls. @internal */
export function setStackConfig(config: StackConfig | undefined): void {
  stackConfig = config;
  if (!config) return;
  for (const app of ["scodoc", "fess", "drofus", "scenari"] as const) {
    registerSecret(config.get(`${app}:password`));
    registerSecret(config.get(`${app}:token`));
  }
}

/** A fully resolved connection: where to send requests and as whom. @internal */
export interface ResolvedConnection {
  readonly app: AppName;
  readonly http: HttpSettings;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly token: string | undefined;
  /** The server the stack's credentials belong to, when they were withheld from this one. */
  readonly withheldFor?: string | undefined;
}

const DEFAULTS = { timeoutMs: 30_000, maxRetries: 5, maxConcurrency: 8 } as const;

function fromConfig(app: AppName, key: SettingKey): string | undefined {
  const value = stackConfig?.get(`${app}:${key}`);
  return value === undefined || value === "" ? undefined : value;
}

function fromEnv(app: AppName, key: SettingKey): string | undefined {
  const value = process.env[`${app.toUpperCase()}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`];
  return value === undefined || value === "" ? undefined : value;
}

function lookup(app: AppName, key: SettingKey, input: ConnectionArgs | undefined): string | number | boolean | undefined {
  const fromInput = input?.[key];
  if (fromInput !== undefined && fromInput !== "") return fromInput;
  return fromConfig(app, key) ?? fromEnv(app, key);
}

/**
 * The server the stack's credentials of one source belong to: the URL
 * configured beside them (the stack config's `<app>:url`, or `<APP>_URL`
 * for the environment's), else the other source's. Canonical; undefined
 * when no URL is configured, and then they go nowhere.
 */
function boundUrl(app: AppName, source: "config" | "env"): string | undefined {
  const url = source === "config" ? (fromConfig(app, "url") ?? fromEnv(app, "url")) : (fromEnv(app, "url") ?? fromConfig(app, "url"));
  return url === undefined ? undefined : normalizeUrl(url);
}

/**
 * A credential for a call to `url`: the resource's own, else the stack
 * config's or the environment's when they belong to that server. They never
 * follow a resource to another server, where a typo or a pull request could
 * collect them.
 */
function credential(app: AppName, key: CredentialKey, input: ConnectionArgs | undefined, url: string): string | undefined {
  const own = input?.[key];
  if (own !== undefined && own !== "") return own;
  const config = fromConfig(app, key);
  if (config !== undefined && boundUrl(app, "config") === url) return config;
  const env = fromEnv(app, key);
  if (env !== undefined && boundUrl(app, "env") === url) return env;
  return undefined;
}

/** The server the stack's credentials for `app` belong to, when any are configured and bound to another than `url`. */
function withheldFor(app: AppName, url: string): string | undefined {
  for (const source of ["config", "env"] as const) {
    const bound = boundUrl(app, source);
    const has = CREDENTIALS_OF[app].some((key) => (source === "config" ? fromConfig(app, key) : fromEnv(app, key)) !== undefined);
    if (has && bound !== url) return bound ?? "no configured URL";
  }
  return undefined;
}

/**
 * Why a resource's `connection` cannot be used, for `check`: a URL other than
 * the stack's for this application with no credentials of its own, which no
 * credential of the stack may follow. Unknown values (a preview) pass.
 *
 * @internal
 */
export function connectionProblem(app: AppName, input: ConnectionArgs | undefined): string | undefined {
  const url = input?.url;
  if (typeof url !== "string" || url === UNKNOWN || urlProblem(url) !== undefined) return undefined;
  const stackUrl = fromConfig(app, "url") ?? fromEnv(app, "url");
  if (stackUrl !== undefined && normalizeUrl(stackUrl) === normalizeUrl(url)) return undefined;
  const missing = CREDENTIALS_OF[app].filter((key) => input?.[key] === undefined || input[key] === "");
  if (missing.length === 0) return undefined;
  return (
    `url ${normalizeUrl(url)} is not the stack's ${app} server (${stackUrl === undefined ? `no ${app}:url` : normalizeUrl(stackUrl)}): ` +
    `give connection.${missing.join(" and connection.")} for it; the stack's credentials are only sent to the server configured beside them`
  );
}

/** Why the stack's own URL for `app` (config, else environment) cannot work, for `check`. @internal */
export function stackUrlProblem(app: AppName): string | undefined {
  const config = fromConfig(app, "url");
  const url = config ?? fromEnv(app, "url");
  if (url === undefined) return undefined;
  const problem = urlProblem(url);
  return problem && `${config !== undefined ? `${app}:url in the stack config` : `${app.toUpperCase()}_URL in the environment`} ${problem}`;
}

function asNumber(app: AppName, key: SettingKey, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new ConfigurationError(app, `${app}:${key} must be a non-negative number, got ${String(value)}`);
  return n;
}

function asBoolean(value: unknown): boolean {
  return value === true || value === "true" || value === "1";
}

/** The effective URL, or undefined when none is configured; never throws (used by diff). @internal */
export function effectiveUrl(app: AppName, input: ConnectionArgs | undefined): string | undefined {
  const url = lookup(app, "url", input);
  return typeof url === "string" ? normalizeUrl(url) : undefined;
}

/** Lower-case scheme and host, no default port, no trailing slash: two spellings of one server compare equal. @internal */
export function normalizeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url.replace(/\/+$/, "");
  }
}

/**
 * Resolve the connection for a call.
 * @param pinnedUrl the server an existing resource lives on (from its state), which wins over configuration.
 *
 * @internal
 */
export function resolveConnection(app: AppName, input: ConnectionArgs | undefined, pinnedUrl?: string): ResolvedConnection {
  const url = pinnedUrl ?? effectiveUrl(app, input);
  if (!url) {
    throw new ConfigurationError(
      app,
      `no server URL configured`,
      `set ${app}:url in the stack config, the ${app.toUpperCase()}_URL environment variable, or the resource's connection.url`,
    );
  }
  const problem = urlProblem(url);
  if (problem)
    throw new ConfigurationError(
      app,
      `server URL ${problem}`,
      `set ${app}:url, ${app.toUpperCase()}_URL or connection.url to the server's http(s) root`,
    );
  const str = (key: SettingKey) => {
    const v = lookup(app, key, input);
    return v === undefined ? undefined : String(v);
  };
  const password = credential(app, "password", input, url);
  const token = credential(app, "token", input, url);
  registerSecret(password);
  registerSecret(token);
  const caCert = str("caCert");
  return {
    app,
    username: credential(app, "username", input, url),
    password,
    token,
    withheldFor: withheldFor(app, url),
    http: {
      app,
      baseUrl: url,
      timeoutMs: asNumber(app, "timeoutMs", lookup(app, "timeoutMs", input), DEFAULTS.timeoutMs),
      maxRetries: asNumber(app, "maxRetries", lookup(app, "maxRetries", input), DEFAULTS.maxRetries),
      maxConcurrency: asNumber(app, "maxConcurrency", lookup(app, "maxConcurrency", input), DEFAULTS.maxConcurrency),
      // Long enough for every retry of a slow server, bounded so a dead one fails the step.
      deadlineMs: Math.max(120_000, asNumber(app, "timeoutMs", lookup(app, "timeoutMs", input), DEFAULTS.timeoutMs) * 2),
      ...(caCert ? { caCert } : {}),
      ...(asBoolean(lookup(app, "insecure", input)) ? { insecure: true } : {}),
    },
  };
}

/** Throws the error a user needs when a credential is missing, naming every place it may come from. @internal */
export function requireCredential(conn: ResolvedConnection, key: "username" | "password" | "token"): string {
  const value = conn[key];
  if (value) return value;
  const app = conn.app;
  if (conn.withheldFor) {
    throw new ConfigurationError(
      app,
      `no ${key} for ${conn.http.baseUrl}: the stack's ${app} credentials belong to ${conn.withheldFor} and are never sent to another server`,
      `give connection.${key} for this server; or, if it is the same server under a new name, set ${app}:url to it and run \`pulumi up\`, which records the new URL`,
    );
  }
  throw new ConfigurationError(
    app,
    `no ${key} configured for ${conn.http.baseUrl}`,
    `set ${app}:${key}${key === "username" ? "" : " (as a secret: pulumi config set --secret)"} in the stack config, ` +
      `${app.toUpperCase()}_${key.toUpperCase()} in the environment, or connection.${key}`,
  );
}

/** A per-process cache keyed by connection, so that every resource on one server shares one client. @internal */
export function cachedPerConnection<T>(cache: Map<string, T>, conn: ResolvedConnection, make: () => T): T {
  const key = JSON.stringify([conn.http, conn.username, conn.password, conn.token]);
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}
