import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxAdmin, type LoggedRequest, type Sandbox } from "../../sandbox";
import { FESS_PRODUCT_VERSIONS, createFessSandbox, type FessAccessToken, type FessMajorVersion, type FessState } from "../../sandbox/fess";
import { ensureVenv } from "../support/python";

/**
 * Fess's own admin CLI drives the sandbox. fessctl is configured only through
 * its environment: FESS_ENDPOINT (the server root), FESS_ACCESS_TOKEN (sent as
 * `Authorization: Bearer`) and FESS_VERSION, whose major picks the verbs (≤14:
 * PUT creates, POST updates). It exits with the envelope's status when that is
 * not 0, so its exit code is the API's status code.
 *
 * fessctl 0.4.0 requires Python ≥ 3.13, hence its own venv. If it cannot be
 * installed, beforeAll throws and every test here fails: never a skip.
 */
const FESSCTL = "fessctl==0.4.0";

/** What fessctl 0.4.0 is told for each mode: a full x.y.z, as its parser needs. */
const FESSCTL_VERSION: Readonly<Record<FessMajorVersion, string>> = { "15": "15.7.0", "14": "14.19.2" };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let fessctl: string;
let venvPython: string;

beforeAll(() => {
  const { bin, python } = ensureVenv([FESSCTL], { python: "3.13" });
  venvPython = python;
  fessctl = join(bin, "fessctl");
  if (!existsSync(fessctl)) throw new Error(`${FESSCTL} installed, but ${fessctl} is missing`);
}, 600_000);

