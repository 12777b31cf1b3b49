import type { IncomingHttpHeaders } from "node:http";

/** What a sandbox route handler sees of one request. */
export interface RequestContext {
  readonly method: string;
  /** The path without the query string, still percent-encoded. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The body parsed as JSON; throws {@link BadBody} when it is not. */
  json(): unknown;
  /** The body parsed as an urlencoded form. */
  form(): URLSearchParams;
  text(): string;
}

/** What a handler answers. A string body is sent as is; anything else as JSON. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly contentType?: string;
}

export type Handler<S> = (ctx: RequestContext, state: S) => Reply | Promise<Reply>;

/** Thrown by {@link RequestContext.json} so that each application can answer a bad body its own way. */
export class BadBody extends Error {}

interface Route<S> {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handler: Handler<S>;
}

export interface Match<S> {
  readonly route: string;
  readonly handler: Handler<S>;
  readonly params: Record<string, string>;
}

/**
 * Routes by method and `/a/:param/b` patterns. Parameters match one path
 * segment and arrive percent-decoded, as Flask and Rails decode them.
 */
export class Router<S> {
  readonly #routes: Route<S>[] = [];

  on(method: string, pattern: string, handler: Handler<S>): this {
    this.#routes.push({ method, pattern, segments: pattern.split("/"), handler });
    return this;
  }

  /** The route for this request, or undefined with `allowed` listing the methods the path accepts. */
  match(method: string, path: string): Match<S> | { allowed: string[] } {
    const segments = path.split("/");
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { route: `${route.method} ${route.pattern}`, handler: route.handler, params };
    }
    return { allowed };
  }
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = actual[i] as string;
    if (want.startsWith(":")) {
      if (got === "") return undefined;
      try {
        params[want.slice(1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
