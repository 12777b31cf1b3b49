import { execFile } from "node:child_process";
import { request as httpRequest } from "node:http";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxAdmin, endpointOf, sandboxFactories, type Sandbox } from "../../sandbox";
import { createFessSandbox, fessId, type FessAccessToken, type FessState } from "../../sandbox/fess";

/**
 * The Fess sandbox against shared/reference/apis/fess.md, over real HTTP: what
 * a client of the admin API relies on, in both the 15.x and the 14.x verbs.
 */

const execFileAsync = promisify(execFile);

interface Answer {
  readonly http: number;
  readonly contentType: string;
  readonly text: string;
  /** `response` of the envelope. */
  readonly response: Record<string, unknown>;
}

interface CallOptions {
  /** The token to send as `Bearer`; null sends no Authorization header. */
  readonly token?: string | null;
  /** A literal Authorization header, for the shapes Fess accepts or refuses. */
  readonly authorization?: string;
  /** A body sent as is, for malformed JSON. */
  readonly rawBody?: string;
}

function client(sandbox: () => Sandbox<FessState>) {
  return async function call(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? sandbox().credentials.token : options.token;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (token !== null && token !== undefined) headers.authorization = `Bearer ${token}`;
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(sandbox().url + path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await res.text();
    const contentType = res.headers.get("content-type") ?? "";
    const response = contentType.startsWith("application/json")
      ? ((JSON.parse(text) as { response: Record<string, unknown> }).response ?? {})
      : {};
    return { http: res.status, contentType, text, response };
  };
}

/** fetch refuses a body on GET, and Fess reads the list's paging from exactly that. */
function getWithBody(url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "GET",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { response: Record<string, unknown> }).response),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function settingsOf(answer: Answer): Record<string, unknown>[] {
  return answer.response.settings as Record<string, unknown>[];
}

function namesOf(answer: Answer): string[] {
  return settingsOf(answer).map((s) => s.name as string);
}

