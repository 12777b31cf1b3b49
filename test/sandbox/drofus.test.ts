import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox } from "../../sandbox/core/server";
import { createDrofusSandbox, type DrofusState } from "../../sandbox/drofus";

const run = promisify(execFile);
const JSON_ACCEPT = "application/json";

let sandbox: Sandbox<DrofusState>;
let admin: SandboxAdmin;
let scratch: string;

beforeAll(async () => {
  sandbox = await createDrofusSandbox({ credentials: { username: "testadmin", password: "testpw" } }).start();
  admin = new SandboxAdmin(sandbox.url);
  scratch = mkdtempSync(join(tmpdir(), "drofus-sandbox-"));
});

afterAll(async () => {
  await sandbox.stop();
  rmSync(scratch, { recursive: true, force: true });
});

beforeEach(() => sandbox.reset());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

interface CallOptions {
  /** Sent as JSON unless `form` is set; a string is sent verbatim. */
  body?: unknown;
  form?: string;
  /** `null` sends no Accept header at all (fetch then sends its `*\/*`). */
  accept?: string | null;
  auth?: { username: string; password: string } | null;
  contentType?: string;
}

async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const accept = options.accept === undefined ? JSON_ACCEPT : options.accept;
  if (accept !== null) headers.accept = accept;
  const auth = options.auth === undefined ? sandbox.credentials : options.auth;
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
  let body: string | undefined;
  if (options.form !== undefined) {
    body = options.form;
    headers["content-type"] = options.contentType ?? "application/x-www-form-urlencoded";
  } else if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json; charset=UTF-8";
  }
  const res = await fetch(sandbox.clientUrl + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

const state = () => sandbox.state;

/** The seed's POST /projects example, with overrides. */
function projectBody(overrides: Record<string, unknown> = {}): { project: Record<string, unknown> } {
  return {
    project: {
      new_db: "1",
      new_db_template: "dev-template",
      new_db_name: "rest_test",
      project_type_id: 1,
      name: "REST TEST",
      owner_id: 5,
      description: "TEST CREATE FROM REST",
      constructor: "dRofus AS",
      ...overrides,
    },
  };
}

/** The seed's POST /project_users example, with overrides. */
function membershipBody(
  projectId: number,
  membership: Record<string, unknown> = {},
  user: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    project_user: { project_id: projectId, room_rights: 1, ...membership },
    user: { username: "hakonhc", first_name: "Håkon", last_name: "Clausen", email: "hhc@drofus.com", ...user },
    mail_type: "6",
  };
}

async function createProject(overrides: Record<string, unknown> = {}): Promise<number> {
  const res = await call("POST", "/projects", { body: projectBody(overrides) });
  expect(res.status).toBe(201);
  return (res.body as { project: { id: number } }).project.id;
}

