/**
 * The retry, error and logging wiring of the one HTTP client, proven against
 * a real local server that misbehaves on cue. Nobody else tests this layer
 * (a retry policy that is configured but bypassed goes unnoticed), so every
 * rule of providers/core/http.ts has a test here that would fail without it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AccessError,
  BadRequest,
  Conflict,
  ConnectionFailed,
  Forbidden,
  InvalidResponse,
  NotFound,
  RateLimited,
  ServerError,
  Unauthorized,
} from "../../providers/core/errors";
import { HttpClient, closeAllAgents, type Authenticator, type HttpSettings } from "../../providers/core/http";
import { registerSecret } from "../../providers/core/secrets";
import {
  freePort,
  hang,
  hangAfterHeaders,
  reply,
  resetAfterBody,
  resetBeforeBody,
  startMisbehavingServer,
  type MisbehavingServer,
} from "../support/misbehavingServer";

const BASE_PATH = "/ScoDoc/api";
/** setTimeout may fire a millisecond early against Date.now(); nothing more is forgiven. */
const TIMER_SLACK_MS = 2;

let server: MisbehavingServer;
const extraServers: MisbehavingServer[] = [];

beforeEach(async () => {
  server = await startMisbehavingServer();
});

afterEach(async () => {
  delete process.env.PULUMI_ACCESS_DEBUG;
  // Agents are cached per origin for the process; each test's server has a new port, but closing keeps sockets from leaking.
  await closeAllAgents();
  await server.close();
  await Promise.all(extraServers.splice(0).map((s) => s.close()));
});

function settings(overrides: Partial<HttpSettings> = {}): HttpSettings {
  return {
    app: "scodoc",
    baseUrl: `${server.url}${BASE_PATH}`,
    timeoutMs: 1_000,
    deadlineMs: 10_000,
    maxRetries: 3,
    maxConcurrency: 4,
    ...overrides,
  };
}

function client(overrides: Partial<HttpSettings> = {}, options: ConstructorParameters<typeof HttpClient>[1] = {}): HttpClient {
  return new HttpClient(settings(overrides), options);
}

/** The error a call rejects with; a call that succeeds fails the test. */
async function failure(call: Promise<unknown>): Promise<AccessError> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    expect(error).toBeInstanceOf(AccessError);
    return error as AccessError;
  }
  throw new Error(`expected the request to fail, it returned ${JSON.stringify(outcome)}`);
}

/** Route the debug log to a fresh file; returns a reader of its lines. */
function debugLogToFile(): () => string[] {
  const dir = mkdtempSync(join(tmpdir(), "http-debug-"));
  const file = join(dir, "debug.log");
  process.env.PULUMI_ACCESS_DEBUG = file;
  return () => {
    try {
      return readFileSync(file, "utf8").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };
}

/** A token authenticator whose `renew()` hands out a new token generation. */
function tokenAuth(renewable: boolean): { auth: Authenticator; renewals: () => number } {
  let generation = 1;
  let renewals = 0;
  return {
    auth: {
      header: async () => `Bearer token-generation-${generation}`,
      renew: () => {
        renewals++;
        if (!renewable) return false;
        generation++;
        return true;
      },
    },
    renewals: () => renewals,
  };
}

describe("Retry-After", () => {
  it("waits at least the seconds of Retry-After on a 429 before retrying", async () => {
    server.script(reply(429, { message: "slow down" }, { "retry-after": "1" }), reply(200, { ok: true }));
    const response = await client().request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    // Without Retry-After the first backoff is at most 250 ms, so this tells the two apart.
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1_000 - TIMER_SLACK_MS);
  });

  it("waits until the HTTP date of Retry-After on a 429 before retrying", async () => {
    // HTTP dates have whole seconds: aim at least 1.5 s ahead so the wait is clearly not a backoff.
    const at = Math.ceil((Date.now() + 1_500) / 1_000) * 1_000;
    server.script(reply(429, { message: "slow down" }, { "retry-after": new Date(at).toUTCString() }), reply(200, { ok: true }));
    const response = await client().request({ method: "GET", path: "/roles" });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAt).toBeGreaterThanOrEqual(at - TIMER_SLACK_MS);
  });
});