describe("Fess sandbox, 15.x", () => {
  let sandbox: Sandbox<FessState>;
  let admin: SandboxAdmin;
  const call = client(() => sandbox);

  beforeAll(async () => {
    sandbox = await createFessSandbox().start();
    admin = new SandboxAdmin(sandbox.url);
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  describe("envelope and seed", () => {
    it("lists the seeded roles inside the {response:{...}} envelope, pretty-printed JSON", async () => {
      const answer = await call("GET", "/api/admin/role/settings");
      expect(answer.http).toBe(200);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(answer.text).toContain('\n  "response": {');
      expect(answer.response).toEqual({
        settings: [
          { id: "YWRtaW4=", version_no: -1, name: "admin", attributes: {} },
          { id: "Z3Vlc3Q=", version_no: -1, name: "guest", attributes: {} },
        ],
        total: 2,
        version: "15.7",
        status: 0,
      });
      // Result fields first, then the base class's version and status.
      expect(Object.keys(answer.response)).toEqual(["settings", "total", "version", "status"]);
    });

    it("seeds an admin user holding the admin and guest role ids, no groups", async () => {
      const answer = await call("GET", "/api/admin/user/setting/YWRtaW4=");
      expect(answer.response).toEqual({
        setting: { id: "YWRtaW4=", version_no: -1, name: "admin", attributes: { surname: "admin" }, roles: ["YWRtaW4=", "Z3Vlc3Q="] },
        version: "15.7",
        status: 0,
      });
      expect((await call("GET", "/api/admin/group/settings")).response).toMatchObject({ settings: [], total: 0 });
    });

    it("never writes null nor a password, and leaves roles/groups out when never set", async () => {
      await call("POST", "/api/admin/user/setting", { name: "solo", password: "pw", confirm_password: "other" });
      const answer = await call("GET", `/api/admin/user/setting/${fessId("solo")}`);
      expect(answer.response.setting).toEqual({ id: "c29sbw==", version_no: -1, name: "solo", attributes: {} });
      expect(answer.text).not.toContain("null");
      expect(answer.text).not.toContain("password");
    });

    it("is registered for the launcher, which prints its url and token", () => {
      // Only its presence: apps.ts's lazy require resolves in the compiled dist, not from vitest's .ts sources.
      expect(sandboxFactories.fess).toBeDefined();
      expect(endpointOf(sandbox as Sandbox<unknown>)).toEqual({ app: "fess", url: sandbox.url, token: sandbox.credentials.token });
      expect(sandbox.credentials.token).toMatch(/^[A-Za-z0-9]{60}$/);
    });
  });

  describe("authentication", () => {
    const unauthorized = { message: "Unauthorized request.", version: "15.7", status: 3 };

    it("answers HTTP 200 with status 3 to a missing or unknown token", async () => {
      for (const options of [{ token: null }, { token: "nope" }] satisfies CallOptions[]) {
        const answer = await call("GET", "/api/admin/role/settings", undefined, options);
        expect(answer.http).toBe(200);
        expect(answer.response).toEqual(unauthorized);
      }
    });

    it("takes `Bearer <token>` or the raw token, and refuses any other header shape", async () => {
      const token = sandbox.credentials.token ?? "";
      expect((await call("GET", "/api/admin/role/settings", undefined, { authorization: token })).response.status).toBe(0);
      expect((await call("GET", "/api/admin/role/settings", undefined, { authorization: `Bearer ${token}` })).response.status).toBe(0);
      for (const header of [`bearer ${token}`, `Bearer  ${token}`, `Token ${token} x`]) {
        expect((await call("GET", "/api/admin/role/settings", undefined, { authorization: header })).response).toEqual(unauthorized);
      }
    });

    it("refuses the seeded under-privileged token everywhere and changes nothing", async () => {
      const guest = await admin.op<FessAccessToken>("underPrivilegedToken");
      expect(guest.permissions).not.toContain("Radmin-api");
      expect(sandbox.state.accessTokens.map((t) => t.token)).toContain(guest.token);
      const before = JSON.stringify(sandbox.state);
      const attempts: [string, string, unknown?][] = [
        ["GET", "/api/admin/role/settings"],
        ["GET", "/api/admin/user/setting/YWRtaW4="],
        ["POST", "/api/admin/role/setting", { name: "intruder" }],
        ["PUT", "/api/admin/role/setting", { id: "YWRtaW4=", name: "pwned", version_no: 1 }],
        ["DELETE", "/api/admin/role/setting/YWRtaW4="],
        ["DELETE", "/api/admin/user/setting/YWRtaW4="],
      ];
      for (const [method, path, body] of attempts) {
        const answer = await call(method, path, body, { token: guest.token });
        expect(answer.http).toBe(200);
        expect(answer.response).toEqual(unauthorized);
      }
      expect(JSON.stringify(sandbox.state)).toBe(before);
    });

    it("keeps the under-privileged token across a reset", async () => {
      const before = await admin.op<FessAccessToken>("underPrivilegedToken");
      await admin.reset();
      expect((await admin.op<FessAccessToken>("underPrivilegedToken")).token).toBe(before.token);
    });

    it("grants a token with {role}admin-api, or with it in its parameter, and refuses an expired one", async () => {
      const granted = await admin.op<FessAccessToken>("addAccessToken", { permissions: ["{role}admin-api"] });
      expect(granted.permissions).toEqual(["Radmin-api"]);
      expect((await call("GET", "/api/admin/role/settings", undefined, { token: granted.token })).response.status).toBe(0);

      const expired = await admin.op<FessAccessToken>("addAccessToken", { permissions: ["Radmin-api"], expiresAt: Date.now() - 1000 });
      expect((await call("GET", "/api/admin/role/settings", undefined, { token: expired.token })).response).toEqual(unauthorized);

      const viaParameter = await admin.op<FessAccessToken>("addAccessToken", { permissions: [], parameterName: "perm" });
      expect((await call("GET", "/api/admin/role/settings", undefined, { token: viaParameter.token })).response.status).toBe(3);
      const withParameter = await call("GET", "/api/admin/role/settings?perm=Radmin-api", undefined, { token: viaParameter.token });
      expect(withParameter.response.status).toBe(0);
    });
  });

  describe("create (POST) is an upsert keyed by base64url(name)", () => {
    it("answers the padded URL-safe base64 of the name as id, created true", async () => {
      for (const [name, id] of [
        ["editor", "ZWRpdG9y"],
        ["admin-api", "YWRtaW4tYXBp"],
        ["a?>", "YT8-"],
        ["été", "w6l0w6k="],
      ]) {
        const answer = await call("POST", "/api/admin/role/setting", { name });
        expect(answer.http).toBe(200);
        expect(answer.response).toEqual({ id, created: true, version: "15.7", status: 0 });
        expect(fessId(name as string)).toBe(id);
      }
      expect((await call("GET", "/api/admin/role/setting/YT8-")).response.setting).toEqual({
        id: "YT8-",
        version_no: -1,
        name: "a?>",
        attributes: {},
      });
    });

    it("silently overwrites a record of the same name and still says created", async () => {
      await call("POST", "/api/admin/group/setting", { name: "staff", attributes: { gidNumber: "100", note: "first" } });
      const again = await call("POST", "/api/admin/group/setting", { name: "staff", attributes: { gidNumber: "200" } });
      expect(again.response).toMatchObject({ id: "c3RhZmY=", created: true, status: 0 });
      const list = await call("GET", "/api/admin/group/settings");
      expect(list.response.total).toBe(1);
      expect(settingsOf(list)[0]?.attributes).toEqual({ gidNumber: "200" });
    });

    it("overwrites a user whole on a repeated create: password, roles, groups, attributes", async () => {
      await call("POST", "/api/admin/user/setting", {
        name: "bob",
        password: "one",
        roles: ["YWRtaW4="],
        groups: ["Zw=="],
        attributes: { mail: "b@x" },
      });
      await call("POST", "/api/admin/user/setting", { name: "bob", password: "two", roles: ["Z3Vlc3Q="] });
      expect((await call("GET", "/api/admin/user/setting/Ym9i")).response.setting).toEqual({
        id: "Ym9i",
        version_no: -1,
        name: "bob",
        attributes: {},
        roles: ["Z3Vlc3Q="],
      });
      expect(await admin.op("verifyPassword", { name: "bob", password: "two" })).toEqual({ ok: true });
    });

    it("keeps attribute keys as given (not snake_cased) and ignores crud_mode and unknown keys", async () => {
      await call("POST", "/api/admin/role/setting", {
        name: "r",
        crud_mode: 2,
        id: "ignored",
        versionNo: 4,
        attributes: { camelKey: "v", n: 5 },
      });
      expect((await call("GET", "/api/admin/role/setting/cg==")).response.setting).toEqual({
        id: "cg==",
        version_no: -1,
        name: "r",
        attributes: { camelKey: "v", n: "5" },
      });
    });

    it("answers HTTP 500, status 2 to a user create without password, and accepts an empty one", async () => {
      const missing = await call("POST", "/api/admin/user/setting", { name: "nopw" });
      expect(missing.http).toBe(500);
      expect(missing.response).toMatchObject({ status: 2, version: "15.7" });
      expect(missing.response.message).toMatch(/^error_code:[0-9a-f-]{36}$/);
      expect((await call("GET", "/api/admin/user/setting/bm9wdw==")).response.status).toBe(1);

      const empty = await call("POST", "/api/admin/user/setting", { name: "nopw", password: "" });
      expect(empty.response).toMatchObject({ id: "bm9wdw==", created: true, status: 0 });
    });

    it("does not check confirm_password nor any password policy", async () => {
      const answer = await call("POST", "/api/admin/user/setting", { name: "p", password: "x", confirm_password: "y" });
      expect(answer.response.status).toBe(0);
    });
  });

  describe("update (PUT) replaces the record; version_no is required but never compared", () => {
    it("accepts any version_no, answers created false, and always reads back -1", async () => {
      await call("POST", "/api/admin/role/setting", { name: "editor", attributes: { a: "1" } });
      for (const version_no of [1, 999, -5, "7"]) {
        const answer = await call("PUT", "/api/admin/role/setting", {
          id: "ZWRpdG9y",
          name: "editor",
          version_no,
          attributes: { a: String(version_no) },
        });
        expect(answer.http).toBe(200);
        expect(answer.response).toEqual({ id: "ZWRpdG9y", created: false, version: "15.7", status: 0 });
      }
      expect((await call("GET", "/api/admin/role/setting/ZWRpdG9y")).response.setting).toMatchObject({
        version_no: -1,
        attributes: { a: "7" },
      });
    });

    it("ignores camelCase versionNo: only snake_case keys are read", async () => {
      await call("POST", "/api/admin/role/setting", { name: "editor" });
      const answer = await call("PUT", "/api/admin/role/setting", { id: "ZWRpdG9y", name: "editor", versionNo: 1 });
      expect(answer.http).toBe(400);
      expect(answer.response).toEqual({ message: "Version No is required.", version: "15.7", status: 1 });
    });

    it("clears what the body leaves out: attributes, and a user's roles and groups", async () => {
      await call("POST", "/api/admin/user/setting", {
        name: "bob",
        password: "pw",
        roles: ["YWRtaW4="],
        groups: ["Zw=="],
        attributes: { mail: "b@x" },
      });
      await call("PUT", "/api/admin/user/setting", { id: "Ym9i", name: "bob", version_no: 1 });
      expect((await call("GET", "/api/admin/user/setting/Ym9i")).response.setting).toEqual({
        id: "Ym9i",
        version_no: -1,
        name: "bob",
        attributes: {},
      });
    });

    it("keeps the password on a blank one and rehashes a non-blank one", async () => {
      await call("POST", "/api/admin/user/setting", { name: "bob", password: "first" });
      await call("PUT", "/api/admin/user/setting", { id: "Ym9i", name: "bob", version_no: 1, password: "  " });
      expect(await admin.op("verifyPassword", { id: "Ym9i", password: "first" })).toEqual({ ok: true });
      await call("PUT", "/api/admin/user/setting", { id: "Ym9i", name: "bob", version_no: 1 });
      expect(await admin.op("verifyPassword", { id: "Ym9i", password: "first" })).toEqual({ ok: true });
      await call("PUT", "/api/admin/user/setting", { id: "Ym9i", name: "bob", version_no: 1, password: "second" });
      expect(await admin.op("verifyPassword", { id: "Ym9i", password: "second" })).toEqual({ ok: true });
    });

    it("renames without changing the id, so id and base64(name) part ways", async () => {
      await call("POST", "/api/admin/role/setting", { name: "editor" });
      await call("PUT", "/api/admin/role/setting", { id: "ZWRpdG9y", name: "writer", version_no: 1 });
      const list = await call("GET", "/api/admin/role/settings");
      expect(settingsOf(list).find((s) => s.id === "ZWRpdG9y")?.name).toBe("writer");
      expect((await call("GET", `/api/admin/role/setting/${fessId("writer")}`)).response.status).toBe(1);
    });

    it("answers 400, status 1, `The data <id> is not found.` for an unknown id", async () => {
      const answer = await call("PUT", "/api/admin/group/setting", { id: "bm9uZQ==", name: "none", version_no: 1 });
      expect(answer.http).toBe(400);
      expect(answer.response).toEqual({ message: "The data bm9uZQ== is not found.", version: "15.7", status: 1 });
    });

    it("uses PUT for updates in 15.x: a create body sent with PUT misses id and version_no", async () => {
      const answer = await call("PUT", "/api/admin/role/setting", { name: "editor" });
      expect(answer.http).toBe(400);
      expect(answer.response.message).toBe("ID is required. Version No is required.");
    });
  });

  describe("validation", () => {
    const rejected = async (method: string, path: string, body: unknown): Promise<string> => {
      const answer = await call(method, path, body);
      expect(answer.http).toBe(400);
      expect(answer.response.status).toBe(1);
      return answer.response.message as string;
    };

    it("requires a non-blank name of at most 100 characters", async () => {
      expect(await rejected("POST", "/api/admin/role/setting", {})).toBe("Name is required.");
      expect(await rejected("POST", "/api/admin/role/setting", { name: "   " })).toBe("Name is required.");
      expect(await rejected("POST", "/api/admin/group/setting", { name: "x".repeat(101) })).toBe(
        "The size of Name must be between 0 and 100.",
      );
      expect(await rejected("POST", "/api/admin/user/setting", { name: "u", password: "p".repeat(101) })).toBe(
        "The size of Password must be between 0 and 100.",
      );
      expect((await call("POST", "/api/admin/role/setting", { name: "x".repeat(100) })).response.status).toBe(0);
    });

    it("joins several messages with a space in one string", async () => {
      expect(await rejected("PUT", "/api/admin/role/setting", {})).toBe("Name is required. ID is required. Version No is required.");
      expect(await rejected("PUT", "/api/admin/role/setting", { id: "ZWRpdG9y", name: "e", version_no: "one" })).toBe(
        "Version No must be a number.",
      );
    });

    it("refuses attribute keys that would overwrite a real field", async () => {
      expect(await rejected("POST", "/api/admin/role/setting", { name: "r", attributes: { name: "other" } })).toBe(
        '"name" in "attributes" is invalid.',
      );
      expect(
        await rejected("POST", "/api/admin/user/setting", { name: "u", password: "p", attributes: { password: "plain", roles: "x" } }),
      ).toBe('"password" in "attributes" is invalid. "roles" in "attributes" is invalid.');
    });

    it("checks a group's gidNumber as a long on create and update", async () => {
      expect(await rejected("POST", "/api/admin/group/setting", { name: "g", attributes: { gidNumber: "abc" } })).toBe(
        "attributes.gidNumber must be a long.",
      );
      expect((await call("POST", "/api/admin/group/setting", { name: "g", attributes: { gidNumber: "+42" } })).response.status).toBe(0);
      expect(
        await rejected("PUT", "/api/admin/group/setting", { id: "Zw==", name: "g", version_no: 1, attributes: { gidNumber: "1.5" } }),
      ).toBe("attributes.gidNumber must be a long.");
      // DfTypeUtil drops the grouping comma, OpenSearch's long does not: the store fails.
      expect(await rejected("POST", "/api/admin/group/setting", { name: "h", attributes: { gidNumber: "1,000" } })).toMatch(
        /^Failed to create a new data\. \(.*gidNumber.*\)$/,
      );
      expect((await call("POST", "/api/admin/group/setting", { name: "i", attributes: { gidNumber: " " } })).response.status).toBe(0);
    });

    it("checks a user's uidNumber/gidNumber only on update; on create the store fails instead", async () => {
      expect(await rejected("POST", "/api/admin/user/setting", { name: "u", password: "p", attributes: { uidNumber: "abc" } })).toMatch(
        /^Failed to create a new data\. \(.*uidNumber.*\)$/,
      );
      await call("POST", "/api/admin/user/setting", { name: "u", password: "p", attributes: { uidNumber: "1000" } });
      expect(
        await rejected("PUT", "/api/admin/user/setting", {
          id: "dQ==",
          name: "u",
          version_no: 1,
          attributes: { uidNumber: "x", gidNumber: "y" },
        }),
      ).toBe("attributes.uidNumber must be a long.");
      expect(
        await rejected("PUT", "/api/admin/user/setting", { id: "dQ==", name: "u", version_no: 1, attributes: { gidNumber: "y" } }),
      ).toBe("attributes.gidNumber must be a long.");
      // Validation comes before the lookup: an unknown id with a bad attribute reports the attribute.
      expect(
        await rejected("PUT", "/api/admin/user/setting", { id: "bm8=", name: "no", version_no: 1, attributes: { uidNumber: "x" } }),
      ).toBe("attributes.uidNumber must be a long.");
    });

    it("answers an opaque error code to a body it cannot map", async () => {
      for (const rawBody of [
        "{not json",
        "[1,2]",
        '{"name":"r","attributes":"flat"}',
        '{"name":{"x":1}}',
        '{"name":"u","password":"p","roles":"YWRtaW4="}',
      ]) {
        const path = rawBody.includes("password") ? "/api/admin/user/setting" : "/api/admin/role/setting";
        const answer = await call("POST", path, undefined, { rawBody });
        expect(answer.http, rawBody).toBe(400);
        expect(answer.response.status).toBe(1);
        expect(answer.response.message).toMatch(/^error_code:/);
      }
    });
  });

  describe("get and delete", () => {
    it("answers 400, status 1, not found for an unknown id on get and delete", async () => {
      for (const method of ["GET", "DELETE"]) {
        const answer = await call(method, "/api/admin/user/setting/bm9ib2R5");
        expect(answer.http).toBe(400);
        expect(answer.response).toEqual({ message: "The data bm9ib2R5 is not found.", version: "15.7", status: 1 });
      }
    });

    it("strips a deleted role's id from every user, and a deleted group's id likewise", async () => {
      await call("POST", "/api/admin/role/setting", { name: "editor" });
      await call("POST", "/api/admin/group/setting", { name: "staff" });
      await call("POST", "/api/admin/user/setting", { name: "bob", password: "p", roles: ["ZWRpdG9y", "Z3Vlc3Q="], groups: ["c3RhZmY="] });
      await call("POST", "/api/admin/user/setting", { name: "eve", password: "p", roles: ["ZWRpdG9y"] });

      const deleted = await call("DELETE", "/api/admin/role/setting/ZWRpdG9y");
      expect(deleted.response).toEqual({ id: "ZWRpdG9y", created: false, version: "15.7", status: 0 });
      await call("DELETE", "/api/admin/group/setting/c3RhZmY=");

      expect((await call("GET", "/api/admin/user/setting/Ym9i")).response.setting).toMatchObject({ roles: ["Z3Vlc3Q="], groups: [] });
      expect((await call("GET", "/api/admin/user/setting/ZXZl")).response.setting).toMatchObject({ roles: [] });
      expect(sandbox.state.users["YWRtaW4="]?.roles).toEqual(["YWRtaW4=", "Z3Vlc3Q="]);
    });

    it("lets the admin role be deleted although in use, and a user delete cascades nowhere", async () => {
      expect((await call("DELETE", "/api/admin/role/setting/YWRtaW4=")).response.status).toBe(0);
      expect((await call("GET", "/api/admin/user/setting/YWRtaW4=")).response.setting).toMatchObject({ roles: ["Z3Vlc3Q="] });
      await call("POST", "/api/admin/user/setting", { name: "bob", password: "p" });
      const rolesBefore = await call("GET", "/api/admin/role/settings");
      expect((await call("DELETE", "/api/admin/user/setting/Ym9i")).response.status).toBe(0);
      expect((await call("GET", "/api/admin/role/settings")).text).toBe(rolesBefore.text);
    });

    it("answers Fess's HTML 404 page to unknown paths and to verbs a path lacks", async () => {
      for (const [method, path] of [
        ["GET", "/api/admin/role/nothing"],
        ["GET", "/api/admin/widget/settings"],
        ["PATCH", "/api/admin/role/setting"],
        ["GET", "/api/admin/role/setting"],
      ]) {
        const answer = await call(method as string, path as string);
        expect(answer.http, `${method} ${path}`).toBe(404);
        expect(answer.contentType).toMatch(/^text\/html/);
      }
    });
  });

  describe("listing", () => {
    const createRoles = async (count: number) => {
      for (let i = 0; i < count; i++) await call("POST", "/api/admin/role/setting", { name: `r${String(i).padStart(2, "0")}` });
    };

    it("pages 25 by default, sorted by name, with the full total", async () => {
      await createRoles(30);
      const first = await call("GET", "/api/admin/role/settings");
      expect(first.response.total).toBe(32);
      expect(namesOf(first)).toHaveLength(25);
      expect(namesOf(first).slice(0, 3)).toEqual(["admin", "guest", "r00"]);
    });

    it("reads size and page (1-based) from the JSON body and ignores the query string", async () => {
      await createRoles(30);
      const token = sandbox.credentials.token ?? "";
      const page4 = await call("PUT", "/api/admin/role/settings", { size: 10, page: 4 });
      expect(namesOf(page4)).toEqual(["r28", "r29"]);
      expect(page4.response.total).toBe(32);
      const viaGet = await getWithBody(`${sandbox.url}/api/admin/role/settings`, token, { size: 5, page: 2 });
      expect((viaGet.settings as { name: string }[]).map((s) => s.name)).toEqual(["r03", "r04", "r05", "r06", "r07"]);
      expect(namesOf(await call("GET", "/api/admin/role/settings?size=50&page=2"))).toHaveLength(25);
      expect(namesOf(await call("GET", "/api/admin/role/settings?size=50&page=2"))[0]).toBe("admin");
    });

    it("falls back to 25 and page 1 for zero or negative values, and returns [] past the end", async () => {
      await createRoles(30);
      expect(namesOf(await call("PUT", "/api/admin/role/settings", { size: 0, page: -3 }))).toHaveLength(25);
      const past = await call("PUT", "/api/admin/role/settings", { size: 10, page: 9 });
      expect(past.response).toMatchObject({ settings: [], total: 32, status: 0 });
    });

    it("filters on the exact id only", async () => {
      const one = await call("PUT", "/api/admin/role/settings", { id: "Z3Vlc3Q=" });
      expect(one.response).toMatchObject({ settings: [{ id: "Z3Vlc3Q=", name: "guest" }], total: 1 });
      expect((await call("PUT", "/api/admin/role/settings", { id: "guest" })).response).toMatchObject({ settings: [], total: 0 });
    });

    it("sorts by code point, as OpenSearch sorts keywords", async () => {
      for (const name of ["b", "é", "B", "a", "😀", "ｚ"]) await call("POST", "/api/admin/group/setting", { name });
      expect(namesOf(await call("GET", "/api/admin/group/settings"))).toEqual(["B", "a", "b", "é", "ｚ", "😀"]);
    });

    it("answers 500, status 2, past OpenSearch's result window", async () => {
      const answer = await call("PUT", "/api/admin/role/settings", { size: 1000, page: 11 });
      expect(answer.http).toBe(500);
      expect(answer.response.status).toBe(2);
      expect((await call("PUT", "/api/admin/role/settings", { size: 1000, page: 10 })).response.status).toBe(0);
    });

    it("accepts any verb on /settings", async () => {
      for (const method of ["GET", "POST", "PUT", "DELETE", "PATCH"]) {
        expect((await call(method, "/api/admin/user/settings")).response.total, method).toBe(1);
      }
    });
  });

  describe("the seed's curl examples, with the real curl", () => {
    // Verbatim from shared/reference/seeds/004_911f9848d42ab4c0.txt.
    const createExample = `curl -X POST "http://localhost:8080/api/admin/role/setting" \\
         -H "Authorization: Bearer YOUR_TOKEN" \\
         -H "Content-Type: application/json" \\
         -d '{
           "name": "content_manager"
         }'`;
    const listExample = `curl -X GET "http://localhost:8080/api/admin/role/settings?size=50" \\
         -H "Authorization: Bearer YOUR_TOKEN"`;

    const run = async (example: string): Promise<Record<string, unknown>> => {
      const script = example.replaceAll("http://localhost:8080", sandbox.url).replaceAll("YOUR_TOKEN", sandbox.credentials.token ?? "");
      const { stdout } = await execFileAsync("bash", ["-c", `${script} --silent --show-error --fail-with-body`]);
      return (JSON.parse(stdout) as { response: Record<string, unknown> }).response;
    };

    it("creates content_manager, then lists it", async () => {
      expect(await run(createExample)).toEqual({ id: "Y29udGVudF9tYW5hZ2Vy", created: true, version: "15.7", status: 0 });
      const list = await run(listExample);
      expect(list).toMatchObject({ total: 3, status: 0 });
      expect((list.settings as { name: string }[]).map((s) => s.name)).toEqual(["admin", "content_manager", "guest"]);
    });
  });
});

describe("Fess sandbox, 14.x", () => {
  let sandbox: Sandbox<FessState>;
  const call = client(() => sandbox);

  beforeAll(async () => {
    sandbox = await createFessSandbox({ version: "14" }).start();
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  it("creates with PUT and updates with POST, and says 14.x", async () => {
    const created = await call("PUT", "/api/admin/role/setting", { name: "editor", attributes: { a: "1" } });
    expect(created.response).toEqual({ id: "ZWRpdG9y", created: true, version: "14.19", status: 0 });
    const updated = await call("POST", "/api/admin/role/setting", {
      id: "ZWRpdG9y",
      name: "editor",
      version_no: 1,
      attributes: { a: "2" },
    });
    expect(updated.response).toEqual({ id: "ZWRpdG9y", created: false, version: "14.19", status: 0 });
    expect((await call("GET", "/api/admin/role/setting/ZWRpdG9y")).response.setting).toMatchObject({ attributes: { a: "2" } });
  });

  it("treats a 15.x-style POST create as an update that lacks id and version_no", async () => {
    const answer = await call("POST", "/api/admin/role/setting", { name: "editor" });
    expect(answer.http).toBe(400);
    expect(answer.response).toEqual({ message: "ID is required. Version No is required.", version: "14.19", status: 1 });
  });

  it("keeps the upsert, the user rules and the cascade under the swapped verbs", async () => {
    expect((await call("PUT", "/api/admin/user/setting", { name: "nopw" })).http).toBe(500);
    await call("PUT", "/api/admin/group/setting", { name: "staff" });
    await call("PUT", "/api/admin/user/setting", { name: "bob", password: "p", groups: ["c3RhZmY="] });
    expect((await call("PUT", "/api/admin/user/setting", { name: "bob", password: "q", groups: ["c3RhZmY="] })).response.created).toBe(
      true,
    );
    const bad = await call("POST", "/api/admin/user/setting", { id: "Ym9i", name: "bob", version_no: 1, attributes: { uidNumber: "x" } });
    expect(bad.response.message).toBe("attributes.uidNumber must be a long.");
    await call("DELETE", "/api/admin/group/setting/c3RhZmY=");
    expect((await call("GET", "/api/admin/user/setting/Ym9i")).response.setting).toMatchObject({ groups: [] });
  });

  it("answers auth failures the same way, with the 14.x version", async () => {
    const answer = await call("GET", "/api/admin/user/settings", undefined, { token: "wrong" });
    expect(answer.http).toBe(200);
    expect(answer.response).toEqual({ message: "Unauthorized request.", version: "14.19", status: 3 });
  });
});
