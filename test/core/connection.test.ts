/**
 * Where a resource's server and credentials come from: the resource's own
 * `connection` input, then the stack config, then the environment. A wrong
 * precedence sends one stack's writes to another server, so each level is
 * checked against the one below it.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  connectionProblem,
  effectiveUrl,
  normalizeUrl,
  requireCredential,
  resolveConnection,
  setStackConfig,
  stackUrlProblem,
  urlProblem,
} from "../../providers/core/connection";
import { BadRequest, ConfigurationError } from "../../providers/core/errors";

const ENV_PREFIXES = ["SCODOC_", "FESS_", "DROFUS_", "SCENARI_"];
let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  savedEnv = { ...process.env };
  // The machine running the tests may have real settings for these apps; they must not leak in.
  for (const name of Object.keys(process.env)) if (ENV_PREFIXES.some((p) => name.startsWith(p))) delete process.env[name];
});

afterEach(() => {
  setStackConfig(undefined);
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

function stack(values: Record<string, string>): void {
  setStackConfig({ get: (key) => values[key] });
}

function configurationError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("precedence", () => {
  it("takes the connection input over the stack config over the environment", () => {
    process.env.SCODOC_URL = "https://env.example/ScoDoc/api";
    process.env.SCODOC_USERNAME = "env-user";
    stack({ "scodoc:url": "https://stack.example/ScoDoc/api", "scodoc:username": "stack-user" });
    const conn = resolveConnection("scodoc", { url: "https://input.example/ScoDoc/api", username: "input-user" });
    expect(conn.http.baseUrl).toBe("https://input.example/ScoDoc/api");
    expect(conn.username).toBe("input-user");
  });

  it("takes the stack config over the environment when the input is silent", () => {
    process.env.SCODOC_URL = "https://env.example/ScoDoc/api";
    process.env.SCODOC_USERNAME = "env-user";
    stack({ "scodoc:url": "https://stack.example/ScoDoc/api", "scodoc:username": "stack-user" });
    const conn = resolveConnection("scodoc", {});
    expect(conn.http.baseUrl).toBe("https://stack.example/ScoDoc/api");
    expect(conn.username).toBe("stack-user");
  });

  it("falls back to the environment, each setting separately", () => {
    process.env.SCODOC_URL = "https://env.example/ScoDoc/api";
    process.env.SCODOC_USERNAME = "env-user";
    process.env.SCODOC_TIMEOUT_MS = "5000";
    process.env.SCODOC_MAX_RETRIES = "2";
    process.env.SCODOC_MAX_CONCURRENCY = "3";
    process.env.SCODOC_INSECURE = "true";
    process.env.SCODOC_CA_CERT = "/etc/ssl/private-ca.pem";
    stack({ "scodoc:username": "stack-user" });
    const conn = resolveConnection("scodoc", undefined);
    expect(conn.username).toBe("stack-user");
    expect(conn.http).toMatchObject({
      baseUrl: "https://env.example/ScoDoc/api",
      timeoutMs: 5000,
      maxRetries: 2,
      maxConcurrency: 3,
      insecure: true,
      caCert: "/etc/ssl/private-ca.pem",
    });
  });

  it("treats an empty string as not set, so it does not hide the level below", () => {
    stack({ "fess:url": "", "fess:token": "stack-token-value" });
    process.env.FESS_URL = "https://fess.env.example";
    const conn = resolveConnection("fess", { url: "", token: "" });
    expect(conn.http.baseUrl).toBe("https://fess.env.example");
    expect(conn.token).toBe("stack-token-value");
  });

  it("keeps each application's settings apart", () => {
    process.env.FESS_URL = "https://fess.example";
    stack({ "scodoc:url": "https://scodoc.example" });
    expect(resolveConnection("fess", undefined).http.baseUrl).toBe("https://fess.example");
    expect(resolveConnection("scodoc", undefined).http.baseUrl).toBe("https://scodoc.example");
    expect(effectiveUrl("drofus", undefined)).toBeUndefined();
  });

  it("lets the URL an existing resource was created on win over configuration", () => {
    stack({ "scodoc:url": "https://new.example" });
    expect(resolveConnection("scodoc", { url: "https://input.example" }, "https://old.example").http.baseUrl).toBe("https://old.example");
  });

  it("uses safe defaults when nothing is set, with a deadline long enough for retries", () => {
    const conn = resolveConnection("scodoc", { url: "https://scodoc.example" });
    expect(conn.http).toMatchObject({ timeoutMs: 30_000, maxRetries: 5, maxConcurrency: 8 });
    expect(conn.http.insecure).toBeUndefined();
    expect(conn.http.deadlineMs).toBeGreaterThanOrEqual(120_000);
    expect(resolveConnection("scodoc", { url: "https://scodoc.example", timeoutMs: 100_000 }).http.deadlineMs).toBe(200_000);
  });
});

describe("URL", () => {
  it("compares two spellings of one server equal", () => {
    expect(normalizeUrl("HTTPS://ScoDoc.Example.com:443/ScoDoc/api/")).toBe("https://scodoc.example.com/ScoDoc/api");
    expect(effectiveUrl("scodoc", { url: "https://scodoc.example.com/" })).toBe("https://scodoc.example.com");
  });

  it("throws ConfigurationError naming every place a URL may come from when there is none", () => {
    const error = configurationError(() => resolveConnection("drofus", {}));
    expect(error.message).toContain("no server URL configured");
    expect(error.message).toContain("drofus:url");
    expect(error.message).toContain("DROFUS_URL");
    expect(error.message).toContain("connection.url");
    expect(error.status).toBe(0);
  });

  it("rejects a number setting that is not a number, naming it", () => {
    process.env.SCODOC_MAX_CONCURRENCY = "many";
    const error = configurationError(() => resolveConnection("scodoc", { url: "https://scodoc.example" }));
    expect(error.message).toContain("scodoc:maxConcurrency");
    expect(error.message).toContain("many");
  });
});

describe("requireCredential", () => {
  it("returns the credential when there is one", () => {
    const conn = resolveConnection("scodoc", { url: "https://scodoc.example", username: "admin", password: "pw-present-123" });
    expect(requireCredential(conn, "password")).toBe("pw-present-123");
  });

  it("names the config key, the environment variable and the connection field of a missing password", () => {
    const conn = resolveConnection("scodoc", { url: "https://scodoc.example", username: "admin" });
    const error = configurationError(() => requireCredential(conn, "password"));
    expect(error.message).toContain("no password configured for https://scodoc.example");
    expect(error.message).toContain("scodoc:password");
    expect(error.message).toContain("--secret");
    expect(error.message).toContain("SCODOC_PASSWORD");
    expect(error.message).toContain("connection.password");
  });

  it("names the places of a missing token and username too", () => {
    const fess = resolveConnection("fess", { url: "https://fess.example" });
    const token = configurationError(() => requireCredential(fess, "token"));
    expect(token.message).toContain("fess:token");
    expect(token.message).toContain("FESS_TOKEN");
    expect(token.message).toContain("connection.token");
    const user = configurationError(() => requireCredential(fess, "username"));
    expect(user.message).toContain("fess:username");
    expect(user.message).toContain("FESS_USERNAME");
  });

  it("never puts a secret in the message, not the other credentials nor a password in the URL", () => {
    process.env.SCODOC_TOKEN = "env-token-Kq2v9";
    stack({ "scodoc:url": "https://admin:url-pass-Wx71@scodoc.example/ScoDoc/api" });
    const conn = resolveConnection("scodoc", {});
    const error = configurationError(() => requireCredential(conn, "password"));
    expect(error.message).toContain("scodoc.example");
    expect(error.message).not.toContain("env-token-Kq2v9");
    expect(error.message).not.toContain("url-pass-Wx71");
  });
});

describe("secrets are registered as they are resolved", () => {
  it("scrubs a password from the stack config out of any later error", () => {
    stack({ "scodoc:url": "https://scodoc.example", "scodoc:password": "stack-pass-Hv83" });
    const error = new BadRequest({ app: "scodoc", method: "POST", path: "/x", status: 400, serverMessage: "bad password stack-pass-Hv83" });
    expect(error.message).not.toContain("stack-pass-Hv83");
  });

  it("scrubs a token from the connection input out of any later error", () => {
    resolveConnection("fess", { url: "https://fess.example", token: "input-token-Pm40" });
    const error = new BadRequest({ app: "fess", method: "GET", path: "/x", status: 400, serverMessage: "unknown token input-token-Pm40" });
    expect(error.message).not.toContain("input-token-Pm40");
  });
});

describe("credentials stay with their server", () => {
  it("the stack config's go only to the URL configured beside them, compared canonically", () => {
    stack({ "scodoc:url": "https://scodoc.example", "scodoc:username": "admin", "scodoc:password": "stack-pw" });
    expect(resolveConnection("scodoc", { url: "HTTPS://ScoDoc.Example:443/" }).password).toBe("stack-pw");
    const elsewhere = resolveConnection("scodoc", { url: "https://collector.example" });
    expect([elsewhere.username, elsewhere.password]).toEqual([undefined, undefined]);
    const error = configurationError(() => requireCredential(elsewhere, "password"));
    expect(error.message).toContain("belong to https://scodoc.example and are never sent to another server");
    expect(error.message).not.toContain("stack-pw");
    // A state that records another URL (the resource's server before a move) gets none either.
    expect(resolveConnection("scodoc", undefined, "https://old.example").password).toBeUndefined();
  });

  it("the environment's go to the environment's URL, or the stack config's when it has none (CI: URLs committed, secrets in env)", () => {
    stack({ "fess:url": "https://search.example" });
    process.env.FESS_TOKEN = "env-token";
    expect(resolveConnection("fess", undefined).token).toBe("env-token");
    expect(resolveConnection("fess", { url: "https://other.example" }).token).toBeUndefined();
    process.env.FESS_URL = "https://env-search.example";
    // Bound to their own URL, not the stack config's that wins for the requests.
    expect(resolveConnection("fess", undefined).token).toBeUndefined();
    expect(resolveConnection("fess", { url: "https://env-search.example/" }).token).toBe("env-token");
  });

  it("a connection's own credentials go with it", () => {
    stack({ "drofus:url": "https://adm.example", "drofus:username": "admin", "drofus:password": "stack-pw" });
    const conn = resolveConnection("drofus", { url: "https://adm2.example", username: "other", password: "own-pw" });
    expect([conn.username, conn.password]).toEqual(["other", "own-pw"]);
  });

  it("check refuses a connection to another server without credentials of its own, naming what to give", () => {
    stack({ "scenari:url": "https://chain.example/scenarichain-server", "scenari:username": "admin", "scenari:password": "pw" });
    expect(connectionProblem("scenari", { url: "https://chain.example/scenarichain-server/" })).toBeUndefined();
    expect(connectionProblem("scenari", { url: "https://evil.example", username: "u", password: "p" })).toBeUndefined();
    expect(connectionProblem("scenari", { url: "https://evil.example", username: "u" })).toBe(
      "url https://evil.example is not the stack's scenari server (https://chain.example/scenarichain-server): " +
        "give connection.password for it; the stack's credentials are only sent to the server configured beside them",
    );
    expect(connectionProblem("fess", { url: "https://search.example" })).toMatch(/no fess:url\): give connection.token for it/);
    // Unknown at preview: settled at up.
    expect(connectionProblem("scenari", { url: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" })).toBeUndefined();
  });
});

describe("URLs that cannot work", () => {
  it("are refused: not absolute, not http(s), or holding credentials", () => {
    expect(urlProblem("https://scodoc.example")).toBeUndefined();
    expect(urlProblem("http://127.0.0.1:8080/ScoDoc")).toBeUndefined();
    expect(urlProblem("ftp://scodoc.example")).toBe("must be an http or https URL, got ftp://…");
    expect(urlProblem("scodoc.example")).toBe('must be an absolute URL such as https://server.example, got "scodoc.example"');
    expect(urlProblem("https://admin:pw@scodoc.example")).toMatch(/must not hold credentials/);
  });

  it("in the stack config or the environment, named where they come from; resolving one sends nothing and fails", () => {
    process.env.DROFUS_URL = "ftp://adm.example";
    expect(stackUrlProblem("drofus")).toBe("DROFUS_URL in the environment must be an http or https URL, got ftp://…");
    stack({ "drofus:url": "adm.example" });
    expect(stackUrlProblem("drofus")).toMatch(/^drofus:url in the stack config must be an absolute URL/);
    expect(configurationError(() => resolveConnection("drofus", undefined)).message).toMatch(/server URL must be an absolute URL/);
  });
});
