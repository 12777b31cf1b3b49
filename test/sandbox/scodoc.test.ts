/**
 * The ScoDoc sandbox against the behaviours of reference/apis/scodoc.md that
 * a client relies on, spoken over real HTTP with Node's fetch (and, for the
 * official doc's two examples, with the curl binary).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox } from "../../sandbox/core/server";
import { createScodocSandbox, type RenderedUser, type ScodocSandboxOptions, type ScodocState } from "../../sandbox/scodoc";

interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

interface Departement {
  id: number;
  acronym: string;
  dept_name: string | null;
  description: string | null;
  visible: boolean;
  date_creation: string;
}

interface Role {
  id: number;
  role_name: string;
  permissions: string[];
}

interface ErrorBody {
  error: string;
  status: number;
  message: string;
}

interface CallOptions {
  readonly token?: string;
  readonly authorization?: string;
  readonly body?: unknown;
  /** Sent as is, for bodies that are not JSON. */
  readonly raw?: string;
}

/** A thin HTTP helper: no retries, no token renewal, nothing a real client would hide. */
class Http {
  constructor(readonly root: string) {}

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.authorization) headers.authorization = options.authorization;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.root + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }

  async login(userName: string, password: string): Promise<Answer<{ token: string }>> {
    return this.call("POST", "/ScoDoc/api/tokens", { authorization: basic(userName, password) });
  }

  async token(userName: string, password: string): Promise<string> {
    const answer = await this.login(userName, password);
    expect(answer.status, answer.text).toBe(200);
    return answer.body.token;
  }
}

/** Asynchronous on purpose: a synchronous child would block the event loop serving it. */
const run = promisify(execFile);

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** A client's reading of `roles_string`, exactly as the reference's §7 prescribes. */
function parseRolesString(s: string): { role: string; dept: string | null }[] {
  return s
    .split(",")
    .filter((item) => item !== "")
    .map((item) => {
      const underscore = item.indexOf("_");
      return { role: item.slice(0, underscore), dept: item.slice(underscore + 1) || null };
    });
}

const USER_KEYS = [
  "active",
  "cas_allow_login",
  "cas_allow_scodoc_login",
  "cas_id",
  "cas_last_login",
  "date_created",
  "date_expiration",
  "date_modif_passwd",
  "dept",
  "edt_id",
  "email",
  "email_institutionnel",
  "id",
  "last_seen",
  "nom",
  "nom_fmt",
  "nomcomplet",
  "nomplogin",
  "nomprenom",
  "prenom",
  "prenom_fmt",
  "prenomnom",
  "roles_string",
  "status_txt",
  "user_name",
];

const MODERN_PERMISSIONS = [
  "AbsAddBillet",
  "AbsChange",
  "AbsJustifView",
  "EditAllEvals",
  "EditAllNotes",
  "EditApogee",
  "EditFormSemestre",
  "EditFormation",
  "EditFormationTags",
  "EditPreferences",
  "EnsView",
  "Observateur",
  "ScoView",
  "EtudAddAnnotations",
  "EtudChangeAdr",
  "EtudChangeGroups",
  "EtudInscrit",
  "RelationsEntrepEdit",
  "RelationsEntrepExport",
  "RelationsEntrepSend",
  "RelationsEntrepValidate",
  "RelationsEntrepView",
  "RelationsEntrepViewCorrs",
  "ScoSuperAdmin",
  "UsersAdmin",
  "UsersChangeCASId",
  "UsersView",
];

const STRONG = "averycomplicatedpassaword";

let sandbox: Sandbox<ScodocState>;
let http: Http;
let admin: SandboxAdmin;
let adminToken: string;