describe("retries on transient statuses", () => {
  it("returns the success that follows a 503, after exactly two requests", async () => {
    server.script(reply(503, { message: "maintenance" }), reply(200, [{ id: 1 }]));
    const response = await client().request({ method: "GET", path: "/roles" });
    expect(response).toMatchObject({ status: 200, body: [{ id: 1 }] });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${BASE_PATH}/roles`, `GET ${BASE_PATH}/roles`]);
  });

  it.each([502, 504])("retries a GET after a %i", async (status) => {
    server.script(reply(status, "gateway trouble"), reply(200, { ok: true }));
    const response = await client().request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it.each([502, 504])("does not replay a POST after a %i: the application behind the gateway may have acted", async (status) => {
    server.script(reply(status, "gateway trouble"));
    server.otherwise(reply(201, { id: 9 }));
    const error = await failure(client().request({ method: "POST", path: "/role/create/x", json: { permissions: [] } }));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(status);
    expect(error.ambiguous).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it.each([429, 503])("does replay a POST after a %i: the server turned it away before acting", async (status) => {
    server.script(reply(status, { message: "busy" }), reply(201, { id: 9 }));
    const response = await client().request({ method: "POST", path: "/role/create/x", json: { permissions: [] } });
    expect(response).toMatchObject({ status: 201, body: { id: 9 } });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(JSON.stringify({ permissions: [] }));
  });

  it("does not retry a 500 (the server may have acted) nor a 4xx", async () => {
    server.otherwise(reply(500, { message: "boom" }));
    await failure(client().request({ method: "GET", path: "/roles" }));
    expect(server.requests).toHaveLength(1);
  });
});

describe("retry budget", () => {
  it("gives up after maxRetries with a one-line error naming app, method, path and status", async () => {
    server.otherwise(reply(503, { message: "down for maintenance" }));
    const error = await failure(client({ maxRetries: 2 }).request({ method: "GET", path: "/roles", query: { dept: "INFO" } }));
    expect(server.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.status).toBe(503);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message).toContain("scodoc");
    expect(error.message).toContain(`GET ${BASE_PATH}/roles?dept=INFO`);
    expect(error.message).toContain("503");
    expect(error.message).toContain("down for maintenance");
  });

  it("gives up when the deadline is spent, long before maxRetries", async () => {
    server.otherwise(reply(503, { message: "down" }));
    const deadlineMs = 700;
    const started = Date.now();
    const error = await failure(client({ maxRetries: 20, deadlineMs }).request({ method: "GET", path: "/roles" }));
    const elapsed = Date.now() - started;
    expect(error.status).toBe(503);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThan(21);
    // The deadline is a promise to the user: no sleep may start that would end past it (one quick attempt of slack).
    expect(elapsed).toBeLessThan(deadlineMs + 500);
  });

  it("reports a 429 that outlasts maxRetries as RateLimited", async () => {
    server.otherwise(reply(429, { message: "too many" }));
    const error = await failure(client({ maxRetries: 1 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.message).toContain("still rate limited after 2 attempts");
    expect(server.requests).toHaveLength(2);
  });

  it("fails at once on a 429 whose Retry-After exceeds the whole budget", async () => {
    server.script(reply(429, { message: "come back later" }, { "retry-after": "30" }));
    server.otherwise(reply(200, { ok: true }));
    const error = await failure(client({ deadlineMs: 3_000 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.message).toContain("GET /ScoDoc/api/roles → 429");
    expect(error.message).toContain("30 s");
    expect(server.requests).toHaveLength(1);
  });

  it("fails at once on a 429 whose Retry-After exceeds what is left of the budget", async () => {
    // 2 s would fit in a fresh 2.8 s budget, but not after the first 1 s wait.
    server.script(reply(429, {}, { "retry-after": "1" }), reply(429, {}, { "retry-after": "2" }));
    server.otherwise(reply(200, { ok: true }));
    const error = await failure(client({ deadlineMs: 2_800 }).request({ method: "GET", path: "/roles" }));
    const failedAt = Date.now();
    expect(error).toBeInstanceOf(RateLimited);
    expect(server.requests).toHaveLength(2);
    // It did not sleep the 2 s it knew would end past the deadline.
    expect(failedAt).toBeLessThan(server.requests[1]!.receivedAt + 2_000);
  });
});

describe("connection reset", () => {
  it("does not replay a POST whose connection broke after the server read it, and says the outcome is unknown", async () => {
    server.script(resetAfterBody);
    server.otherwise(reply(201, { id: 1 }));
    const error = await failure(client().request({ method: "POST", path: "/user/create", json: { user_name: "bob" } }));
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toBe(JSON.stringify({ user_name: "bob" }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.ambiguous).toBe(true);
    expect(error.status).toBe(0);
    expect(error.message).toContain(`POST ${BASE_PATH}/user/create`);
  });

  it("does not replay a POST reset before the server read its body either: the client cannot know that", async () => {
    server.script(resetBeforeBody);
    server.otherwise(reply(201, { id: 1 }));
    const error = await failure(client().request({ method: "POST", path: "/user/create", json: { user_name: "bob" } }));
    expect(server.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.ambiguous).toBe(true);
  });

  it.each(["PUT", "GET", "DELETE"] as const)("retries a %s whose connection broke after the server read it", async (method) => {
    server.script(resetAfterBody, reply(200, { done: true }));
    const response = await client().request({ method, path: "/thing/1", ...(method === "PUT" ? { json: { v: 2 } } : {}) });
    expect(response.body).toEqual({ done: true });
    expect(server.requests.map((r) => r.method)).toEqual([method, method]);
    if (method === "PUT") expect(server.requests[1]!.body).toBe(JSON.stringify({ v: 2 }));
  });

  it("retries a POST its caller declared idempotent", async () => {
    server.script(resetAfterBody, reply(200, { visible: true }));
    const response = await client().request({ method: "POST", path: "/departement/INFO/edit", json: { visible: true }, idempotent: true });
    expect(response.body).toEqual({ visible: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe("refresh snapshots", () => {
  it("forgets a list it made after any write through it, a failed one included, and keeps it across reads", async () => {
    server.otherwise(reply(200, { ok: true }));
    const http = client({ maxRetries: 0 });
    let loads = 0;
    const users = http.snapshot(async () => new Map([[1, ++loads]]));
    expect(await users.get(1)).toBe(1);
    await http.request({ method: "GET", path: "/roles" });
    expect(await users.get(1)).toBe(1);
    await http.request({ method: "POST", path: "/user/create", json: {} });
    expect(await users.get(1)).toBe(2);
    server.otherwise(reply(500, { message: "half done" }));
    await failure(http.request({ method: "DELETE", path: "/user/1" }));
    expect(await users.get(1)).toBe(3);
  });
});

describe("connection refused", () => {
  it("retries a refused POST and ends with a non-ambiguous ConnectionFailed saying connection refused", async () => {
    const port = await freePort();
    const attempts = debugLogToFile();
    const error = await failure(
      new HttpClient(settings({ baseUrl: `http://127.0.0.1:${port}${BASE_PATH}`, maxRetries: 2 })).request({
        method: "POST",
        path: "/user/create",
        json: { user_name: "bob" },
      }),
    );
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.ambiguous).toBe(false);
    expect(error.message).toContain("connection refused");
    expect(error.message).toContain(`POST ${BASE_PATH}/user/create`);
    const lines = attempts();
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toContain("ECONNREFUSED");
  });

  it("reaches a server that starts listening after the first refusal", async () => {
    const port = await freePort();
    let calls = 0;
    // The authenticator is asked for a header before each attempt: after the first refusal, bring the server up.
    const auth: Authenticator = {
      header: async () => {
        calls++;
        if (calls === 2) {
          const late = await startMisbehavingServer({ port });
          late.otherwise(reply(201, { id: 5 }));
          extraServers.push(late);
        }
        return "Bearer t0k3n-late";
      },
      renew: () => false,
    };
    const response = await new HttpClient(settings({ baseUrl: `http://127.0.0.1:${port}${BASE_PATH}` }), { auth }).request({
      method: "POST",
      path: "/user/create",
      json: { user_name: "bob" },
    });
    expect(response).toMatchObject({ status: 201, body: { id: 5 } });
    expect(calls).toBe(2);
    expect(extraServers[0]!.requests).toHaveLength(1);
    expect(extraServers[0]!.requests[0]!.body).toBe(JSON.stringify({ user_name: "bob" }));
  });
});