const PROJECT_KEYS = [
  "active",
  "contact",
  "created_at",
  "created_by",
  "database_id",
  "description",
  "gross_area",
  "id",
  "name",
  "no",
  "owner_id",
  "status",
  "updated",
  "updated_by",
];
const PROJECT_USER_KEYS = ["created_at", "project_id", "role", "superuser", "user_role_id", "username"];
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe("authentication", () => {
  it("answers 401 with a Basic challenge without credentials", async () => {
    const res = await call("GET", "/projects", { auth: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Basic realm="Application"');
    expect(res.text).toBe("HTTP Basic: Access denied.\n");
  });

  it("answers 401 for a wrong password, a malformed header and an unknown user", async () => {
    expect((await call("GET", "/projects", { auth: { username: "testadmin", password: "nope" } })).status).toBe(401);
    expect((await call("GET", "/projects", { auth: { username: "nobody", password: "testpw" } })).status).toBe(401);
    const res = await fetch(`${sandbox.clientUrl}/projects`, { headers: { accept: JSON_ACCEPT, authorization: "Bearer x" } });
    expect(res.status).toBe(401);
  });

  it("lets only enabled admin-system users in", async () => {
    const projectId = 399;
    expect((await call("POST", "/project_users", { body: membershipBody(projectId) })).status).toBe(201);
    // A project user has no admin-system password.
    expect((await call("GET", "/projects", { auth: { username: "hakonhc", password: "" } })).status).toBe(401);

    await admin.op("addAdmin", { username: "second.admin", password: "pw2" });
    const second = { username: "second.admin", password: "pw2" };
    expect((await call("GET", "/projects", { auth: second })).status).toBe(200);
    expect((await call("GET", "/users/second.admin/disable")).status).toBe(200);
    expect((await call("GET", "/projects", { auth: second })).status).toBe(401);
  });

  it("checks credentials before looking a record up, and routes before asking for them", async () => {
    expect((await call("GET", "/projects/999999", { auth: null })).status).toBe(401);
    const unknown = await call("GET", "/nowhere", { auth: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ status: "404", error: "Not Found" });
  });
});

describe("formats", () => {
  it("serves the same JSON through the .json suffix and through the Accept header", async () => {
    const suffix = await call("GET", "/projects.json", { accept: null });
    const header = await call("GET", "/projects");
    expect(suffix.status).toBe(200);
    expect(header.status).toBe(200);
    expect(suffix.body).toEqual(header.body);
    expect(header.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await call("GET", "/projects/399.json", { accept: null })).body).toEqual((await call("GET", "/projects/399")).body);
    expect((await call("GET", "/owners/5.json", { accept: null })).status).toBe(200);
  });

  it("answers 406 where the real site would render HTML or XML", async () => {
    expect((await call("GET", "/projects", { accept: null })).status).toBe(406);
    expect((await call("GET", "/projects", { accept: "*/*" })).status).toBe(406);
    // Rails takes a list mixing */* with other types for a browser's.
    expect((await call("GET", "/projects", { accept: "application/json, */*" })).status).toBe(406);
    expect((await call("GET", "/projects", { accept: "text/html" })).status).toBe(406);
    expect((await call("GET", "/projects.xml", { accept: null })).status).toBe(406);
    expect((await call("GET", "/projects.xml")).status).toBe(406);
    const res = await call("GET", "/projects", { accept: "text/html;q=0.5, application/json" });
    expect(res.status).toBe(200);
  });

  it("reads dotted usernames only through the Accept header", async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
    await call("POST", "/project_users", {
      body: membershipBody(399, {}, { username: "hakon.clausen", email: "hakon.clausen@drofus.com" }),
    });
    expect((await call("GET", "/users/hakonhc.json", { accept: null })).body).toMatchObject({ user: { username: "hakonhc" } });
    expect((await call("GET", "/users/hakonhc")).body).toMatchObject({ user: { username: "hakonhc" } });

    const dotted = await call("GET", "/users/hakon.clausen");
    expect(dotted.status).toBe(200);
    expect(dotted.body).toMatchObject({ user: { username: "hakon.clausen" } });
    // With the suffix the whole segment is the username: no JSON without the header, no user with it.
    expect((await call("GET", "/users/hakon.clausen.json", { accept: null })).status).toBe(406);
    expect((await call("GET", "/users/hakon.clausen.json")).status).toBe(404);

    expect((await call("GET", "/project_users/hakon.clausen,399")).status).toBe(200);
    expect((await call("GET", "/project_users/hakonhc,399.json", { accept: null })).status).toBe(200);
    expect((await call("GET", "/project_users/hakon.clausen,399.json")).status).toBe(404);
  });
});

