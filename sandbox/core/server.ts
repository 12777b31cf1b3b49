import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, renameSync, existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { Faults, type FaultConfig } from "./faults";
import { RequestLog } from "./requestLog";
import { BadBody, type Reply, type RequestContext, type Router } from "./router";

/** The seeded administrator of a sandbox. Fess gives a token instead of a password. */
export interface Credentials {
  /** The administrator's login. */
  readonly username: string;
  /** The administrator's password (random unless given). */
  readonly password: string;
  /** Fess's access token. */
  readonly token?: string;
}

/** What one application contributes; everything else is shared by every sandbox. */
export interface SandboxDefinition<S> {
  /** The application's name, e.g. `scodoc`. */
  readonly app: string;
  /** A fresh state holding the application's seeded objects. Plain JSON only, so it can be persisted and edited. */
  seed(credentials: Credentials): S;
  /** The application's routes. */
  readonly router: Router<S>;
  /** The answer for a path no route knows (each application has its own). */
  notFound(ctx: RequestContext, allowed: readonly string[]): Reply;
  /** The answer for a body that does not parse; defaults to a plain 400. */
  badBody?(ctx: RequestContext, error: BadBody): Reply;
  /** Named out-of-band operations, e.g. seeding students, run through `POST /__sandbox/op/<name>`. */
  readonly ops?: Readonly<Record<string, (state: S, body: unknown) => unknown>>;
  /** Appended to the root URL to form the URL a client is given (Scenari's chain portlet). */
  readonly clientPath?: string;
}

/** How to start a sandbox. */
export interface SandboxOptions {
  /** The port to listen on; default a free one. */
  readonly port?: number;
  /** The address to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Load the state from this JSON file when it exists, and keep it written there. */
  readonly persistPath?: string;
  /** Faults applied from the start. */
  readonly faults?: FaultConfig;
  /** The seeded administrator's credentials; default `admin` and a random password. */
  readonly credentials?: Partial<Credentials>;
}

const ADMIN_PREFIX = "/__sandbox/";

/**
 * A local HTTP server that plays one application, with in-memory state, a
 * request log, fault injection and an out-of-band admin channel under
 * `/__sandbox/` for tests that need to change the server behind a client's back.
 */
export class Sandbox<S> {
  /** Every request the application received, with counters. */
  readonly log = new RequestLog();
  /** The faults currently injected. */
  readonly faults = new Faults();
  /** The seeded administrator's credentials. */
  readonly credentials: Credentials;
  /** The application's state: plain JSON, which tests may read and change. */
  state: S;
  #server: Server | undefined;
  #url = "";
  #persistTimer: NodeJS.Timeout | undefined;
  readonly #definition: SandboxDefinition<S>;
  readonly #options: SandboxOptions;

  constructor(definition: SandboxDefinition<S>, options: SandboxOptions = {}) {
    this.#definition = definition;
    this.#options = options;
    this.credentials = {
      username: options.credentials?.username ?? "admin",
      password: options.credentials?.password ?? `sbx-${randomBytes(12).toString("base64url")}`,
      ...(options.credentials?.token !== undefined ? { token: options.credentials.token } : {}),
    };
    this.state = this.#load() ?? definition.seed(this.credentials);
    if (options.faults) this.faults.configure(options.faults);
  }

  /** The application's name, e.g. `scodoc`. */
  get app(): string {
    return this.#definition.app;
  }

  /** The server's root, where `/__sandbox/` lives. */
  get url(): string {
    return this.#url;
  }

  /** The URL a client of the application is configured with. */
  get clientUrl(): string {
    return this.#url + (this.#definition.clientPath ?? "");
  }

