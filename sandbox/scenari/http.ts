/**
 * The request plumbing every Scenari service shares: where parameters come
 * from, how CDM parameters are read, and the shapes of the answers.
 */
import type { Reply, RequestContext } from "../core/router";
import { CdmSyntaxError, parseCdm, type CdmValue } from "../../providers/scenari/cdm";

/**
 * An answer that ends a call early. Scenari's servlets answer errors with a
 * status and a short text, not JSON (INFERRED), so clients that parse every
 * answer as JSON fail loudly on them rather than reading a wrong shape.
 */
export class ScenariHttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, message: string, headers?: Readonly<Record<string, string>>) {
    super(message);
    this.name = "ScenariHttpError";
    this.status = status;
    this.headers = headers;
  }

  toReply(): Reply {
    return textReply(this.status, this.message, this.headers);
  }
}

export function badRequest(message: string): ScenariHttpError {
  return new ScenariHttpError(400, message);
}

export function jsonReply(body: unknown, status = 200): Reply {
  return { status, body };
}

export function textReply(status: number, text: string, headers?: Readonly<Record<string, string>>): Reply {
  return { status, body: text, contentType: "text/plain; charset=utf-8", ...(headers ? { headers } : {}) };
}

export function xmlReply(xml: string): Reply {
  return { status: 200, body: xml, contentType: "text/xml; charset=utf-8" };
}

/** A 200 with no body: what clients that only check the status are given. */
export const EMPTY_OK: Reply = { status: 200 };

/**
 * The parameters of one call. Scalars travel in the query string; the web
 * client sends some of them (`param` of `DropUser`, `userProps`) as form
 * fields instead, urlencoded or multipart, so both places are read, the
 * query string first.
 */
export class CallParams {
  readonly #query: URLSearchParams;
  readonly #form: URLSearchParams;

  constructor(ctx: RequestContext) {
    this.#query = ctx.query;
    this.#form = readForm(ctx);
  }

  get(name: string): string | undefined {
    return this.#query.get(name) ?? this.#form.get(name) ?? undefined;
  }

  getAll(name: string): string[] {
    return [...this.#query.getAll(name), ...this.#form.getAll(name)];
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === "") throw badRequest(`Parameter '${name}' is required`);
    return value;
  }

  /** A CDM-encoded parameter; a malformed one is the client's fault, hence 400. */
  cdm(name: string): CdmValue | undefined {
    const text = this.get(name);
    if (text === undefined || text === "") return undefined;
    try {
      return parseCdm(text);
    } catch (error) {
      if (error instanceof CdmSyntaxError) throw badRequest(`Parameter '${name}': ${error.message}`);
      throw error;
    }
  }

  /**
   * A boolean in the query string, case-insensitively: the web client writes
   * `true`, Python's requests writes `True` (it formats the bool with str()).
   */
  flag(name: string): boolean | undefined {
    const value = this.get(name)?.toLowerCase();
    if (value === undefined || value === "") return undefined;
    if (value === "true") return true;
    if (value === "false") return false;
    throw badRequest(`Parameter '${name}' must be true or false`);
  }

  /** Several values joined by TAB, as `DropUser`, `DisplaySet` and `forUser` carry them. */
  tabList(name: string): string[] {
    return this.getAll(name)
      .flatMap((value) => value.split("\t"))
      .filter((value) => value !== "");
  }
}

/** The credentials of an `Authorization: Basic` header, or undefined when there is none or it is malformed. */
export function basicCredentials(ctx: RequestContext): { user: string; password: string } | undefined {
  const header = ctx.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readForm(ctx: RequestContext): URLSearchParams {
  const type = ctx.headers["content-type"] ?? "";
  if (ctx.body.length === 0) return new URLSearchParams();
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return ctx.form();
  const boundary = /^multipart\/form-data\b.*;\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(type);
  if (boundary) return parseMultipart(ctx.body.toString("utf8"), (boundary[1] ?? boundary[2]) as string);
  // An XML or binary body (CreateWsp, UpdateWspType) carries no parameters.
  return new URLSearchParams();
}

/**
 * The text fields of a multipart body, which is how the web client posts
 * `userProps`. File parts are skipped: no service modelled here takes one.
 */
function parseMultipart(body: string, boundary: string): URLSearchParams {
  const fields = new URLSearchParams();
  const delimiter = `--${boundary}`;
  for (const chunk of body.split(delimiter).slice(1)) {
    if (chunk.startsWith("--")) break;
    const part = chunk.replace(/^\r?\n/, "").replace(/\r?\n$/, "");
    const headerEnd = part.search(/\r?\n\r?\n/);
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const value = part.slice(headerEnd).replace(/^\r?\n\r?\n/, "");
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined || /\bfilename=/i.test(disposition)) continue;
    fields.append(name, value);
  }
  return fields;
}
