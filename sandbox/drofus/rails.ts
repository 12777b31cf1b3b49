import type { IncomingHttpHeaders } from "node:http";
import { BadBody, type Reply, type RequestContext } from "../core/router";

/**
 * The Ruby on Rails conventions the dRofus admin site shows (format suffixes,
 * root-wrapped JSON, `{"model":{...}}` params, PATCH) and that the sandbox
 * therefore follows wherever the documentation is silent.
 */

export type Format = "json" | "xml" | "html" | "other";

const SUFFIXES: ReadonlySet<string> = new Set(["json", "xml", "html"]);

/** Every spelling of a collection or action path: bare, and with each format suffix. */
export const SUFFIX_VARIANTS = ["", ".json", ".xml", ".html"] as const;

/**
 * Splits the last path segment into the record id and a format suffix.
 *
 * A suffix only counts when what precedes it has no dot. That is the
 * documented quirk: `/users/hakonhc.json` is user `hakonhc` in JSON, but in
 * `/users/hakon.clausen.json` the whole segment is the id, so dotted usernames
 * can only be asked for in JSON through the `Accept` header.
 */
export function splitSuffix(segment: string): { id: string; suffix?: string } {
  const dot = segment.lastIndexOf(".");
  if (dot <= 0) return { id: segment };
  const id = segment.slice(0, dot);
  const suffix = segment.slice(dot + 1);
  if (!SUFFIXES.has(suffix) || id.includes(".")) return { id: segment };
  return { id, suffix };
}

/** Rails treats an Accept list mixing the wildcard type with other types as a browser's, and answers HTML. */
const BROWSER_LIKE_ACCEPT = /,\s*\*\/\*|\*\/\*\s*,/;

/**
 * The response format, as Rails picks it: the suffix first, then the Accept
 * header's preferred type (unless it looks like a browser's), else HTML.
 * So `Accept: application/json, *\/*` means HTML, and a bare `*\/*` (curl's
 * and fetch's default) too, since the first format an action declares is HTML.
 */
export function negotiate(suffix: string | undefined, headers: IncomingHttpHeaders): Format {
  if (suffix !== undefined) return suffix as Format;
  const accept = headers.accept;
  if (!accept || BROWSER_LIKE_ACCEPT.test(accept)) return "html";
  const ranges = accept
    .split(",")
    .map((part, index) => {
      const [type = "", ...parameters] = part.split(";").map((s) => s.trim());
      const q = Number(parameters.find((p) => p.startsWith("q="))?.slice(2) ?? 1);
      return { type: type.toLowerCase(), q: Number.isFinite(q) ? q : 1, index };
    })
    .filter((range) => range.type !== "" && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  switch (ranges[0]?.type) {
    case "application/json":
      return "json";
    case "application/xml":
    case "text/xml":
      return "xml";
    case "text/html":
    case "application/xhtml+xml":
    case "*/*":
    case undefined:
      return "html";
    default:
      return "other";
  }
}

/** The format of any request, for the answers given outside a route (unknown paths, bad bodies). */
export function formatOf(ctx: RequestContext): Format {
  const last = ctx.path.slice(ctx.path.lastIndexOf("/") + 1);
  let segment = last;
  try {
    segment = decodeURIComponent(last);
  } catch {
    // An undecodable segment has no suffix worth honouring.
  }
  return negotiate(splitSuffix(segment).suffix, ctx.headers);
}

const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, contentType: JSON_TYPE, ...(headers ? { headers } : {}) };
}

export const noContent: Reply = { status: 204 };

/** The absolute URL Rails' `location:` option writes for a created record. */
export function locationOf(ctx: RequestContext, path: string): string {
  return `http://${ctx.headers.host ?? "localhost"}${path}`;
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  404: "Not Found",
  406: "Not Acceptable",
  500: "Internal Server Error",
};

/**
 * Rails' production error page (ActionDispatch::PublicExceptions). Its JSON
 * carries the status as a string, as Rails 4 wrote it.
 */
export function errorPage(status: number, format: Format): Reply {
  const reason = REASONS[status] ?? "Error";
  if (format === "json") return json(status, { status: String(status), error: reason });
  return { status, body: `<!DOCTYPE html>\n<html><body><h1>${status} ${reason}</h1></body></html>\n`, contentType: HTML_TYPE };
}