beforeAll(async () => {
  sandbox = await createScodocSandbox().start();
  http = new Http(sandbox.url);
  admin = new SandboxAdmin(sandbox.url);
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(async () => {
  await admin.reset();
  adminToken = await http.token(sandbox.credentials.username, sandbox.credentials.password);
});

/** As the super-admin. */
function api<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  return http.call<T>(method, `/ScoDoc/api${path}`, { token: adminToken, ...(body === undefined ? {} : { body }) });
}

async function createUser(fields: Record<string, unknown>): Promise<RenderedUser> {
  const answer = await api<RenderedUser>("POST", "/user/create", fields);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

/** A user who can log in, holding the given grants, and a token of theirs. */
async function userWithGrants(
  userName: string,
  dept: string | null,
  grants: readonly { role: string; dept?: string }[],
): Promise<{ user: RenderedUser; token: string }> {
  const user = await createUser({ user_name: userName, dept, nom: userName });
  expect((await api("POST", `/user/${user.id}/password`, { password: STRONG })).status).toBe(200);
  for (const grant of grants) {
    const path = `/user/${user.id}/role/${grant.role}/add${grant.dept ? `/departement/${grant.dept}` : ""}`;
    expect((await api("POST", path)).status).toBe(200);
  }
  return { user, token: await http.token(userName, STRONG) };
}

async function createDept(acronym: string): Promise<Departement> {
  const answer = await api<Departement>("POST", "/departement/create", { acronym, visible: true });
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

function expectError(answer: Answer, status: number, message?: string | RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  const body = answer.body as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(["error", "message", "status"]);
  expect(body.status).toBe(status);
  expect(typeof body.error).toBe("string");
  if (message !== undefined) expect(body.message).toMatch(message);
}

describe("tokens", () => {
  it("issues a base64 token of 24 random bytes from HTTP Basic, and the same one while it has time left", async () => {
    const first = await http.login(sandbox.credentials.username, sandbox.credentials.password);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(["token"]);
    expect(first.body.token).toMatch(/^[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(first.body.token, "base64")).toHaveLength(24);
    // beforeEach already logged in: one token per user, handed out again.
    expect(first.body.token).toBe(adminToken);
  });

  it("answers 401 with the envelope and a Basic challenge for bad, unknown or missing credentials", async () => {
    for (const authorization of [basic("admin", "wrong"), basic("nobody", "x"), "Basic !!!", undefined]) {
      const answer = await http.call("POST", "/ScoDoc/api/tokens", authorization ? { authorization } : {});
      expectError(answer, 401);
      expect((answer.body as ErrorBody).error).toBe("Unauthorized");
      expect(answer.headers.get("www-authenticate")).toBe('Basic realm="Authentication Required"');
    }
  });

  it("refuses a login to an inactive user and to a user without a password", async () => {
    const noPassword = await createUser({ user_name: "nopass", dept: null });
    expectError(await http.login("nopass", ""), 401);
    expect((await api("POST", `/user/${noPassword.id}/password`, { password: STRONG })).status).toBe(200);
    expect((await http.login("nopass", STRONG)).status).toBe(200);
    expect((await api("POST", `/user/${noPassword.id}/edit`, { active: false })).status).toBe(200);
    expectError(await http.login("nopass", STRONG), 401);
  });

  it("answers 401 with a Bearer challenge without a valid token", async () => {
    for (const options of [{}, { token: "not-a-token" }, { authorization: basic("admin", sandbox.credentials.password) }]) {
      const answer = await http.call("GET", "/ScoDoc/api/departements", options);
      expectError(answer, 401);
      expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="Authentication Required"');
    }
  });

  it("revokes with DELETE /tokens: 204, empty body, the token dead, the next login a new token", async () => {
    const answer = await http.call("DELETE", "/ScoDoc/api/tokens", { token: adminToken });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expectError(await api("GET", "/departements"), 401);
    const renewed = await http.token(sandbox.credentials.username, sandbox.credentials.password);
    expect(renewed).not.toBe(adminToken);
    adminToken = renewed;
    expect((await api("GET", "/departements")).status).toBe(200);
  });

  it("expires a token out of band (op expireToken) so that a client's renewal on 401 can be tested", async () => {
    await admin.op("expireToken", { user_name: sandbox.credentials.username });
    expectError(await api("GET", "/departements"), 401, /expired|invalid/);
    const renewed = await http.token(sandbox.credentials.username, sandbox.credentials.password);
    expect(renewed).not.toBe(adminToken);
    adminToken = renewed;
    expect((await api("GET", "/roles")).status).toBe(200);
  });

  it("hands out the same token while more than 60 s remain, a new one below (op expireToken secondsLeft)", async () => {
    await admin.op("expireToken", { user_name: sandbox.credentials.username, secondsLeft: 61 });
    expect(await http.token(sandbox.credentials.username, sandbox.credentials.password)).toBe(adminToken);
    await admin.op("expireToken", { user_name: sandbox.credentials.username, secondsLeft: 59 });
    // Still valid for the API, but not handed out again.
    expect((await api("GET", "/roles")).status).toBe(200);
    const renewed = await http.token(sandbox.credentials.username, sandbox.credentials.password);
    expect(renewed).not.toBe(adminToken);
  });

  it("lets an inactive user's live token authenticate, and then forbids everything (403, not 401)", async () => {
    const { user, token } = await userWithGrants("leaving", null, [{ role: "Ens" }]);
    expect((await http.call("GET", "/ScoDoc/api/roles", { token })).status).toBe(200);
    expect((await api("POST", `/user/${user.id}/edit`, { active: false })).status).toBe(200);
    expectError(await http.call("GET", "/ScoDoc/api/roles", { token }), 403);
  });
});

describe("tokens on an injected clock", () => {
  let now = Date.parse("2025-01-06T08:00:00Z");
  let timed: Sandbox<ScodocState>;
  let timedHttp: Http;

  beforeAll(async () => {
    const options: ScodocSandboxOptions = { now: () => now, credentials: { password: "clock-test-password" } };
    timed = await createScodocSandbox(options).start();
    timedHttp = new Http(timed.url);
  });

  afterAll(async () => {
    await timed.stop();
  });

  it("lasts one hour, is reused until its last minute, and is replaced after", async () => {
    const token = await timedHttp.token("admin", "clock-test-password");
    now += 3600_000 - 61_000;
    expect(await timedHttp.token("admin", "clock-test-password")).toBe(token);
    now += 2_000;
    const second = await timedHttp.token("admin", "clock-test-password");
    expect(second).not.toBe(token);
    expectError(await timedHttp.call("GET", "/ScoDoc/api/roles", { token }), 401);
    expect((await timedHttp.call("GET", "/ScoDoc/api/roles", { token: second })).status).toBe(200);
    now += 3600_000 + 1;
    expectError(await timedHttp.call("GET", "/ScoDoc/api/roles", { token: second }), 401);
  });

  it("moves the clock forward with op advanceClock", async () => {
    const token = await timedHttp.token("admin", "clock-test-password");
    await new SandboxAdmin(timed.url).op("advanceClock", { seconds: 3601 });
    expectError(await timedHttp.call("GET", "/ScoDoc/api/roles", { token }), 401);
  });
});

describe("the official doc's curl examples", () => {
  it("gets a token with `curl -u user_name:password --request POST .../ScoDoc/api/tokens`", async () => {
    const { username, password } = sandbox.credentials;
    const { stdout } = await run("curl", ["-s", "-u", `${username}:${password}`, "--request", "POST", `${sandbox.url}/ScoDoc/api/tokens`]);
    const body = JSON.parse(stdout) as { token: string };
    expect(body.token).toBe(adminToken);
  });

  it("lists departements with the token as a Bearer header", async () => {
    const { stdout } = await run("curl", [
      "-s",
      "-i",
      `${sandbox.url}/ScoDoc/api/departements`,
      "-H",
      `Authorization: Bearer ${adminToken}`,
    ]);
    const [head = "", body = ""] = stdout.split(/\r\n\r\n/);
    expect(head).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(head).toMatch(/content-type: application\/json/i);
    const depts = JSON.parse(body) as Departement[];
    expect(depts).toHaveLength(1);
    const [tapi] = depts;
    expect(tapi).toMatchObject({ acronym: "TAPI", description: null, id: 1, visible: true });
    expect(Object.keys(tapi ?? {}).sort()).toEqual(["acronym", "date_creation", "dept_name", "description", "id", "visible"]);
    expect(Number.isNaN(Date.parse(tapi?.date_creation ?? ""))).toBe(false);
  });
});

describe("departements", () => {
  it("lists, lists ids, and reads by acronym and by id", async () => {
    const rt = await createDept("RT");
    expect(rt).toMatchObject({ acronym: "RT", visible: true, dept_name: null, description: null });
    expect(rt.date_creation).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
    expect((await api<Departement[]>("GET", "/departements")).body.map((d) => d.acronym)).toEqual(["TAPI", "RT"]);
    expect((await api<number[]>("GET", "/departements_ids")).body).toEqual([1, rt.id]);
    expect((await api("GET", "/departement/RT")).body).toEqual(rt);
    expect((await api("GET", `/departement/id/${rt.id}`)).body).toEqual(rt);
    expectError(await api("GET", "/departement/NOPE"), 404);
    expectError(await api("GET", "/departement/id/999"), 404);
  });

  it("routes /departement/id/<int> like Flask: a non-integer id matches nothing, before authentication", async () => {
    expectError(await http.call("GET", "/ScoDoc/api/departement/id/abc"), 404);
    expectError(await http.call("GET", "/ScoDoc/api/user/abc"), 404);
  });

  it("creates with ScoDoc's acronym rules: unique, exact case, < 32 characters, ^[\\w@\\\\\\-\\.]+$", async () => {
    expect((await api<Departement>("POST", "/departement/create", { acronym: "GEII" })).body.visible).toBe(true);
    expectError(await api("POST", "/departement/create", { acronym: "GEII" }), 404, /existant/);
    // Exact, case-sensitive matching: a different case is a different departement.
    expect((await api("POST", "/departement/create", { acronym: "geii" })).status).toBe(200);
    expect((await api("POST", "/departement/create", { acronym: "A".repeat(31) })).status).toBe(200);
    expectError(await api("POST", "/departement/create", { acronym: "B".repeat(32) }), 404);
    for (const acronym of ["R T", "a/b", "x,y", "é!"]) expectError(await api("POST", "/departement/create", { acronym }), 404);
    for (const acronym of ["Génie_Élec", "a@b.c-d\\e"]) expect((await api("POST", "/departement/create", { acronym })).status).toBe(200);
    expectError(await api("POST", "/departement/create", {}), 400, /acronym/);
    expectError(await api("POST", "/departement/create", { acronym: "" }), 400);
    expect((await api<Departement>("POST", "/departement/create", { acronym: "HIDDEN", visible: false })).body.visible).toBe(false);
  });

  it("answers 400 with the envelope for a body that is not JSON", async () => {
    const answer = await http.call("POST", "/ScoDoc/api/departement/create", { token: adminToken, raw: "{acronym:" });
    expectError(answer, 400);
    expect((answer.body as ErrorBody).error).toBe("Bad Request");
    expectError(await http.call("POST", "/ScoDoc/api/departement/create", { token: adminToken, raw: "[1]" }), 400);
  });

  it("edits only `visible`, and reads a missing `visible` as false", async () => {
    await createDept("MMI");
    expect((await api<Departement>("POST", "/departement/MMI/edit", { visible: false })).body.visible).toBe(false);
    expect((await api<Departement>("POST", "/departement/MMI/edit", { visible: true, acronym: "X" })).body).toMatchObject({
      acronym: "MMI",
      visible: true,
    });
    expect((await api<Departement>("POST", "/departement/MMI/edit", {})).body.visible).toBe(false);
    expectError(await api("POST", "/departement/NOPE/edit", { visible: true }), 404);
  });

  it("deletes a departement with its students, leaving grants and home departements dangling", async () => {
    const info = await createDept("INFO");
    const { ids } = await admin.op<{ ids: number[] }>("addStudents", { acronym: "INFO", count: 3 });
    expect(ids).toHaveLength(3);
    const students = await api<{ id: number; dept_id: number; nom: string }[]>("GET", "/departement/INFO/etudiants");
    expect(students.body.map((s) => s.id)).toEqual(ids);
    expect(students.body.every((s) => s.dept_id === info.id)).toBe(true);
    expect((await api<unknown[]>("GET", `/departement/id/${info.id}/etudiants`)).body).toHaveLength(3);

    const user = await createUser({ user_name: "prof", dept: "INFO" });
    await api("POST", `/user/${user.id}/role/Ens/add/departement/INFO`);

    expect((await api("POST", "/departement/INFO/delete")).body).toEqual({ OK: true });
    expectError(await api("GET", "/departement/INFO"), 404);
    expectError(await api("GET", "/departement/INFO/etudiants"), 404);
    const state = await admin.state<ScodocState>();
    expect(state.etudiants.filter((e) => e.dept_id === info.id)).toEqual([]);
    const after = (await api<RenderedUser>("GET", `/user/${user.id}`)).body;
    expect(after.dept).toBe("INFO");
    expect(after.roles_string).toBe("Ens_INFO");
    // And the departement-scoped removal can no longer name it.
    expectError(await api("POST", `/user/${user.id}/role/Ens/remove/departement/INFO`), 404);
  });
});

describe("roles and permissions", () => {
  it("lists the 27 modern permission names", async () => {
    const answer = await api<string[]>("GET", "/permissions");
    expect(answer.status).toBe(200);
    expect([...answer.body].sort()).toEqual([...MODERN_PERMISSIONS].sort());
    expect(answer.body[0]).toBe("ScoSuperAdmin");
  });

  it("seeds the default roles of §5 with modern names, SuperAdmin holding everything", async () => {
    const roles = (await api<Role[]>("GET", "/roles")).body;
    expect(roles.map((r) => [r.id, r.role_name])).toEqual([
      [1, "Observateur"],
      [2, "Ens"],
      [3, "Secr"],
      [4, "Admin"],
      [5, "RespPe"],
      [6, "ObservateurEntreprise"],
      [7, "UtilisateurEntreprise"],
      [8, "AdminEntreprise"],
      [9, "SuperAdmin"],
    ]);
    const byName = new Map(roles.map((r) => [r.role_name, r]));
    expect(byName.get("SuperAdmin")?.permissions).toHaveLength(27);
    expect(byName.get("Observateur")?.permissions).toEqual(["Observateur"]);
    expect(byName.get("Admin")?.permissions).toContain("UsersAdmin");
    expect(byName.get("Secr")?.permissions).not.toContain("UsersAdmin");
    expect(byName.get("Ens")?.permissions).toContain("UsersView");
    expect((await api("GET", "/role/Ens")).body).toEqual(byName.get("Ens"));
    expectError(await api("GET", "/role/ens"), 404);
  });

  it("speaks the legacy Sco* names when asked to", async () => {
    const legacy = await createScodocSandbox({ permissionScheme: "legacy" }).start();
    try {
      const legacyHttp = new Http(legacy.url);
      const token = await legacyHttp.token(legacy.credentials.username, legacy.credentials.password);
      const permissions = (await legacyHttp.call<string[]>("GET", "/ScoDoc/api/permissions", { token })).body;
      expect(permissions).toContain("ScoUsersAdmin");
      expect(permissions).not.toContain("UsersAdmin");
      const ens = (await legacyHttp.call<Role>("GET", "/ScoDoc/api/role/Ens", { token })).body;
      expect(ens.permissions).toContain("ScoEntrepriseView");
      expectError(await legacyHttp.call("POST", "/ScoDoc/api/role/create/X", { token, body: { permissions: ["UsersView"] } }), 404);
    } finally {
      await legacy.stop();
    }
  });

  it("creates a role with permissions listed in bit order, whatever order they were sent in", async () => {
    const created = await api<Role>("POST", "/role/create/LecteurAPI", { permissions: ["UsersView", "ScoView"] });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: 10, role_name: "LecteurAPI", permissions: ["ScoView", "UsersView"] });
    expect((await api("GET", "/role/LecteurAPI")).body).toEqual(created.body);
    // The body is optional.
    const bare = await http.call<Role>("POST", "/ScoDoc/api/role/create/Vide", { token: adminToken });
    expect(bare.body).toMatchObject({ role_name: "Vide", permissions: [] });
  });

  it("refuses duplicate, badly named and unknown-permission roles, and creates nothing then", async () => {
    expectError(await api("POST", "/role/create/Ens", {}), 404, /exists/);
    // Case-sensitive names: "ens" is not "Ens".
    expect((await api("POST", "/role/create/ens", {})).status).toBe(200);
    for (const name of ["Bad_Name", "a,b", "with-dash", "R".repeat(65)]) {
      expectError(await api("POST", `/role/create/${encodeURIComponent(name)}`, {}), 404);
    }
    expect((await api("POST", `/role/create/${"R".repeat(64)}`, {})).status).toBe(200);
    expectError(await api("POST", "/role/create/Ghost", { permissions: ["ScoView", "NoSuchPermission"] }), 404);
    expectError(await api("GET", "/role/Ghost"), 404);
    expectError(await api("POST", "/role/create/Ghost", { permissions: "ScoView" }), 400);
  });

  it("edits at /role/<name>/edit: permissions replace the set, rename by role_name or by name", async () => {
    await api("POST", "/role/create/Lecteur", { permissions: ["ScoView", "UsersView"] });
    expect((await api<Role>("POST", "/role/Lecteur/edit", { permissions: ["Observateur"] })).body.permissions).toEqual(["Observateur"]);
    const renamed = await api<Role>("POST", "/role/Lecteur/edit", { role_name: "LecteurAPI" });
    expect(renamed.body).toMatchObject({ role_name: "LecteurAPI", permissions: ["Observateur"] });
    expectError(await api("GET", "/role/Lecteur"), 404);
    // The official doc's example body uses "name".
    expect((await api<Role>("POST", "/role/LecteurAPI/edit", { name: "LaveurDeVitres", permissions: ["ScoView"] })).body).toMatchObject({
      role_name: "LaveurDeVitres",
      permissions: ["ScoView"],
    });
    // The doc's typo route does not exist.
    expectError(await api("POST", "/role/edit/LaveurDeVitres", {}), 404);
  });

  it("changes nothing when an edit is invalid in any part", async () => {
    await api("POST", "/role/create/Lecteur", { permissions: ["ScoView"] });
    expectError(await api("POST", "/role/Lecteur/edit", { role_name: "Ens", permissions: ["UsersView"] }), 404);
    expectError(await api("POST", "/role/Lecteur/edit", { role_name: "Other", permissions: ["Nope"] }), 404);
    expectError(await api("POST", "/role/Lecteur/edit", { role_name: "Bad_Name" }), 404);
    expect((await api("GET", "/role/Lecteur")).body).toMatchObject({ role_name: "Lecteur", permissions: ["ScoView"] });
    expectError(await api("POST", "/role/Nope/edit", { permissions: [] }), 404);
  });

  it("adds and removes single permissions, idempotently, 404 on an unknown role or permission", async () => {
    await api("POST", "/role/create/Lecteur", {});
    expect((await api<Role>("POST", "/role/Lecteur/add_permission/UsersView")).body.permissions).toEqual(["UsersView"]);
    expect((await api<Role>("POST", "/role/Lecteur/add_permission/ScoView")).body.permissions).toEqual(["ScoView", "UsersView"]);
    expect((await api<Role>("POST", "/role/Lecteur/add_permission/ScoView")).body.permissions).toEqual(["ScoView", "UsersView"]);
    expect((await api<Role>("POST", "/role/Lecteur/remove_permission/ScoView")).body.permissions).toEqual(["UsersView"]);
    expect((await api<Role>("POST", "/role/Lecteur/remove_permission/ScoView")).body.permissions).toEqual(["UsersView"]);
    expectError(await api("POST", "/role/Lecteur/add_permission/ScoUsersView"), 404);
    expectError(await api("POST", "/role/Lecteur/remove_permission/Nope"), 404);
    expectError(await api("POST", "/role/Nope/add_permission/ScoView"), 404);
  });

  it("deletes a role and, in cascade, every grant of it", async () => {
    await api("POST", "/role/create/Lecteur", { permissions: ["ScoView"] });
    const user = await createUser({ user_name: "reader", dept: "TAPI" });
    await api("POST", `/user/${user.id}/role/Lecteur/add/departement/TAPI`);
    await api("POST", `/user/${user.id}/role/Ens/add`);
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("Lecteur_TAPI,Ens_");
    expect((await api("POST", "/role/Lecteur/delete")).body).toEqual({ OK: true });
    expectError(await api("GET", "/role/Lecteur"), 404);
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("Ens_");
    expectError(await api("POST", "/role/Lecteur/delete"), 404);
  });

  it("keeps grants across a rename: they refer to the role, so roles_string shows the new name", async () => {
    await api("POST", "/role/create/Lecteur", { permissions: ["ScoView"] });
    const user = await createUser({ user_name: "reader", dept: "TAPI" });
    await api("POST", `/user/${user.id}/role/Lecteur/add/departement/TAPI`);
    await api("POST", "/role/Lecteur/edit", { role_name: "LecteurAPI" });
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("LecteurAPI_TAPI");
  });
});

describe("users", () => {
  it("creates from the doc's sample request and answers the full user object, never the password", async () => {
    const user = await createUser({ user_name: "alain", dept: null, nom: "alain", prenom: "bruno", active: true, password: STRONG });
    expect(Object.keys(user)).toEqual(USER_KEYS);
    expect(user).toMatchObject({
      user_name: "alain",
      dept: null,
      nom: "alain",
      prenom: "bruno",
      active: true,
      status_txt: "actif",
      roles_string: "",
      email: "",
      email_institutionnel: "",
      cas_id: null,
      cas_allow_login: false,
      cas_allow_scodoc_login: false,
      date_expiration: null,
      edt_id: null,
      nom_fmt: "Alain",
      prenom_fmt: "Bruno",
      nomplogin: "ALAIN Bruno (alain)",
      nomprenom: "Alain B.",
      prenomnom: "B. Alain",
      nomcomplet: "Bruno Alain",
    });
    expect(user.date_created).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(JSON.stringify(user)).not.toContain(STRONG);
    expect(JSON.stringify(user)).not.toMatch(/password_hash|token/);
    expect((await api("GET", `/user/${user.id}`)).body).toEqual(user);
    // A password given at creation is usable (9.0's from_dict).
    expect((await http.login("alain", STRONG)).status).toBe(200);
  });

  it("computes the display names as ScoDoc does", async () => {
    const jc = await createUser({ user_name: "jcd", dept: null, nom: "de la fontaine", prenom: "jean-christophe" });
    expect(jc).toMatchObject({
      nom_fmt: "De La Fontaine",
      prenom_fmt: "Jean-Christophe",
      nomplogin: "DE LA FONTAINE Jean-Christophe (jcd)",
      nomprenom: "De La Fontaine J.-C.",
      prenomnom: "J.-C. De La Fontaine",
    });
    expect((await createUser({ user_name: "ch", dept: null, nom: "Martin", prenom: "CHARLES" })).nomprenom).toBe("Martin Ch.");
    const bare = await createUser({ user_name: "bare.login", dept: null });
    expect(bare).toMatchObject({
      nom: "",
      prenom: "",
      nom_fmt: "bare.login",
      nomplogin: "BARE.LOGIN  (bare.login)",
      nomprenom: "bare.login",
    });
  });

  it("validates user_name and dept with ScoDoc's codes", async () => {
    expectError(await api("POST", "/user/create", { dept: null }), 404, /empty user_name/);
    expectError(await api("POST", "/user/create", { user_name: "" }), 404, /empty user_name/);
    await createUser({ user_name: "dup", dept: null });
    expectError(await api("POST", "/user/create", { user_name: "dup" }), 404, /already exists/);
    // Exact, case-sensitive: "Dup" is another login.
    expect((await api("POST", "/user/create", { user_name: "Dup" })).status).toBe(200);
    for (const userName of ["with space", "a,b", "é", "x/y", "u".repeat(65)]) {
      expectError(await api("POST", "/user/create", { user_name: userName }), 404);
    }
    expect((await api("POST", "/user/create", { user_name: "a-b_c.d@e\\f" })).status).toBe(200);
    expect((await api("POST", "/user/create", { user_name: "u".repeat(64) })).status).toBe(200);
    expectError(await api("POST", "/user/create", { user_name: "lost", dept: "NOPE" }), 404);
    expect((await createUser({ user_name: "everywhere", dept: "@all" })).dept).toBeNull();
    expect((await createUser({ user_name: "tapi", dept: "TAPI" })).dept).toBe("TAPI");
    expectError(await api("POST", "/user/create", { user_name: "typed", active: "yes" }), 400);
  });

  it("edits every field but user_name", async () => {
    await createDept("RT");
    const user = await createUser({ user_name: "edited", dept: "TAPI", nom: "Avant" });
    const edited = await api<RenderedUser>("POST", `/user/${user.id}/edit`, {
      user_name: "renamed",
      nom: "Après",
      prenom: "Marie Odile",
      dept: "RT",
      active: false,
      email: "m@example.org",
      email_institutionnel: "m@univ.example",
      edt_id: "E42",
      date_expiration: "2030-06-30T00:00:00Z",
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({
      id: user.id,
      user_name: "edited",
      nom: "Après",
      prenomnom: "M. O. Après",
      dept: "RT",
      active: false,
      status_txt: "fermé",
      email: "m@example.org",
      email_institutionnel: "m@univ.example",
      edt_id: "E42",
    });
    expect(Date.parse(edited.body.date_expiration ?? "")).toBe(Date.parse("2030-06-30T00:00:00Z"));
    expectError(await api("POST", "/user/999/edit", { nom: "x" }), 404);
    expectError(await api("POST", `/user/${user.id}/edit`, { dept: "NOPE" }), 404);
    expectError(await api("POST", `/user/${user.id}/edit`, { date_expiration: "soon" }), 400);
  });

  it("rejects a weak password with exactly the doc's 400 body, and accepts a strong one", async () => {
    const user = await createUser({ user_name: "pw", dept: null });
    for (const password of ["short1", "aaaaaaaaaa", "abababab12", "abcdefghij", "password", "Password123!", "motdepasse2024"]) {
      const answer = await api("POST", `/user/${user.id}/password`, { password });
      expect(answer.status, password).toBe(400);
      expect(answer.body).toEqual({ error: "Bad Request", status: 400, message: "user_password: invalid password" });
    }
    expectError(await api("POST", `/user/${user.id}/password`, {}), 404);
    const accepted = await api<RenderedUser>("POST", `/user/${user.id}/password`, { password: STRONG });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user_name).toBe("pw");
    expect((await http.login("pw", STRONG)).status).toBe(200);
    expectError(await api("POST", `/user/999/password`, { password: STRONG }), 404);
  });

  it("queries by departement, active flag and a case-insensitive prefix of nom, sorted by user_name", async () => {
    await createDept("RT");
    await createUser({ user_name: "zoe", dept: "RT", nom: "Martin" });
    await createUser({ user_name: "adam", dept: "RT", nom: "martinez" });
    await createUser({ user_name: "bob", dept: "TAPI", nom: "Marteau", active: false });
    await createUser({ user_name: "martin", dept: "TAPI", nom: "Durand" });
    const names = async (query: string) => (await api<RenderedUser[]>("GET", `/users/query${query}`)).body.map((u) => u.user_name);
    expect(await names("")).toEqual(["adam", "admin", "bob", "martin", "zoe"]);
    expect(await names("?departement=RT")).toEqual(["adam", "zoe"]);
    expect(await names("?active=0")).toEqual(["bob"]);
    expect(await names("?active=1&departement=TAPI")).toEqual(["martin"]);
    // A prefix of nom, not of user_name: "martin" the login is not found.
    expect(await names("?starts_with=MART")).toEqual(["adam", "bob", "zoe"]);
    expect(await names("?starts_with=martin")).toEqual(["adam", "zoe"]);
    expect(await names("?departement=NOPE")).toEqual([]);
  });

  it("adds and removes role grants with and without a departement, rendering roles_string like ScoDoc", async () => {
    await createDept("GEII");
    const user = await createUser({ user_name: "granted", dept: "TAPI" });
    const grant = async (path: string) => {
      const answer = await api<RenderedUser>("POST", `/user/${user.id}/role/${path}`);
      expect(answer.status, answer.text).toBe(200);
      return answer.body.roles_string;
    };
    expect(await grant("Secr/add/departement/GEII")).toBe("Secr_GEII");
    expect(await grant("Ens/add/departement/TAPI")).toBe("Secr_GEII,Ens_TAPI");
    // Insertion order, no space after the comma, an empty departement for a global grant.
    expect(await grant("Admin/add")).toBe("Secr_GEII,Ens_TAPI,Admin_");
    // Adding an existing grant changes nothing.
    expect(await grant("Ens/add/departement/TAPI")).toBe("Secr_GEII,Ens_TAPI,Admin_");
    expect(await grant("Ens/remove/departement/TAPI")).toBe("Secr_GEII,Admin_");
    // The global remove only removes the global grant.
    expect(await grant("Secr/remove")).toBe("Secr_GEII,Admin_");
    expect(await grant("Admin/remove")).toBe("Secr_GEII");
    expect(await grant("Ens/remove")).toBe("Secr_GEII");
    expectError(await api("POST", `/user/${user.id}/role/Nope/add`), 404);
    expectError(await api("POST", `/user/999/role/Ens/add`), 404);
    expectError(await api("POST", `/user/${user.id}/role/Ens/add/departement/NOPE`), 404);
    expectError(await api("POST", `/user/${user.id}/role/Ens/remove/departement/NOPE`), 404);
  });

  it("renders roles_string so that the reference's parsing rule reads it back, underscores in acronyms included", async () => {
    await createDept("GE_II");
    await createDept("R-T.2");
    const user = await createUser({ user_name: "parsed", dept: null });
    await api("POST", `/user/${user.id}/role/RespPe/add/departement/GE_II`);
    await api("POST", `/user/${user.id}/role/SuperAdmin/add`);
    await api("POST", `/user/${user.id}/role/Observateur/add/departement/R-T.2`);
    const rendered = (await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string;
    expect(rendered).toBe("RespPe_GE_II,SuperAdmin_,Observateur_R-T.2");
    expect(parseRolesString(rendered)).toEqual([
      { role: "RespPe", dept: "GE_II" },
      { role: "SuperAdmin", dept: null },
      { role: "Observateur", dept: "R-T.2" },
    ]);
    expect(parseRolesString("")).toEqual([]);
  });

  it("replaces every grant with a roles_string edit, all or nothing", async () => {
    const user = await createUser({ user_name: "bulk", dept: null });
    await api("POST", `/user/${user.id}/role/Ens/add`);
    const replaced = await api<RenderedUser>("POST", `/user/${user.id}/edit`, { roles_string: "Secr_TAPI,Admin_" });
    expect(replaced.body.roles_string).toBe("Secr_TAPI,Admin_");
    expectError(await api("POST", `/user/${user.id}/edit`, { roles_string: "Secr_TAPI,Nope_" }), 404);
    expectError(await api("POST", `/user/${user.id}/edit`, { roles_string: "NoUnderscore" }), 404);
    // No trimming: " Admin" is not a role.
    expectError(await api("POST", `/user/${user.id}/edit`, { roles_string: "Secr_TAPI, Admin_" }), 404);
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("Secr_TAPI,Admin_");
    expect((await api<RenderedUser>("POST", `/user/${user.id}/edit`, { roles_string: "" })).body.roles_string).toBe("");
  });
});

describe("permission enforcement (has_permission with departement-scoped and global grants)", () => {
  it("gives a departement-scoped grant no power under /ScoDoc/api", async () => {
    const { token } = await userWithGrants("deptadmin", "TAPI", [{ role: "Admin", dept: "TAPI" }]);
    const as = (method: string, path: string, body?: unknown) =>
      http.call(method, `/ScoDoc/api${path}`, { token, ...(body === undefined ? {} : { body }) });
    expectError(await as("POST", "/role/create/Mine", { permissions: ["ScoView"] }), 403);
    expectError(await as("POST", "/user/create", { user_name: "x", dept: "TAPI" }), 403);
    expectError(await as("POST", "/departement/create", { acronym: "MINE" }), 403);
    expectError(await as("GET", "/roles"), 403);
    expectError(await as("GET", "/departements"), 403);
    expectError(await api("GET", "/role/Mine"), 404);
  });

  it("lets a global UsersView read roles and users, but not change them", async () => {
    const { token, user } = await userWithGrants("teacher", "TAPI", [{ role: "Ens" }]);
    const as = (method: string, path: string, body?: unknown) =>
      http.call(method, `/ScoDoc/api${path}`, { token, ...(body === undefined ? {} : { body }) });
    expect((await as("GET", "/roles")).status).toBe(200);
    expect((await as("GET", "/permissions")).status).toBe(200);
    expect((await as("GET", `/user/${user.id}`)).status).toBe(200);
    expect((await as("GET", "/departements")).status).toBe(200);
    expectError(await as("POST", "/role/create/Mine", {}), 403);
    expectError(await as("POST", "/role/Ens/add_permission/UsersAdmin"), 403);
    expectError(await as("POST", `/user/${user.id}/role/SuperAdmin/add`), 403);
    expectError(await as("POST", `/user/${user.id}/edit`, { nom: "x" }), 403);
    expectError(await as("POST", "/departement/TAPI/delete"), 403);
  });

  it("confines a UsersAdmin of departement A to A's users under /ScoDoc/A/api", async () => {
    await createDept("B");
    const inB = await createUser({ user_name: "inb", dept: "B", nom: "Bee" });
    const inA = await createUser({ user_name: "ina", dept: "TAPI", nom: "Ahh" });
    const { token } = await userWithGrants("headofa", "TAPI", [{ role: "Admin", dept: "TAPI" }]);
    const inDept = (dept: string, method: string, path: string, body?: unknown) =>
      http.call(method, `/ScoDoc/${dept}/api${path}`, { token, ...(body === undefined ? {} : { body }) });

    expect((await inDept("TAPI", "POST", "/user/create", { user_name: "newa", dept: "TAPI" })).status).toBe(200);
    expectError(await inDept("TAPI", "POST", "/user/create", { user_name: "newb", dept: "B" }), 403);
    expectError(await inDept("TAPI", "POST", "/user/create", { user_name: "newall", dept: null }), 403);
    expect((await inDept("TAPI", "POST", `/user/${inA.id}/edit`, { nom: "Changed" })).status).toBe(200);
    expectError(await inDept("TAPI", "POST", `/user/${inB.id}/edit`, { nom: "Changed" }), 403);
    // Moving a user of A into B needs B too.
    expectError(await inDept("TAPI", "POST", `/user/${inA.id}/edit`, { dept: "B" }), 403);
    expectError(await inDept("TAPI", "POST", `/user/${inB.id}/password`, { password: STRONG }), 403);
    // The scope comes from the URL: the same grant means nothing under /ScoDoc/B/api.
    expectError(await inDept("B", "POST", `/user/${inB.id}/edit`, { nom: "Changed" }), 403);
    // Users of other departements are invisible, not forbidden.
    expect((await inDept("TAPI", "GET", `/user/${inA.id}`)).status).toBe(200);
    expectError(await inDept("TAPI", "GET", `/user/${inB.id}`), 404);
    const listed = (await inDept("TAPI", "GET", "/users/query")).body as RenderedUser[];
    expect(listed.map((u) => u.user_name)).toEqual(["headofa", "ina", "newa"]);
    // Roles and grants stay with the super-admin.
    expectError(await inDept("TAPI", "POST", `/user/${inA.id}/role/Ens/add/departement/TAPI`), 403);
    expectError(await inDept("NOPE", "GET", "/roles"), 404);
  });

  it("needs UsersChangeCASId for cas_id and ScoSuperAdmin for cas_allow_*", async () => {
    const target = await createUser({ user_name: "cas", dept: "TAPI" });
    const { token } = await userWithGrants("usersadmin", null, [{ role: "Admin" }]);
    const edit = (body: unknown) => http.call("POST", `/ScoDoc/api/user/${target.id}/edit`, { token, body });
    expect((await edit({ nom: "ok" })).status).toBe(200);
    expectError(await edit({ cas_id: "cas123" }), 403);
    expectError(await edit({ cas_allow_login: true }), 403);
    // Sending the current value is not a change.
    expect((await edit({ cas_id: null, cas_allow_login: false })).status).toBe(200);
    expectError(await edit({ roles_string: "SuperAdmin_" }), 403);
    const bySuperAdmin = await api<RenderedUser>("POST", `/user/${target.id}/edit`, { cas_id: "cas123", cas_allow_login: true });
    expect(bySuperAdmin.body).toMatchObject({ cas_id: "cas123", cas_allow_login: true });
  });
});

describe("the shared sandbox machinery", () => {
  afterEach(async () => {
    await admin.clearFaults();
  });

  it("answers unknown URLs with 404 and wrong methods with 405, before authentication", async () => {
    expectError(await http.call("GET", "/ScoDoc/api/nothing/here"), 404);
    const wrong = await http.call("PUT", "/ScoDoc/api/departements");
    expectError(wrong, 405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expectError(await http.call("GET", "/ScoDoc/api/departement/create", { token: adminToken }), 404);
  });

  it("counts requests per route pattern in the request log", async () => {
    const user = await createUser({ user_name: "counted", dept: "TAPI" });
    await admin.resetRequests();
    await api("POST", `/user/${user.id}/role/Ens/add/departement/TAPI`);
    await api("POST", `/user/${user.id}/role/Secr/add/departement/TAPI`);
    await api("GET", `/user/${user.id}`);
    await http.call("GET", "/ScoDoc/api/roles");
    const log = await admin.requests();
    expect(log.total).toBe(4);
    expect(log.writes).toBe(2);
    expect(log.faults).toBe(0);
    expect(log.byRoute).toEqual({
      "GET /ScoDoc/api/roles": 1,
      "GET /ScoDoc/api/user/:uid": 1,
      "POST /ScoDoc/api/user/:uid/role/:role_name/add/departement/:dept": 2,
    });
    expect(log.entries.map((e) => e.status)).toEqual([200, 200, 200, 401]);
    // Out-of-band operations are not requests of a client.
    await admin.op("addStudents", { acronym: "TAPI", count: 2 });
    expect((await admin.requests()).total).toBe(4);
  });

  it("injects a 503 on the grant route, before the change or after it", async () => {
    const user = await createUser({ user_name: "faulty", dept: "TAPI" });
    await admin.setFaults({ rules: [{ method: "POST", path: "/role/[^/]+/add", status: 503, retryAfterSeconds: 2 }] });
    const failed = await api("POST", `/user/${user.id}/role/Ens/add`);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("2");
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("");
    expect((await api<RenderedUser>("POST", `/user/${user.id}/role/Ens/add`)).body.roles_string).toBe("Ens_");

    await admin.setFaults({ rules: [{ path: "/role/Secr/add", after: true }] });
    expect((await api("POST", `/user/${user.id}/role/Secr/add`)).status).toBe(503);
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("Ens_,Secr_");
    const log = await admin.requests();
    expect(log.faults).toBe(2);
  });

  it("offers drift operations that bypass the API", async () => {
    const user = await createUser({ user_name: "drift", dept: "TAPI", nom: "Avant" });
    await admin.op("grantRole", { user_name: "drift", role_name: "Ens", dept: "TAPI" });
    await admin.op("editUser", { user_name: "drift", nom: "Après", active: false });
    await admin.op("editRole", { role_name: "Ens", new_name: "Enseignant", permissions: ["ScoView"] });
    await admin.op("editDepartement", { acronym: "TAPI", dept_name: "Test API", description: "drift" });
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body).toMatchObject({
      nom: "Après",
      active: false,
      roles_string: "Enseignant_TAPI",
    });
    expect((await api("GET", "/role/Enseignant")).body).toMatchObject({ permissions: ["ScoView"] });
    expect((await api("GET", "/departement/TAPI")).body).toMatchObject({ dept_name: "Test API", description: "drift" });
    await admin.op("revokeRole", { user_name: "drift", role_name: "Enseignant", dept: "TAPI" });
    expect((await api<RenderedUser>("GET", `/user/${user.id}`)).body.roles_string).toBe("");
    await admin.op("setPassword", { user_name: "drift", password: "x" });
    await admin.op("deleteUser", { user_name: "drift" });
    expectError(await api("GET", `/user/${user.id}`), 404);
    await expect(admin.op("deleteUser", { user_name: "drift" })).rejects.toThrow(/400/);
    await expect(admin.op("editRole", { role_name: "Admin", permissions: ["Nope"] })).rejects.toThrow(/unknown permissions/);
  });

  it("is started by the launcher, which hands out the server's root as the client URL", async () => {
    const { startSandboxes } = await import("../../sandbox/index");
    const running = await startSandboxes({ apps: ["scodoc"] });
    try {
      const { endpoint } = running.get("scodoc");
      expect(endpoint).toMatchObject({ app: "scodoc", username: "admin" });
      const launched = new Http(endpoint.url);
      const token = await launched.token(endpoint.username ?? "", endpoint.password ?? "");
      expect((await launched.call("GET", "/ScoDoc/api/departements", { token })).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