describe("timeouts", () => {
  it("retries a GET that got no answer, within the budget", async () => {
    server.script(hang, hang, reply(200, { ok: true }));
    const response = await client({ timeoutMs: 200 }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
  });

  it("fails with 'no answer within N ms' when the server never answers", async () => {
    server.otherwise(hang);
    const error = await failure(client({ timeoutMs: 200, maxRetries: 1 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.message).toContain("no answer within 200 ms");
    expect(server.requests).toHaveLength(2);
  });

  it("counts a body that stalls after the headers as no answer", async () => {
    server.otherwise(hangAfterHeaders);
    const error = await failure(client({ timeoutMs: 200, maxRetries: 0 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.message).toContain("no answer within 200 ms");
  });

  it("does not replay a POST that timed out, and calls its outcome unknown", async () => {
    server.script(hang);
    server.otherwise(reply(201, { id: 1 }));
    const error = await failure(client({ timeoutMs: 200 }).request({ method: "POST", path: "/user/create", json: { user_name: "bob" } }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.ambiguous).toBe(true);
    expect(server.requests).toHaveLength(1);
  });
});

describe("response validation", () => {
  it("turns a body that is not JSON into InvalidResponse", async () => {
    server.otherwise(reply(200, "<html>Login page</html>", { "content-type": "text/html" }));
    const error = await failure(client().request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(InvalidResponse);
    expect(error.status).toBe(200);
    expect(error.message).toContain("expected JSON");
    expect(error.message).toContain("<html>Login page</html>");
  });

  it("turns a schema mismatch into InvalidResponse naming the field path", async () => {
    server.otherwise(reply(200, { roles: [{ id: "7", name: "Admin" }] }));
    const schema = z.object({ roles: z.array(z.object({ id: z.number(), name: z.string() })) });
    const error = await failure(client().request({ method: "GET", path: "/roles", schema }));
    expect(error).toBeInstanceOf(InvalidResponse);
    expect(error.message).toContain("roles.0.id");
    expect(error.message).toContain(`GET ${BASE_PATH}/roles`);
  });

  it("returns the schema's parsed value when the shape is right", async () => {
    server.otherwise(reply(200, { roles: [{ id: 7, name: "Admin", extra: true }] }));
    const schema = z.object({ roles: z.array(z.object({ id: z.number(), name: z.string() })) });
    const response = await client().request({ method: "GET", path: "/roles", schema });
    // zod strips unknown keys: callers get the declared shape only.
    expect(response.body).toEqual({ roles: [{ id: 7, name: "Admin" }] });
  });

  it("rejects an empty body where a schema expects a value", async () => {
    server.otherwise(reply(200, ""));
    const error = await failure(client().request({ method: "GET", path: "/roles", schema: z.array(z.string()) }));
    expect(error).toBeInstanceOf(InvalidResponse);
  });
});

describe("401 and credential renewal", () => {
  it("renews once and resends with the new credential, even when retries are off", async () => {
    const { auth, renewals } = tokenAuth(true);
    server.script(reply(401, { message: "token expired" }), reply(200, { ok: true }));
    const response = await client({ maxRetries: 0 }, { auth }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ ok: true });
    expect(renewals()).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer token-generation-1", "Bearer token-generation-2"]);
  });

  it("fails with Unauthorized after exactly one renewal when the new credential is refused too", async () => {
    const { auth, renewals } = tokenAuth(true);
    server.otherwise(reply(401, { message: "bad token" }));
    const error = await failure(client({}, { auth }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.message).toContain("bad token");
    expect(renewals()).toBe(1);
    expect(server.requests).toHaveLength(2);
    // A renewal loop would never end: fail in seconds rather than at the suite's 2 min.
  }, 10_000);

  it("sends nothing more when the credential cannot be renewed (a password)", async () => {
    const { auth, renewals } = tokenAuth(false);
    server.otherwise(reply(401, { message: "wrong password" }));
    const error = await failure(client({}, { auth }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(Unauthorized);
    expect(error.hint).toContain("credentials");
    expect(renewals()).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it("remembers a refusal: the client's later calls fail with it and send nothing", async () => {
    const { auth } = tokenAuth(false);
    server.otherwise(reply(401, { message: "wrong password" }));
    const http = client({}, { auth });
    const first = await failure(http.request({ method: "GET", path: "/roles" }));
    const later = await failure(http.request({ method: "GET", path: "/users" }));
    expect(later).toBe(first);
    expect(server.requests).toHaveLength(1);
  });

  it("remembers a refusal learnt in band, as Fess's HTTP 200 one", async () => {
    server.otherwise(reply(200, { ok: true }));
    const http = client({});
    const refused = http.refuse(
      new Unauthorized({ app: "fess", method: "GET", path: "/settings", status: 200, serverMessage: "Unauthorized request." }),
    );
    expect(await failure(http.request({ method: "GET", path: "/roles" }))).toBe(refused);
    expect(server.requests).toHaveLength(0);
  });

  it("sends no Authorization header when the call opts out of the client's credentials", async () => {
    const { auth } = tokenAuth(true);
    server.otherwise(reply(200, { token: "x" }));
    await client({}, { auth }).request({ method: "POST", path: "/tokens", auth: false });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe("status mapping", () => {
  it.each([
    [400, BadRequest],
    [422, BadRequest],
    [403, Forbidden],
    [404, NotFound],
    [409, Conflict],
    [500, ServerError],
  ] as const)("maps %i to %o with the server's message, without retrying", async (status, Kind) => {
    server.otherwise(reply(status, { message: `the server explains ${status}` }));
    const error = await failure(client().request({ method: "PUT", path: "/role/x", json: { a: 1 } }));
    expect(error).toBeInstanceOf(Kind);
    expect(error.status).toBe(status);
    expect(error.message).toContain(`PUT ${BASE_PATH}/role/x → ${status}`);
    expect(error.message).toContain(`the server explains ${status}`);
    expect(server.requests).toHaveLength(1);
  });

  it("takes the message from an `error` or `detail` field too, and falls back to the status text", async () => {
    server.script(reply(400, { detail: "acronym too long" }), reply(409, { error: "already exists" }), reply(404, "nothing here"));
    const c = client();
    expect((await failure(c.request({ method: "GET", path: "/a" }))).message).toContain("acronym too long");
    expect((await failure(c.request({ method: "GET", path: "/b" }))).message).toContain("already exists");
    expect((await failure(c.request({ method: "GET", path: "/c" }))).message).toContain("Not Found");
  });

  it("lets a caller take a 404 itself with okStatuses", async () => {
    server.otherwise(reply(404, { message: "no such role" }));
    const response = await client().request({ method: "GET", path: "/role/ghost", okStatuses: [404] });
    expect(response).toMatchObject({ status: 404, body: { message: "no such role" } });
  });

  it("uses the application's error describer for the message and hint", async () => {
    server.otherwise(reply(400, { errors: [{ msg: "bad field" }] }));
    const describeError = (_s: number, body: unknown) => ({
      message: (body as { errors: { msg: string }[] }).errors[0]!.msg,
      hint: "read the docs",
    });
    const error = await failure(client({}, { describeError }).request({ method: "GET", path: "/x" }));
    expect(error.message).toContain("bad field");
    expect(error.message).toContain("(hint: read the docs)");
  });
});

describe("concurrency cap", () => {
  it("never has more than maxConcurrency requests at the server at once", async () => {
    server.otherwise(reply(200, { ok: true }, {}, 150));
    const c = client({ maxConcurrency: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.request({ method: "GET", path: `/slow/${i}` })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(server.requests).toHaveLength(6);
    // Exactly 2: the cap holds, and the requests really ran in parallel up to it.
    expect(server.maxInFlight).toBe(2);
  });
});

describe("debug log", () => {
  it("logs each attempt and no secret, in requests, answers and errors", async () => {
    const lines = debugLogToFile();
    const registered = "registered-Secret-Zq81x";
    registerSecret(registered);
    const secrets = {
      header: "Bearer header-secret-9f3k2",
      json: "json-pass-4k2w",
      jsonToken: "json-token-8s1q",
      jsonSecret: "json-secret-2p0v",
      form: "form-pass-6t1m",
      cdm: "hunter22",
      cdmInForm: "cdm-form-pass-3n",
      responseToken: "response-token-77ab",
      queryToken: "query-token-5j2",
      registered,
    };
    const auth: Authenticator = { header: async () => secrets.header, renew: () => false };
    server.script(
      reply(503, { message: "busy" }),
      reply(201, { id: 1 }),
      reply(200, "ok"),
      reply(200, "ok"),
      reply(200, "ok"),
      reply(200, { token: secrets.responseToken, note: `your key is ${registered}` }),
      reply(200, []),
      reply(400, { message: `password ${registered} is too weak` }),
    );
    const c = client({ app: "scenari" }, { auth });
    await c.request({
      method: "POST",
      path: "/users",
      json: { user: "bob", password: secrets.json, nested: { apiToken: secrets.jsonToken, client_secret: secrets.jsonSecret } },
    });
    await c.request({ method: "POST", path: "/login", form: { username: "bob", password: secrets.form }, responseType: "text" });
    await c.request({
      method: "POST",
      path: "/cdm",
      body: `(account'bob'password'${secrets.cdm}')`,
      contentType: "text/plain",
      responseType: "text",
    });
    // Scenari clients put CDM into a form field, so it arrives percent-encoded.
    await c.request({
      method: "POST",
      path: "/cdm-form",
      form: { cdaction: "CreateUser", createParams: `(account'bob'password'${secrets.cdmInForm}')` },
      responseType: "text",
    });
    await c.request({ method: "GET", path: "/whoami" });
    await c.request({ method: "GET", path: "/search", query: { q: "bob", access_token: secrets.queryToken } });
    const error = await failure(c.request({ method: "POST", path: "/users/check", json: { password: registered } }));

    // The test is only worth something if the secrets really went over the wire and came back.
    const wire = JSON.stringify(server.requests);
    for (const s of [secrets.header, secrets.json, secrets.form, secrets.cdm, secrets.queryToken, encodeURIComponent(secrets.cdmInForm)])
      expect(wire).toContain(s);

    expect(error).toBeInstanceOf(BadRequest);
    expect(error.message).not.toContain(registered);
    expect(error.message).toContain("password *** is too weak");

    const log = lines();
    // One line per attempt: the first POST was turned away by a 503 and sent again.
    expect(log).toHaveLength(8);
    expect(log[0]).toMatch(/scenari POST .*\/users → 503/);
    expect(log[1]).toMatch(/scenari POST .*\/users → 201/);
    expect(log[7]).toMatch(/POST .*\/users\/check → 400/);
    const text = log.join("\n");
    for (const [name, value] of Object.entries(secrets)) {
      expect(text, `the ${name} secret leaked into the debug log`).not.toContain(value);
      expect(text, `the ${name} secret leaked into the debug log`).not.toContain(encodeURIComponent(value));
    }
  });
});

describe("secrets in error messages", () => {
  it("keeps a registered passphrase out of the error, though our query and the server's echo carry it form-encoded", async () => {
    const passphrase = "correct horse (battery) staple";
    registerSecret(passphrase);
    // Like a server that quotes the request body back in its error.
    server.otherwise((request) => reply(400, { message: `cannot parse ${request.body}` }));
    const error = await failure(
      client().request({ method: "POST", path: "/login", query: { pw: passphrase }, form: { username: "bob", pw: passphrase } }),
    );
    const formEncoded = new URLSearchParams({ pw: passphrase }).toString();
    expect(server.requests[0]!.path).toContain(formEncoded);
    expect(server.requests[0]!.body).toContain(formEncoded);
    expect(error).toBeInstanceOf(BadRequest);
    expect(error.message).toContain("cannot parse username=bob");
    expect(error.message).not.toContain(formEncoded.slice("pw=".length));
    expect(error.message).not.toContain("horse");
  });
});

describe("TLS", () => {
  let dir: string;
  let key: string;
  let cert: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "http-tls-"));
    // The IP SAN lets the client verify 127.0.0.1 without resolving localhost (which may be ::1).
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-days",
        "1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        join(dir, "k"),
        "-out",
        join(dir, "c"),
      ],
      { stdio: "ignore" },
    );
    key = readFileSync(join(dir, "k"), "utf8");
    cert = readFileSync(join(dir, "c"), "utf8");
    // A private CA and a server certificate it signs: the usual setup of an intranet server.
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=Test Private CA",
        "-days",
        "1",
        "-keyout",
        join(dir, "ca.key"),
        "-out",
        join(dir, "ca.crt"),
      ],
      { stdio: "ignore" },
    );
    execFileSync(
      "openssl",
      [
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        join(dir, "leaf.key"),
        "-out",
        join(dir, "leaf.csr"),
      ],
      { stdio: "ignore" },
    );
    writeFileSync(join(dir, "leaf.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    execFileSync(
      "openssl",
      [
        "x509",
        "-req",
        "-in",
        join(dir, "leaf.csr"),
        "-CA",
        join(dir, "ca.crt"),
        "-CAkey",
        join(dir, "ca.key"),
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        join(dir, "leaf.ext"),
        "-out",
        join(dir, "leaf.crt"),
      ],
      { stdio: "ignore" },
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function tlsServer(): Promise<MisbehavingServer> {
    const s = await startMisbehavingServer({ tls: { key, cert } });
    s.otherwise(reply(200, { secure: true }));
    extraServers.push(s);
    return s;
  }

  it("refuses a self-signed certificate by default, pointing at caCert", async () => {
    const s = await tlsServer();
    const error = await failure(client({ baseUrl: s.url, maxRetries: 0 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.message).toContain("TLS");
    expect(error.message).toContain("caCert");
    expect(s.requests).toHaveLength(0);
  });

  it("reports a certificate failure at once and as certainly not sent, even for a POST", async () => {
    const s = await tlsServer();
    const attempts = debugLogToFile();
    const error = await failure(
      client({ baseUrl: s.url, maxRetries: 3 }).request({ method: "POST", path: "/user/create", json: { user_name: "bob" } }),
    );
    expect(error).toBeInstanceOf(ConnectionFailed);
    // The handshake failed before any HTTP byte: the server cannot have acted, so nothing needs checking before a retry.
    expect(error.ambiguous).toBe(false);
    // A certificate does not change between attempts: retrying only delays the message the user must act on.
    expect(attempts()).toHaveLength(1);
  });

  it("refuses a certificate from a private CA by default, pointing at caCert, and accepts it with that CA", async () => {
    const s = await startMisbehavingServer({
      tls: { key: readFileSync(join(dir, "leaf.key"), "utf8"), cert: readFileSync(join(dir, "leaf.crt"), "utf8") },
    });
    s.otherwise(reply(200, { secure: true }));
    extraServers.push(s);
    const error = await failure(client({ baseUrl: s.url, maxRetries: 0 }).request({ method: "GET", path: "/roles" }));
    expect(error).toBeInstanceOf(ConnectionFailed);
    expect(error.message).toContain("TLS");
    expect(error.message).toContain("caCert");
    const response = await client({ baseUrl: s.url, caCert: join(dir, "ca.crt") }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ secure: true });
  });

  it("accepts the certificate when caCert is given as PEM text", async () => {
    const s = await tlsServer();
    const response = await client({ baseUrl: s.url, caCert: cert }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ secure: true });
  });

  it("accepts the certificate when caCert is the path of a PEM file", async () => {
    const s = await tlsServer();
    const path = join(dir, "ca.pem");
    writeFileSync(path, cert);
    const response = await client({ baseUrl: s.url, caCert: path }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ secure: true });
  });

  it("skips verification with insecure: true", async () => {
    const s = await tlsServer();
    const response = await client({ baseUrl: s.url, insecure: true }).request({ method: "GET", path: "/roles" });
    expect(response.body).toEqual({ secure: true });
  });
});