export function notFound(): Reply {
  return errorPage(404, "json");
}

/** Rails' stock answer to missing or wrong Basic credentials. */
export function unauthorized(): Reply {
  return {
    status: 401,
    body: "HTTP Basic: Access denied.\n",
    contentType: HTML_TYPE,
    headers: { "www-authenticate": 'Basic realm="Application"' },
  };
}

/** The real site would render HTML or XML here; the sandbox only speaks JSON and says so. */
export function notAcceptable(format: Format): Reply {
  return {
    status: 406,
    body:
      `406 Not Acceptable: the dRofus sandbox only renders JSON, and this request asks for ${format}. ` +
      `Send "Accept: application/json" or use the .json suffix (not usable with dotted usernames).\n`,
    contentType: "text/plain; charset=utf-8",
  };
}

/** A failed validation: `{"field":["message", ...]}`, as `render json: @record.errors` writes it. */
export function unprocessable(errors: Readonly<Record<string, readonly string[]>>): Reply {
  return json(422, errors);
}

/** The admin-system user a request authenticates as, or undefined. */
export function basicCredentials(headers: IncomingHttpHeaders): { username: string; password: string } | undefined {
  const header = headers.authorization;
  const match = header ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Request parameters: string keys to JSON-like values, read with {@link own} only. */
export type Params = Readonly<Record<string, unknown>>;

/**
 * A parameter, if the client sent it. Own properties only: a body without a
 * `constructor` key must not answer `Object` for `params.constructor`.
 */
export function own(params: Params, key: string): unknown {
  return Object.hasOwn(params, key) ? params[key] : undefined;
}

export function isObject(value: unknown): value is Params {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The body's parameters as Rails parses them: JSON for a JSON content type,
 * an urlencoded form with `a[b]=c` nesting otherwise. With JSON, an unwrapped
 * body is wrapped under `wrapperKey` keeping only the model's columns, as
 * `wrap_parameters` does; virtual attributes like `new_db` are not wrapped.
 */
export function bodyParams(ctx: RequestContext, wrapperKey: string, columns: readonly string[]): Params {
  const contentType = String(ctx.headers["content-type"] ?? "").toLowerCase();
  if (ctx.body.length === 0) return {};
  if (/^application\/json\s*(;|$)/.test(contentType)) {
    const parsed = ctx.json();
    if (!isObject(parsed)) return { _json: parsed };
    if (Object.hasOwn(parsed, wrapperKey)) return parsed;
    const wrapped: Record<string, unknown> = {};
    for (const column of columns) if (Object.hasOwn(parsed, column)) wrapped[column] = parsed[column];
    return { ...parsed, [wrapperKey]: wrapped };
  }
  return parseNestedForm(ctx.form());
}

function parseNestedForm(form: URLSearchParams): Params {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of form) {
    const keys = /^([^[\]]+)((?:\[[^[\]]+\])*)$/.exec(name);
    if (!keys?.[1]) continue;
    const path = [keys[1], ...[...(keys[2] ?? "").matchAll(/\[([^[\]]+)\]/g)].map((m) => m[1] as string)];
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (isObject(next)) node = next as Record<string, unknown>;
      else node = node[key] = Object.create(null) as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
  return root;
}

/**
 * `params.require(key)`: the nested object, or a 400 when it is missing or
 * empty, since Rails answers ParameterMissing with Bad Request.
 */
export function requireParam(params: Params, key: string): Params {
  const value = own(params, key);
  if (isObject(value) && Object.keys(value).length > 0) return value;
  throw new BadBody(`param is missing or the value is empty: ${key}`);
}

/**
 * `params.permit(...keys)`: the listed keys holding scalars. Anything else is
 * dropped without a word, as strong parameters drop it.
 */
export function permit(params: Params, keys: readonly string[]): Params {
  const permitted: Record<string, unknown> = {};
  for (const key of keys) {
    if (!Object.hasOwn(params, key)) continue;
    const value = params[key];
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) permitted[key] = value;
  }
  return permitted;
}