  /** Listen, and resolve once the URLs are known. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void this.#serve(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#options.port ?? 0, this.#options.host ?? "127.0.0.1", () => resolve());
    });
    const { address, port } = server.address() as AddressInfo;
    this.#url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    this.#server = server;
    return this;
  }

  /** Write the state if persisted, close every connection and stop listening. */
  async stop(): Promise<void> {
    this.#flush();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Back to the seeded state, counters and faults cleared. */
  reset(): void {
    this.state = this.#definition.seed(this.credentials);
    this.log.reset();
    this.faults.configure({});
    this.#schedulePersist();
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://sandbox");
    const method = req.method ?? "GET";
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      send(res, this.#admin(method, url.pathname.slice(ADMIN_PREFIX.length), body));
      return;
    }
    const delay = this.faults.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    const found = this.#definition.router.match(method, url.pathname);
    const route = "route" in found ? found.route : `${method} ${url.pathname}`;
    const record = (status: number, fault?: string) =>
      this.log.record({ at: Date.now(), method, path: url.pathname, query: url.search, route, status, ...(fault ? { fault } : {}) });

    const fault = this.faults.decide(method, url.pathname);
    if (fault.kind !== "none" && !fault.after) {
      record(fault.kind === "reset" ? 0 : fault.status, fault.label);
      if (fault.kind === "reset") return void req.socket.destroy();
      if (fault.redirectTo)
        return send(res, {
          status: fault.status,
          headers: { location: `${fault.redirectTo.replace(/\/+$/, "")}${url.pathname}${url.search}` },
        });
      return send(res, faultReply(fault.status, fault.retryAfterSeconds, fault.body));
    }

    const ctx = makeContext(method, url, req, body, "params" in found ? found.params : {});
    let reply: Reply;
    try {
      if ("handler" in found) reply = await found.handler(ctx, this.state);
      else reply = this.#definition.notFound(ctx, found.allowed);
    } catch (error) {
      if (error instanceof BadBody) {
        reply = this.#definition.badBody?.(ctx, error) ?? { status: 400, body: { error: error.message } };
      } else {
        console.error(`[sandbox ${this.app}] ${method} ${url.pathname}:`, error);
        reply = { status: 500, body: { error: "Internal Server Error" } };
      }
    }
    if (method !== "GET" && method !== "HEAD") this.#schedulePersist();

    if (fault.kind !== "none") {
      record(fault.kind === "reset" ? 0 : fault.status, `${fault.label} (after the change)`);
      if (fault.kind === "reset") return void req.socket.destroy();
      return send(res, faultReply(fault.status, fault.retryAfterSeconds, fault.body));
    }
    record(reply.status);
    send(res, reply);
  }

  #admin(method: string, path: string, body: Buffer): Reply {
    const input = (): unknown => (body.length ? JSON.parse(body.toString("utf8")) : {});
    try {
      if (path === "state" && method === "GET") return { status: 200, body: this.state };
      if (path === "state" && method === "PUT") {
        this.state = input() as S;
        this.#schedulePersist();
        return { status: 200, body: { ok: true } };
      }
      if (path === "reset" && method === "POST") {
        this.reset();
        return { status: 200, body: { ok: true } };
      }
      if (path === "requests" && method === "GET") {
        return { status: 200, body: { ...this.log.counts(), entries: this.log.entries() } };
      }
      if (path === "requests/reset" && method === "POST") {
        this.log.reset();
        return { status: 200, body: { ok: true } };
      }
      if (path === "faults" && method === "GET") return { status: 200, body: this.faults.config() };
      if (path === "faults" && method === "PUT") {
        this.faults.configure(input() as FaultConfig);
        return { status: 200, body: this.faults.config() };
      }
      if (path.startsWith("op/") && method === "POST") {
        const op = this.#definition.ops?.[path.slice(3)];
        if (!op) return { status: 404, body: { error: `no operation ${path.slice(3)}` } };
        const result = op(this.state, input());
        this.#schedulePersist();
        return { status: 200, body: result ?? { ok: true } };
      }
      return { status: 404, body: { error: `no admin route ${method} ${ADMIN_PREFIX}${path}` } };
    } catch (error) {
      return { status: 400, body: { error: String(error instanceof Error ? error.message : error) } };
    }
  }

  #load(): S | undefined {
    const path = this.#options.persistPath;
    if (!path || !existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, "utf8")) as S;
  }

  #schedulePersist(): void {
    if (!this.#options.persistPath || this.#persistTimer) return;
    this.#persistTimer = setTimeout(() => this.#flush(), 50);
    this.#persistTimer.unref();
  }

  #flush(): void {
    if (this.#persistTimer) clearTimeout(this.#persistTimer);
    this.#persistTimer = undefined;
    const path = this.#options.persistPath;
    if (!path) return;
    writeFileSync(`${path}.tmp`, JSON.stringify(this.state));
    renameSync(`${path}.tmp`, path);
  }
}

function faultReply(status: number, retryAfterSeconds: number | undefined, body: unknown): Reply {
  return {
    status,
    body: body ?? { error: status === 429 ? "Too Many Requests" : "Service Unavailable (sandbox fault)" },
    ...(retryAfterSeconds === undefined ? {} : { headers: { "retry-after": String(retryAfterSeconds) } }),
  };
}

function makeContext(method: string, url: URL, req: IncomingMessage, body: Buffer, params: Record<string, string>): RequestContext {
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    params,
    body,
    text: () => body.toString("utf8"),
    form: () => new URLSearchParams(body.toString("utf8")),
    json: () => {
      try {
        return JSON.parse(body.toString("utf8"));
      } catch {
        throw new BadBody("the body is not valid JSON");
      }
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const isText = typeof reply.body === "string" || Buffer.isBuffer(reply.body);
  const payload = reply.body === undefined ? "" : isText ? (reply.body as string | Buffer) : JSON.stringify(reply.body);
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body !== undefined) {
    headers["content-type"] = reply.contentType ?? (isText ? "text/plain; charset=utf-8" : "application/json");
  }
  headers["content-length"] = Buffer.byteLength(payload);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** How a client reaches a running sandbox: the line the launcher prints. */
export interface SandboxEndpoint {
  /** The application's name, e.g. `scodoc`. */
  readonly app: string;
  /** The URL to configure a client with (`scodoc:url`, ...). */
  readonly url: string;
  /** The administrator's login, for applications with password logins. */
  readonly username?: string;
  /** The administrator's password. */
  readonly password?: string;
  /** Fess's access token. */
  readonly token?: string;
}

/** What a client needs to reach a running sandbox. */
export function endpointOf<S>(sandbox: Sandbox<S>): SandboxEndpoint {
  const { username, password, token } = sandbox.credentials;
  return token !== undefined
    ? { app: sandbox.app, url: sandbox.clientUrl, token }
    : { app: sandbox.app, url: sandbox.clientUrl, username, password };
}