describe.each(["15", "14"] as const)("fessctl against the Fess %s.x sandbox", (major) => {
  let sandbox: Sandbox<FessState>;
  let admin: SandboxAdmin;
  const createVerb = major === "14" ? "PUT" : "POST";
  const updateVerb = major === "14" ? "POST" : "PUT";

  beforeAll(async () => {
    sandbox = await createFessSandbox({ version: major }).start();
    admin = new SandboxAdmin(sandbox.url);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  function run(args: readonly string[], token = sandbox.credentials.token ?? ""): Promise<Run> {
    const env = {
      ...process.env,
      FESS_ENDPOINT: sandbox.url,
      FESS_ACCESS_TOKEN: token,
      FESS_VERSION: FESSCTL_VERSION[major],
      NO_COLOR: "1",
      TERM: "dumb",
      COLUMNS: "200",
    };
    return new Promise((resolve, reject) => {
      execFile(fessctl, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });
  }

  /** `-o json` prints the server's answer; fessctl exits non-zero when its status is. */
  async function runJson(args: readonly string[], token?: string): Promise<{ code: number; response: Record<string, unknown> }> {
    const { code, stdout, stderr } = await run([...args, "-o", "json"], token);
    try {
      return { code, response: (JSON.parse(stdout) as { response: Record<string, unknown> }).response };
    } catch {
      throw new Error(`fessctl ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
    }
  }

  async function writes(): Promise<string[]> {
    const { entries } = await admin.requests();
    return entries.filter((e: LoggedRequest) => e.method !== "GET").map((e) => `${e.method} ${e.path}`);
  }

  it("runs the pinned fessctl", async () => {
    const version = await new Promise<string>((resolve, reject) =>
      execFile(venvPython, ["-c", "import importlib.metadata as m; print(m.version('fessctl'))"], (error, stdout) =>
        error ? reject(error) : resolve(stdout.trim()),
      ),
    );
    expect(`fessctl==${version}`).toBe(FESSCTL);
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("role");
  });

  describe("roles", () => {
    it("lists the seeded roles, as a table and as JSON", async () => {
      const table = await run(["role", "list"]);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain("| YWRtaW4= | admin |  | -1 |");
      expect(table.stdout).toContain("| Z3Vlc3Q= | guest |  | -1 |");
      const { code, response } = await runJson(["role", "list"]);
      expect(code).toBe(0);
      expect(response).toMatchObject({ total: 2, status: 0, version: FESS_PRODUCT_VERSIONS[major] });
    });

    it("creates, gets, updates and deletes a role", async () => {
      const created = await run(["role", "create", "editor", "-a", "team=docs"]);
      expect(created.code).toBe(0);
      expect(created.stdout).toContain("Role 'editor' created successfully with ID: ZWRpdG9y.");
      expect(sandbox.state.roles.ZWRpdG9y).toEqual({ name: "editor", attributes: { team: "docs" } });

      const got = await runJson(["role", "get", "ZWRpdG9y"]);
      expect(got.response.setting).toEqual({ id: "ZWRpdG9y", version_no: -1, name: "editor", attributes: { team: "docs" } });
      const byName = await run(["role", "getbyname", "editor"]);
      expect(byName.stdout).toContain("| Attributes | team=docs |");

      // fessctl sends back what it read (version_no -1 included) plus crud_mode, updated_by, updated_time.
      const updated = await run(["role", "update", "ZWRpdG9y", "-a", "team=web", "-a", "tier=2"]);
      expect(updated.code).toBe(0);
      expect(updated.stdout).toContain("Role 'ZWRpdG9y' updated successfully.");
      expect(sandbox.state.roles.ZWRpdG9y).toEqual({ name: "editor", attributes: { team: "web", tier: "2" } });

      const deleted = await run(["role", "delete", "ZWRpdG9y"]);
      expect(deleted.code).toBe(0);
      expect(sandbox.state.roles.ZWRpdG9y).toBeUndefined();

      expect(await writes()).toEqual([
        `${createVerb} /api/admin/role/setting`,
        `${updateVerb} /api/admin/role/setting`,
        "DELETE /api/admin/role/setting/ZWRpdG9y",
      ]);
    });

    it("reports a missing role with the API's message and exits with its status 1", async () => {
      const got = await run(["role", "get", "bm9uZQ=="]);
      expect(got.code).toBe(1);
      expect(got.stdout).toContain("The data bm9uZQ== is not found. Status code: 1");
      expect((await run(["role", "delete", "bm9uZQ=="])).code).toBe(1);
      expect((await run(["role", "update", "bm9uZQ=="])).code).toBe(1);
    });

    it("pages through the JSON body it sends with GET", async () => {
      for (const name of ["r1", "r2", "r3"]) expect((await run(["role", "create", name])).code).toBe(0);
      // Sorted by name: admin, guest, r1, r2, r3.
      const page = await runJson(["role", "list", "--size", "2", "--page", "2"]);
      expect(page.response.total).toBe(5);
      expect((page.response.settings as { name: string }[]).map((s) => s.name)).toEqual(["r1", "r2"]);
      const last = await runJson(["role", "list", "--size", "2", "--page", "3"]);
      expect((last.response.settings as { name: string }[]).map((s) => s.name)).toEqual(["r3"]);
    });
  });

  describe("groups", () => {
    it("creates, updates and deletes a group, and the delete strips it from users", async () => {
      expect((await run(["group", "create", "staff", "-a", "gidNumber=1000"])).code).toBe(0);
      expect(sandbox.state.groups["c3RhZmY="]).toEqual({ name: "staff", attributes: { gidNumber: "1000" } });
      expect((await run(["user", "create", "bob", "s3cret", "-g", "c3RhZmY="])).code).toBe(0);

      expect((await run(["group", "update", "c3RhZmY=", "-a", "gidNumber=2000"])).code).toBe(0);
      expect(sandbox.state.groups["c3RhZmY="]?.attributes).toEqual({ gidNumber: "2000" });
      const got = await runJson(["group", "get", "c3RhZmY="]);
      expect(got.response.setting).toEqual({ id: "c3RhZmY=", version_no: -1, name: "staff", attributes: { gidNumber: "2000" } });

      expect((await run(["group", "delete", "c3RhZmY="])).code).toBe(0);
      expect(sandbox.state.groups["c3RhZmY="]).toBeUndefined();
      expect(sandbox.state.users.Ym9i?.groups).toEqual([]);
    });

    it("relays the gidNumber validation message and exits 1", async () => {
      const bad = await run(["group", "create", "staff", "-a", "gidNumber=abc"]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("attributes.gidNumber must be a long.");
      expect(sandbox.state.groups).toEqual({});
    });
  });

  describe("users", () => {
    it("creates a user with roles, groups and attributes, and lists it", async () => {
      expect((await run(["role", "create", "editor"])).code).toBe(0);
      const created = await run(["user", "create", "bob", "s3cret", "-r", "ZWRpdG9y", "-g", "c3RhZmY=", "-a", "mail=bob@example.org"]);
      expect(created.code).toBe(0);
      expect(created.stdout).toContain("User 'bob' created successfully with ID: Ym9i.");
      expect(sandbox.state.users.Ym9i).toMatchObject({
        name: "bob",
        attributes: { mail: "bob@example.org" },
        roles: ["ZWRpdG9y"],
        groups: ["c3RhZmY="],
      });
      expect(await admin.op("verifyPassword", { name: "bob", password: "s3cret" })).toEqual({ ok: true });

      const listed = await runJson(["user", "list"]);
      expect(listed.response.total).toBe(2);
      expect(listed.response.settings).toContainEqual({
        id: "Ym9i",
        version_no: -1,
        name: "bob",
        attributes: { mail: "bob@example.org" },
        roles: ["ZWRpdG9y"],
        groups: ["c3RhZmY="],
      });
      const table = await run(["user", "get", "Ym9i"]);
      expect(table.stdout).toContain("| Roles | ZWRpdG9y |");
    });

    it("updates a user's password, roles and attributes, keeping the password when not given", async () => {
      expect((await run(["user", "create", "bob", "first", "-r", "YWRtaW4="])).code).toBe(0);
      expect((await run(["user", "update", "Ym9i", "-r", "Z3Vlc3Q=", "-a", "uidNumber=1001"])).code).toBe(0);
      expect(sandbox.state.users.Ym9i).toMatchObject({ roles: ["Z3Vlc3Q="], attributes: { uidNumber: "1001" } });
      expect(await admin.op("verifyPassword", { id: "Ym9i", password: "first" })).toEqual({ ok: true });

      expect((await run(["user", "update", "Ym9i", "--password", "second"])).code).toBe(0);
      expect(await admin.op("verifyPassword", { id: "Ym9i", password: "second" })).toEqual({ ok: true });
      expect(sandbox.state.users.Ym9i?.roles).toEqual(["Z3Vlc3Q="]);
    });

    it("relays the uidNumber validation of an update and exits 1", async () => {
      expect((await run(["user", "create", "bob", "pw"])).code).toBe(0);
      const bad = await run(["user", "update", "Ym9i", "-a", "uidNumber=abc"]);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain("attributes.uidNumber must be a long.");
    });

    it("exits 2 when an empty password makes it omit the field: the server's 500", async () => {
      // fessctl drops a falsy password from the body, and Fess fails hashing null.
      const created = await run(["user", "create", "nopw", ""]);
      expect(created.code).toBe(2);
      expect(created.stdout).toMatch(/error_code:[0-9a-f-]{36} Status code: 2/);
      expect(sandbox.state.users["bm9wdw=="]).toBeUndefined();
    });

    it("deletes a user", async () => {
      expect((await run(["user", "create", "bob", "pw"])).code).toBe(0);
      const deleted = await run(["user", "delete", "Ym9i"]);
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toContain("User with ID 'Ym9i' deleted successfully.");
      expect(Object.keys(sandbox.state.users)).toEqual(["YWRtaW4="]);
      expect((await run(["user", "getbyname", "bob"])).code).toBe(1);
    });
  });

  describe("tokens", () => {
    it("exits 3 with `Unauthorized request.` for a wrong or an under-privileged token", async () => {
      const guest = await admin.op<FessAccessToken>("underPrivilegedToken");
      for (const token of ["wrong", guest.token]) {
        const listed = await run(["role", "list"], token);
        expect(listed.code).toBe(3);
        expect(listed.stdout).toContain("Unauthorized request. Status code: 3");
        expect((await run(["role", "create", "intruder"], token)).code).toBe(3);
      }
      expect(Object.values(sandbox.state.roles).map((r) => r.name)).toEqual(["admin", "guest"]);
    });
  });
});