describe("/projects", () => {
  it("lists root-wrapped projects with the documented keys", async () => {
    const res = await call("GET", "/projects?query=template");
    expect(res.status).toBe(200);
    const list = res.body as { project: Record<string, unknown> }[];
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0]?.project ?? {})).toEqual(PROJECT_KEYS);
    expect(list[0]).toMatchObject({
      project: { id: 399, name: "dRofus dev template", no: "01", owner_id: 5, database_id: "dev-template", active: true },
    });
    expect(list[0]?.project.created_at).toMatch(TIMESTAMP);
  });

  it("filters by a case-insensitive substring of the name and hides inactive projects unless show_all", async () => {
    const id = await createProject({ name: "Hospital North" });
    expect((await call("GET", "/projects?query=HOSPITAL")).body).toHaveLength(1);
    expect((await call("GET", "/projects?query=nothing-like-it")).body).toEqual([]);

    expect((await call("PATCH", `/projects/${id}`, { body: { project: { active: false } } })).status).toBe(200);
    const visible = (await call("GET", "/projects")).body as { project: { id: number } }[];
    expect(visible.map((p) => p.project.id)).toEqual([399]);
    const all = (await call("GET", "/projects?show_all=1")).body as { project: { id: number; active: boolean } }[];
    expect(all.map((p) => [p.project.id, p.project.active])).toEqual([
      [399, true],
      [id, false],
    ]);
    expect((await call("GET", "/projects?show_all=0")).body).toHaveLength(1);
  });

  it("shows one project, and 404s a missing or non-numeric id", async () => {
    expect((await call("GET", "/projects/399")).body).toMatchObject({ project: { id: 399 } });
    for (const path of ["/projects/4000", "/projects/abc", "/projects/399abc"]) {
      const res = await call("GET", path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: "404", error: "Not Found" });
    }
  });

  it("creates a project and its database from a template", async () => {
    const res = await call("POST", "/projects", { body: projectBody() });
    expect(res.status).toBe(201);
    const project = (res.body as { project: Record<string, unknown> }).project;
    expect(Object.keys(project)).toEqual(PROJECT_KEYS);
    expect(project).toMatchObject({
      id: 400,
      name: "REST TEST",
      description: "TEST CREATE FROM REST",
      owner_id: 5,
      database_id: "rest_test",
      active: true,
      created_by: "testadmin",
      updated: null,
    });
    expect(res.headers.get("location")).toBe(`${sandbox.url}/projects/400`);
    // Write-only: stored, not answered.
    expect(project).not.toHaveProperty("constructor");
    expect(state().projects.find((p) => p.id === 400)).toMatchObject({ constructor: "dRofus AS", project_type_id: 1 });

    const databases = (await call("GET", "/database")).body as { database: { name: string } }[];
    expect(databases.map((d) => d.database.name)).toEqual(["dev-template", "rest_test"]);
    expect(state().databases.find((d) => d.name === "rest_test")?.template).toBe("dev-template");
    expect((await call("GET", "/projects/400")).body).toEqual(res.body);
  });

  it("adds a project to an existing database", async () => {
    const res = await call("POST", "/projects", {
      body: projectBody({ new_db: "0", new_db_template: undefined, new_db_name: undefined, existing_db_name: "dev-template" }),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ project: { database_id: "dev-template" } });
    expect(state().databases).toHaveLength(1);
  });

  it("accepts new_db as a boolean or a number too", async () => {
    expect((await call("POST", "/projects", { body: projectBody({ new_db: true, new_db_name: "a" }) })).status).toBe(201);
    expect((await call("POST", "/projects", { body: projectBody({ new_db: 1, new_db_name: "b" }) })).status).toBe(201);
    const existing = { new_db: false, new_db_name: undefined, new_db_template: undefined, existing_db_name: "a" };
    expect((await call("POST", "/projects", { body: projectBody(existing) })).status).toBe(201);
  });

  it("answers 422 naming every missing field", async () => {
    const res = await call("POST", "/projects", { body: { project: { active: true } } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      name: ["can't be blank"],
      description: ["can't be blank"],
      constructor: ["can't be blank"],
      owner: ["must exist"],
      project_type_id: ["can't be blank"],
      new_db: ["can't be blank"],
    });
    expect(state().projects).toHaveLength(1);
  });

  it("answers 422 for an unknown template, a taken or invalid database name, and an unknown existing database", async () => {
    const unknownTemplate = await call("POST", "/projects", { body: projectBody({ new_db_template: "no-such-template" }) });
    expect(unknownTemplate.status).toBe(422);
    expect(unknownTemplate.body).toEqual({ new_db_template: ["does not exist"] });
    expect(state().databases).toHaveLength(1);

    expect((await call("POST", "/projects", { body: projectBody({ new_db_name: "dev-template" }) })).body).toEqual({
      new_db_name: ["has already been taken"],
    });
    expect((await call("POST", "/projects", { body: projectBody({ new_db_name: "bad name!" }) })).body).toEqual({
      new_db_name: ["is invalid"],
    });
    expect((await call("POST", "/projects", { body: projectBody({ new_db_name: "", new_db_template: "" }) })).body).toEqual({
      new_db_name: ["can't be blank"],
      new_db_template: ["can't be blank"],
    });
    const existing = await call("POST", "/projects", { body: projectBody({ new_db: "0", existing_db_name: "gone" }) });
    expect(existing.body).toEqual({ existing_db_name: ["does not exist"] });
    const noExisting = await call("POST", "/projects", { body: projectBody({ new_db: "0" }) });
    expect(noExisting.body).toEqual({ existing_db_name: ["can't be blank"] });
  });

  it("answers 422 for an unknown owner or project type", async () => {
    const res = await call("POST", "/projects", { body: projectBody({ owner_id: 999, project_type_id: 42 }) });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ owner: ["must exist"], project_type_id: ["is not included in the list"] });
    await admin.op("addProjectType", { id: 42, name: "Hospital" });
    expect((await call("POST", "/projects", { body: projectBody({ project_type_id: "42" }) })).status).toBe(201);
  });

  it("answers 400 for a body that is not JSON or lacks its project object", async () => {
    const notJson = await call("POST", "/projects", { body: "{not json" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ status: "400", error: "Bad Request" });
    expect((await call("POST", "/projects", { body: { project: {} } })).status).toBe(400);
    expect((await call("POST", "/projects", { body: [] })).status).toBe(400);
    expect((await call("POST", "/projects")).status).toBe(400);
  });

  it("wraps an unwrapped JSON body's columns only, as wrap_parameters does", async () => {
    const { project } = projectBody();
    const res = await call("POST", "/projects", { body: project });
    expect(res.status).toBe(422);
    // name, description and owner_id are columns and got wrapped; the virtual fields did not.
    expect(res.body).toEqual({
      constructor: ["can't be blank"],
      project_type_id: ["can't be blank"],
      new_db: ["can't be blank"],
    });
  });

  it("takes an urlencoded form with bracketed names", async () => {
    const form = new URLSearchParams(
      Object.entries(projectBody({ new_db_name: "from_form" }).project).map(([k, v]): [string, string] => [`project[${k}]`, String(v)]),
    ).toString();
    const res = await call("POST", "/projects", { form });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ project: { database_id: "from_form", owner_id: 5 } });
  });

  it("updates with PATCH or PUT, answering 200 and the project", async () => {
    const id = await createProject();
    const res = await call("PATCH", `/projects/${id}`, {
      body: { project: { name: "REST TEST", description: "TEST UPDATE FROM REST", active: true, unknown_key: 1 } },
    });
    expect(res.status).toBe(200);
    const project = (res.body as { project: Record<string, unknown> }).project;
    expect(project).toMatchObject({ id, description: "TEST UPDATE FROM REST", updated_by: "testadmin" });
    expect(project.updated).toMatch(TIMESTAMP);

    const put = await call("PUT", `/projects/${id}.json`, { body: { project: { gross_area: "1200.5", no: "02" } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ project: { gross_area: 1200.5, no: "02" } });
    // The database is chosen once and for all.
    await call("PATCH", `/projects/${id}`, { body: { project: { new_db_name: "elsewhere", database_id: "x" } } });
    expect((await call("GET", `/projects/${id}`)).body).toMatchObject({ project: { database_id: "rest_test" } });
  });

  it("refuses a blank name, an unknown owner, a non-boolean active and a non-numeric area on update", async () => {
    const res = await call("PATCH", "/projects/399", {
      body: { project: { name: " ", owner_id: 77, active: "", gross_area: "big", project_type_id: 9 } },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      name: ["can't be blank"],
      active: ["is not included in the list"],
      gross_area: ["is not a number"],
      owner: ["must exist"],
      project_type_id: ["is not included in the list"],
    });
    expect((await call("PATCH", "/projects/4000", { body: { project: { name: "x" } } })).status).toBe(404);
    // The record is looked up before the body is read, as a Rails before_action does.
    expect((await call("PATCH", "/projects/4000", { body: "{not json" })).status).toBe(404);
    expect((await call("PATCH", "/projects/399", { body: "{not json" })).status).toBe(400);
  });

  it("deletes with 204 and no body, taking the memberships along", async () => {
    const id = await createProject();
    await call("POST", "/project_users", { body: membershipBody(id) });
    const res = await call("DELETE", `/projects/${id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect((await call("GET", `/projects/${id}`)).status).toBe(404);
    expect((await call("DELETE", `/projects/${id}`)).status).toBe(404);
    expect(state().projectUsers).toEqual([]);
    expect(state().databases.map((d) => d.name)).toContain("rest_test");
  });
});

describe("/owners", () => {
  it("creates an owner as the seed shows: 201 and id 11", async () => {
    const res = await call("POST", "/owners", { body: { owner: { name: "Test" } } });
    expect(res.status).toBe(201);
    expect(res.text).toBe(
      '{"owner":{"address":null,"billing_address":null,"contact":null,"id":11,"image":null,"name":"Test","network":null,"note":null,"tech_contact":null}}',
    );
    expect(res.headers.get("location")).toMatch(/\/owners\/11$/);
  });

  it("lists and shows owners, 404s an unknown one and routes no update", async () => {
    const list = (await call("GET", "/owners")).body as { owner: { id: number } }[];
    expect(list.map((o) => o.owner.id)).toEqual([5]);
    expect((await call("GET", "/owners/5")).body).toMatchObject({ owner: { id: 5, name: "dRofus AS" } });
    expect((await call("GET", "/owners/6")).status).toBe(404);
    expect((await call("PATCH", "/owners/5", { body: { owner: { name: "x" } } })).status).toBe(404);
    expect((await call("DELETE", "/owners/5")).status).toBe(404);
  });

  it("requires a name", async () => {
    const res = await call("POST", "/owners", { body: { owner: { name: "", note: "n" } } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ name: ["can't be blank"] });
    // An unwrapped body is wrapped: name is a column.
    expect((await call("POST", "/owners", { body: { name: "Unwrapped" } })).status).toBe(201);
  });
});

describe("/users", () => {
  beforeEach(async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
  });

  it("lists users, searching with q", async () => {
    const all = (await call("GET", "/users")).body as { user: { username: string } }[];
    expect(all.map((u) => u.user.username)).toEqual(["testadmin", "hakonhc"]);
    const found = (await call("GET", "/users?q=CLAUSEN")).body as { user: Record<string, unknown> }[];
    expect(found).toEqual([
      {
        user: {
          created_at: expect.stringMatching(TIMESTAMP),
          disabled: false,
          email: "hhc@drofus.com",
          first_name: "Håkon",
          last_name: "Clausen",
          username: "hakonhc",
        },
      },
    ]);
    expect((await call("GET", "/users?q=nobody")).body).toEqual([]);
  });

  it("disables, enables and kicks with GET", async () => {
    const disabled = await call("GET", "/users/hakonhc/disable");
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ status: "ok" });
    expect((await call("GET", "/users/hakonhc")).body).toMatchObject({ user: { disabled: true } });
    expect((await call("GET", "/users/hakonhc/enable.json", { accept: null })).status).toBe(200);
    expect((await call("GET", "/users/hakonhc")).body).toMatchObject({ user: { disabled: false } });
    expect((await call("GET", "/users/hakonhc/kick")).status).toBe(200);
    expect(state().events).toMatchObject([{ action: "kick", target: "hakonhc", by: "testadmin" }]);
    for (const action of ["", "/disable", "/enable", "/kick"]) {
      expect((await call("GET", `/users/ghost${action}`)).status).toBe(404);
    }
  });
});

describe("/database", () => {
  it("lists databases and runs the per-database actions", async () => {
    expect((await call("GET", "/database")).body).toEqual([
      { database: { created_at: expect.stringMatching(TIMESTAMP), name: "dev-template", owner_id: 5 } },
    ]);
    expect((await call("GET", "/database/dev-template/disableall")).body).toEqual({ status: "ok" });
    expect(state().databases[0]?.users_disabled).toBe(true);
    expect((await call("GET", "/database/dev-template/enableall")).status).toBe(200);
    expect(state().databases[0]?.users_disabled).toBe(false);
    expect((await call("GET", "/database/dev-template/kickall")).status).toBe(200);
    expect((await call("GET", "/database/nope/kickall")).status).toBe(404);
  });

  it("downloads a backup whatever the format asked", async () => {
    const res = await call("GET", "/database/dev-template/get_backup_now", { accept: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="dev-template.backup"');
    expect(state().events.map((e) => e.action)).toEqual(["get_backup_now"]);
  });
});

describe("/project_users", () => {
  it("adds a new user to a project as the seed shows", async () => {
    const res = await call("POST", "/project_users", { body: membershipBody(399) });
    expect(res.status).toBe(201);
    const body = res.body as { project_user: Record<string, unknown> };
    expect(Object.keys(body.project_user)).toEqual(PROJECT_USER_KEYS);
    expect(body.project_user).toEqual({
      created_at: expect.stringMatching(TIMESTAMP),
      project_id: 399,
      role: null,
      superuser: null,
      user_role_id: null,
      username: "hakonhc",
    });
    expect(res.headers.get("location")).toMatch(/\/project_users\/hakonhc,399$/);
    expect(state().users.find((u) => u.username === "hakonhc")).toMatchObject({ first_name: "Håkon", admin: false });
    expect(state().projectUsers[0]).toMatchObject({ room_rights: 1, equipment_rights: null });
    expect(state().mails).toMatchObject([{ username: "hakonhc", project_id: 399, mail_type: 6 }]);
  });

  it("stores every right and flag, answering only superuser", async () => {
    const rights = {
      room_rights: 1,
      equipment_rights: 2,
      tender_rights: 3,
      consignation_rights: 4,
      system_rights: "2",
      modelstore_rights: 1,
      superuser: true,
      addon_admin: "1",
      no_web_admin_access: "false",
    };
    const res = await call("POST", "/project_users", { body: membershipBody(399, rights) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ project_user: { superuser: true } });
    expect(res.body).not.toHaveProperty("project_user.room_rights");
    expect(state().projectUsers[0]).toMatchObject({
      ...rights,
      system_rights: 2,
      addon_admin: true,
      no_web_admin_access: false,
    });
  });

  it("shows, updates and deletes by username,projectid", async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
    expect((await call("GET", "/project_users/hakonhc,399")).body).toMatchObject({ project_user: { username: "hakonhc" } });
    expect((await call("GET", "/project_users/hakonhc%2C399")).status).toBe(200);

    // The seed's PATCH example body, identity fields and all: the URL decides.
    const res = await call("PATCH", "/project_users/hakonhc,399", {
      body: {
        project_user: {
          username: "test",
          project_id: 647,
          room_rights: 1,
          equipment_rights: 3,
          tender_rights: 4,
          room_surface_treatment_rights: 4,
          superuser: "1",
        },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ project_user: { username: "hakonhc", project_id: 399, superuser: true } });
    expect(state().projectUsers[0]).toMatchObject({
      equipment_rights: 3,
      tender_rights: 4,
      room_surface_treatment_rights: 4,
    });
    expect((await call("PUT", "/project_users/hakonhc,399", { body: { project_user: { superuser: "" } } })).body).toMatchObject({
      project_user: { superuser: null },
    });

    const deleted = await call("DELETE", "/project_users/hakonhc,399");
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await call("GET", "/project_users/hakonhc,399")).status).toBe(404);
    expect((await call("DELETE", "/project_users/hakonhc,399")).status).toBe(404);
    // The user outlives the membership.
    expect((await call("GET", "/users/hakonhc")).status).toBe(200);
  });

  it("splits the id on its last comma", async () => {
    const body = membershipBody(399, {}, { username: "smith,john", email: "js@example.com" });
    expect((await call("POST", "/project_users", { body })).status).toBe(201);
    expect((await call("GET", "/project_users/smith,john,399")).body).toMatchObject({
      project_user: { username: "smith,john", project_id: 399 },
    });
    expect((await call("GET", "/project_users/smith%2Cjohn%2C399")).status).toBe(200);
    expect((await call("GET", "/project_users/smith,399")).status).toBe(404);
    for (const id of ["hakonhc", ",399", "smith,john,", "smith,john,x"]) {
      expect((await call("GET", `/project_users/${id}`)).status).toBe(404);
    }
    expect((await call("PATCH", "/project_users/smith,john,399", { body: { project_user: { tender_rights: 2 } } })).status).toBe(200);
    expect(state().projectUsers[0]?.tender_rights).toBe(2);
  });

  it("answers 422 for rights outside 1..4", async () => {
    const res = await call("POST", "/project_users", {
      body: membershipBody(399, {
        room_rights: 0,
        equipment_rights: 5,
        tender_rights: "full",
        system_rights: null,
        modelstore_rights: 2.5,
      }),
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      room_rights: ["is not included in the list"],
      equipment_rights: ["is not included in the list"],
      tender_rights: ["is not included in the list"],
      system_rights: ["is not included in the list"],
      modelstore_rights: ["is not included in the list"],
    });
    expect(state().users.map((u) => u.username)).toEqual(["testadmin"]);

    await call("POST", "/project_users", { body: membershipBody(399) });
    const patch = await call("PATCH", "/project_users/hakonhc,399", { body: { project_user: { consignation_rights: 9 } } });
    expect(patch.status).toBe(422);
    expect(patch.body).toEqual({ consignation_rights: ["is not included in the list"] });
  });

  it("answers 422 for an unknown project, a duplicate, and a known user with other details", async () => {
    expect((await call("POST", "/project_users", { body: membershipBody(4000) })).body).toEqual({ project: ["must exist"] });
    expect((await call("POST", "/project_users", { body: membershipBody(399) })).status).toBe(201);
    const duplicate = await call("POST", "/project_users", { body: membershipBody(399) });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toEqual({ user: ["already in project"] });

    const id = await createProject();
    const mismatch = await call("POST", "/project_users", {
      body: membershipBody(id, {}, { first_name: "Hakon", email: "HHC@drofus.com" }),
    });
    expect(mismatch.body).toEqual({ first_name: ["does not match the registered user"] });
    // A known user may be named by username alone.
    const byName = await call("POST", "/project_users", { body: { project_user: { project_id: id }, user: { username: "hakonhc" } } });
    expect(byName.status).toBe(201);
  });

  it("answers 422 for a new user without names or with a bad email, and a bad mail_type", async () => {
    const res = await call("POST", "/project_users", {
      body: { project_user: { project_id: 399 }, user: { username: "new.user", email: "not-an-email" }, mail_type: "welcome" },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      first_name: ["can't be blank"],
      last_name: ["can't be blank"],
      email: ["is invalid"],
      mail_type: ["is invalid"],
    });
    const blank = await call("POST", "/project_users", { body: { project_user: { project_id: 399 }, user: { username: " " } } });
    expect(blank.body).toEqual({ username: ["can't be blank"] });
    const spaced = await call("POST", "/project_users", { body: membershipBody(399, {}, { username: "has space" }) });
    expect(spaced.body).toEqual({ username: ["is invalid"] });
  });

  it("answers 400 without the user or project_user object, and sends no mail without mail_type", async () => {
    expect((await call("POST", "/project_users", { body: { project_user: { project_id: 399 } } })).status).toBe(400);
    expect((await call("POST", "/project_users", { body: { user: { username: "x" } } })).status).toBe(400);
    const { mail_type: _ignored, ...silent } = membershipBody(399);
    expect((await call("POST", "/project_users", { body: silent })).status).toBe(201);
    expect(state().mails).toEqual([]);
  });

  it("routes only the plural path the seed's PATCH example misspells", async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
    const res = await call("PATCH", "/project_user/hakonhc,399", { body: { project_user: { room_rights: 2 } } });
    expect(res.status).toBe(404);
  });
});

describe("the seed's curl examples, with the real curl", () => {
  const base = () => sandbox.clientUrl;
  const curl = async (...args: string[]) => (await run("curl", args, { cwd: scratch })).stdout;

  it("lists projects with the .json suffix", async () => {
    const out = await curl("-s", "-u", "testadmin:testpw", `${base()}/projects.json?query=template`);
    const list = JSON.parse(out) as { project: Record<string, unknown> }[];
    expect(list[0]?.project).toMatchObject({ active: true, contact: null, id: 399, name: "dRofus dev template", owner_id: 5 });
  });

  it("reads a user the same through the header and the suffix", async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
    const header = await curl("-H", "Accept: application/json", "-s", "-u", "testadmin:testpw", `${base()}/users/hakonhc`);
    const suffix = await curl("-s", "-u", "testadmin:testpw", `${base()}/users/hakonhc.json`);
    expect(JSON.parse(header)).toEqual(JSON.parse(suffix));
  });

  it("creates an owner", async () => {
    const out = await curl(
      "-H",
      "Accept: application/json",
      "-H",
      "Content-type: application/json",
      "-X",
      "POST",
      "-u",
      "testadmin:testpw",
      "-d",
      '{"owner":{"name":"Test"}}',
      `${base()}/owners`,
    );
    expect(JSON.parse(out)).toEqual({
      owner: {
        address: null,
        billing_address: null,
        contact: null,
        id: 11,
        image: null,
        name: "Test",
        network: null,
        note: null,
        tech_contact: null,
      },
    });
  });

  it("creates a project, adds a project user from data.json, updates and deletes it", async () => {
    writeFileSync(join(scratch, "project.json"), JSON.stringify(projectBody()));
    const json = ["-H", "Accept: application/json", "-H", "Content-type: application/json; charset=UTF-8", "-u", "testadmin:testpw"];
    const project = JSON.parse(await curl(...json, "-s", "-X", "POST", "-d", "@project.json", `${base()}/projects`)) as {
      project: { id: number };
    };

    writeFileSync(
      join(scratch, "data.json"),
      JSON.stringify({
        project_user: { project_id: project.project.id, room_rights: 1 },
        user: { username: "hakonhc", first_name: "Håkon", last_name: "Clausen", email: "hhc@drofus.com" },
        mail_type: "6",
      }),
    );
    const created = await curl(...json, "-s", "-X", "POST", "-d", "@data.json", `${base()}/project_users`);
    expect(JSON.parse(created)).toEqual({
      project_user: {
        created_at: expect.stringMatching(TIMESTAMP),
        project_id: project.project.id,
        role: null,
        superuser: null,
        user_role_id: null,
        username: "hakonhc",
      },
    });

    writeFileSync(
      join(scratch, "update.json"),
      JSON.stringify({ project: { name: "REST TEST", description: "TEST UPDATE FROM REST", active: true } }),
    );
    const updated = await curl(...json, "-s", "-X", "PATCH", "-d", "@update.json", `${base()}/projects/${project.project.id}`);
    expect(JSON.parse(updated)).toMatchObject({ project: { description: "TEST UPDATE FROM REST" } });

    // The seed's DELETE example puts the URL where -u wants credentials; this is what it means.
    const status = await curl(
      "-H",
      "Accept: application/json",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-u",
      "testadmin:testpw",
      `${base()}/project_users/hakonhc,${project.project.id}`,
      "-X",
      "DELETE",
    );
    expect(status).toBe("204");
    expect(state().projectUsers).toEqual([]);
  });
});

describe("out-of-band operations", () => {
  it("changes a project and a membership behind the client's back", async () => {
    await call("POST", "/project_users", { body: membershipBody(399) });
    await admin.op("patchProject", { id: 399, name: "Renamed in the UI", active: false });
    expect((await call("GET", "/projects/399")).body).toMatchObject({ project: { name: "Renamed in the UI", active: false } });
    await admin.op("patchProjectUser", { username: "hakonhc", project_id: 399, room_rights: 3, superuser: true });
    expect((await call("GET", "/project_users/hakonhc,399")).body).toMatchObject({ project_user: { superuser: true } });
    expect((await admin.state<DrofusState>()).projectUsers[0]?.room_rights).toBe(3);
    await admin.op("removeProjectUser", { username: "hakonhc", project_id: 399 });
    expect((await call("GET", "/project_users/hakonhc,399")).status).toBe(404);
    await admin.op("removeProject", { id: 399 });
    expect((await call("GET", "/projects/399")).status).toBe(404);
  });

  it("adds a template database and refuses bad input", async () => {
    await admin.op("addDatabase", { name: "hospital-template", owner_id: 5 });
    expect((await call("POST", "/projects", { body: projectBody({ new_db_template: "hospital-template" }) })).status).toBe(201);
    await expect(admin.op("patchProject", { id: 399, no_such_field: 1 })).rejects.toThrow(/unknown field/);
    await expect(admin.op("patchProjectUser", { username: "x", project_id: 399 })).rejects.toThrow(/no project user/);
    await expect(admin.op("addDatabase", { name: "dev-template" })).rejects.toThrow(/exists/);
  });
});

describe("faults and counters", () => {
  it("fails a targeted request, then serves the next", async () => {
    await admin.setFaults({ rules: [{ method: "POST", path: "^/owners$", status: 503, times: 1 }] });
    expect((await call("POST", "/owners", { body: { owner: { name: "A" } } })).status).toBe(503);
    expect(state().owners).toHaveLength(1);
    expect((await call("POST", "/owners", { body: { owner: { name: "A" } } })).status).toBe(201);
  });

  it("makes the change before failing an `after` fault, the ambiguous create", async () => {
    await admin.setFaults({ rules: [{ method: "POST", path: "^/project_users$", status: 502, after: true }] });
    expect((await call("POST", "/project_users", { body: membershipBody(399) })).status).toBe(502);
    expect((await call("GET", "/project_users/hakonhc,399")).status).toBe(200);
  });

  it("counts requests by route", async () => {
    await call("GET", "/projects");
    await call("GET", "/projects.json", { accept: null });
    await call("GET", "/projects/399");
    await call("PATCH", "/projects/399", { body: { project: { status: "open" } } });
    await call("GET", "/projects", { auth: null });
    const counts = await admin.requests();
    expect(counts.total).toBe(5);
    expect(counts.writes).toBe(1);
    expect(counts.byRoute).toEqual({
      "GET /projects": 2,
      "GET /projects.json": 1,
      "GET /projects/:id": 1,
      "PATCH /projects/:id": 1,
    });
    expect(counts.entries.map((e) => e.status)).toEqual([200, 200, 200, 200, 401]);
  });
});
