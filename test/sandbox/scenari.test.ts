import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serializeCdm, type CdmValue } from "../../providers/scenari/cdm";
import { SandboxAdmin, endpointOf, sandboxFactories, type Sandbox } from "../../sandbox";
import { createScenariSandbox, type ScenariState } from "../../sandbox/scenari";

/**
 * The Scenari sandbox against shared/reference/apis/scenari.md, over real
 * HTTP with Node's fetch: the chain portlet's services as a client of the
 * admin API sees them, on both backends.
 */

const ADMIN = { user: "admin", password: "admin-secret" };

type Json = Record<string, unknown>;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly text: string;
  json(): Json;
}

interface CallOptions {
  readonly method?: string;
  /** Query parameters besides `cdaction`; an array repeats the parameter. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Form fields, sent urlencoded as the Python client sends them. */
  readonly form?: Readonly<Record<string, string>>;
  /** A raw body with its content type (XML for CreateWsp, multipart for the web client). */
  readonly body?: string;
  readonly contentType?: string;
  /** Credentials, or null for none. */
  readonly auth?: { readonly user: string; readonly password: string } | null;
  readonly frame?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function scenari(sandbox: () => Sandbox<ScenariState>) {
  return async function call(service: string, cdaction: string | undefined, options: CallOptions = {}): Promise<Answer> {
    const url = new URL(`${sandbox().clientUrl}/${options.frame ?? "script"}/u/${service}`);
    if (cdaction !== undefined) url.searchParams.set("cdaction", cdaction);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      for (const v of typeof value === "string" ? [value] : value) url.searchParams.append(name, v);
    }
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth === undefined ? ADMIN : options.auth;
    if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form as Record<string, string>).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (options.body !== undefined) {
      body = options.body;
      if (options.contentType) headers["content-type"] = options.contentType;
    }
    const method = options.method ?? (body === undefined ? "GET" : "POST");
    const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      headers: res.headers,
      text,
      json: () => JSON.parse(text) as Json,
    };
  };
}

const cdm = (value: CdmValue): string => serializeCdm(value);

function wspTypeXml(attrs: Record<string, string>, options: Record<string, string>[] = []): string {
  const a = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => ` ${k}="${v}"`)
      .join("");
  return `<wspType${a(attrs)}>${options.map((o) => `<wspOption${a(o)}/>`).join("")}</wspType>`;
}

const OPALE_5 = wspTypeXml({ key: "Opale", version: "5.0.5", lang: "fr-FR" });

describe("Scenari sandbox, database backend", () => {
  let sandbox: Sandbox<ScenariState>;
  let admin: SandboxAdmin;
  const call = scenari(() => sandbox);

  beforeAll(async () => {
    sandbox = await createScenariSandbox({ credentials: { username: ADMIN.user, password: ADMIN.password } }).start();
    admin = new SandboxAdmin(sandbox.url);
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  async function createUser(account: string, props: Json = {}): Promise<Json> {
    const answer = await call("adminUsers", "CreateUser", {
      query: { param: account },
      form: { userProps: cdm({ userType: "user", ...props } as CdmValue) },
      headers: { Sccsrf: "1" },
    });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  async function createGroup(account: string, props: Json = {}): Promise<Json> {
    const answer = await call("adminUsers", "CreateGroup", { query: { param: account }, form: { userProps: cdm(props as CdmValue) } });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  async function updateUser(account: string, props: Json, cdaction = "UpdateUser"): Promise<Json> {
    const answer = await call("adminUsers", cdaction, { query: { param: account }, form: { userProps: cdm(props as CdmValue) } });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  async function display(account: string, fields?: string[]): Promise<Json> {
    const answer = await call("adminUsers", "Display", { query: { param: account, ...(fields ? { fields } : {}) } });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  async function listUsers(options?: Json, fields?: string[]): Promise<{ userList: Json[]; more: boolean }> {
    const query: Record<string, string | string[]> = {};
    if (options) query.options = cdm(options as CdmValue);
    if (fields) query.fields = fields;
    const answer = await call("adminUsers", "List", { query });
    expect(answer.status).toBe(200);
    return answer.json() as unknown as { userList: Json[]; more: boolean };
  }

  async function createWsp(params: Json, body = OPALE_5, query: Record<string, string> = {}): Promise<Answer> {
    return call("adminWsp", "CreateWsp", {
      method: "PUT",
      query: { createParams: cdm(params as CdmValue), ...query },
      body,
      contentType: "text/xml",
    });
  }

  async function infoWsp(param: string, query: Record<string, string> = {}): Promise<Json> {
    const answer = await call("adminWsp", "InfoWsp", { query: { param, ...query } });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  async function listWsps(cdaction = "List", query: Record<string, string> = {}): Promise<{ wspProvider: Json; wsps: Json[] }> {
    const answer = await call("adminWsp", cdaction, { query });
    expect(answer.status).toBe(200);
    return answer.json() as unknown as { wspProvider: Json; wsps: Json[] };
  }

  async function setRoles(wsp: string, map: Json, refUri = ""): Promise<Answer> {
    return call("wspSrc", "SetSpecifiedRoles", { method: "POST", query: { param: wsp, refUri, options: cdm(map as CdmValue) } });
  }

  async function getRoles(wsp: string, refUri = "", forUser?: string): Promise<Json> {
    const answer = await call("wspSrc", "GetSrc", {
      query: { param: wsp, format: "specifiedRoles", refUri, ...(forUser ? { forUser } : {}) },
    });
    expect(answer.status).toBe(200);
    return answer.json();
  }

  describe("transport and authentication", () => {
    it("gives clients the chain portlet URL, and is registered with the launcher", async () => {
      expect(sandbox.clientUrl).toBe(`${sandbox.url}/scenarichain-server`);
      expect(endpointOf(sandbox as Sandbox<unknown>)).toMatchObject({ app: "scenari", username: "admin", password: ADMIN.password });
      expect(await sandboxFactories.scenari?.()).toBe(createScenariSandbox);
    });

    it("answers Ping with 200 on the script and web frames, with or without a trailing slash", async () => {
      expect((await call("ping", "Ping")).status).toBe(200);
      expect((await call("ping", "Ping", { frame: "web" })).status).toBe(200);
      expect((await call("ping/", "Ping")).status).toBe(200);
    });

    it("requires HTTP Basic on every request", async () => {
      const none = await call("ping", "Ping", { auth: null });
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Basic /);
      expect((await call("adminUsers", "List", { auth: { user: "admin", password: "wrong" } })).status).toBe(401);
      expect((await call("adminUsers", "List", { auth: { user: "nobody", password: "x" } })).status).toBe(401);
      // System accounts have no password: they cannot log in.
      expect((await call("ping", "Ping", { auth: { user: "system", password: "" } })).status).toBe(401);
    });

    it("lets any user ping but only administrators use the admin services", async () => {
      await createUser("reader", { password: "pw-reader", grantedRoles: ["main:reader"] });
      const reader = { user: "reader", password: "pw-reader" };
      expect((await call("ping", "Ping", { auth: reader })).status).toBe(200);
      expect((await call("adminUsers", "List", { auth: reader })).status).toBe(403);
      expect((await call("adminWsp", "List", { auth: reader })).status).toBe(403);
      await createUser("manager", { password: "pw-manager", grantedRoles: ["main:manager"] });
      expect((await call("adminUsers", "List", { auth: { user: "manager", password: "pw-manager" } })).status).toBe(200);
    });

    it("logs in by nick name, and refuses disabled accounts and groups", async () => {
      await createUser("jdoe", { password: "pw", nickNames: ["john"] });
      expect((await call("ping", "Ping", { auth: { user: "john", password: "pw" } })).status).toBe(200);
      await updateUser("jdoe", { isDisabled: true });
      expect((await call("ping", "Ping", { auth: { user: "jdoe", password: "pw" } })).status).toBe(401);
      await createGroup("team");
      expect((await call("ping", "Ping", { auth: { user: "team", password: "" } })).status).toBe(401);
    });

    it("answers unknown services and frames 404, a missing or unknown cdaction 400, a wrong method 405", async () => {
      expect((await call("noSuchService", "List")).status).toBe(404);
      expect((await call("adminUsers", "List", { frame: "public" })).status).toBe(404);
      expect((await call("adminUsers", undefined)).status).toBe(400);
      const unknown = await call("adminUsers", "Frobnicate");
      expect(unknown.status).toBe(400);
      expect(unknown.contentType).toMatch(/^text\/plain/);
      expect((await call("adminUsers", "toString")).status).toBe(400);
      const getWrite = await call("adminUsers", "CreateUser", { query: { param: "x" } });
      expect(getWrite.status).toBe(405);
      expect(getWrite.headers.get("allow")).toBe("POST");
      expect((await call("adminWsp", "CreateWsp", { method: "POST", body: OPALE_5 })).status).toBe(405);
      expect((await call("adminUsers", "List", { method: "DELETE" })).status).toBe(405);
    });

    it("reads parameters from the form as well as from the query string", async () => {
      const answer = await call("adminUsers", undefined, { form: { cdaction: "Display", param: "admin" } });
      expect(answer.json().user).toMatchObject({ account: "admin" });
    });
  });

  describe("adminUsers", () => {
    it("is seeded with the administrator and hidden, read-only system accounts", async () => {
      const { userList, more } = await listUsers();
      expect(more).toBe(false);
      expect(userList.map((u) => u.account)).toEqual(["admin", "anonymous", "system"]);
      expect(userList[0]).toEqual({
        account: "admin",
        userType: "user",
        grantedRoles: ["main:admin"],
        isSuperAdmin: true,
        pwdDt: expect.any(Number),
      });
      expect(userList[1]).toMatchObject({ isAnonymous: true, isHidden: true, isReadOnly: true });
      expect(userList[2]).toMatchObject({ grantedRoles: ["main:system"], isHidden: true, isReadOnly: true });
    });

    it("creates a user from a CDM userProps form field, never rendering its password", async () => {
      const created = await createUser("jdoe", {
        firstName: "Jo",
        lastName: "O'Doe",
        email: "jo@example.org",
        nickNames: ["john"],
        grantedRoles: ["main:reader"],
        authMethod: "",
        password: "s3cret",
      });
      expect(created.result).toBe("available");
      const user = created.user as Json;
      expect(user).toMatchObject({
        account: "jdoe",
        userType: "user",
        firstName: "Jo",
        lastName: "O'Doe",
        nickNames: ["john"],
        grantedRoles: ["main:reader"],
      });
      expect(user).not.toHaveProperty("password");
      expect(user.pwdDt).toEqual(expect.any(Number));
      expect((await display("jdoe")).user).toEqual(user);
      expect(JSON.stringify(await admin.state())).not.toContain("s3cret");
      expect((await call("ping", "Ping", { auth: { user: "jdoe", password: "s3cret" } })).status).toBe(200);
    });

    it("reads the literal CDM of the reference", async () => {
      await createUser("jo");
      const answer = await call("adminUsers", "UpdateUser", {
        query: { param: "jo" },
        form: { userProps: "(firstName'Jo'grantedRoles*'main:reader'-userType'user')" },
      });
      expect(answer.json().user).toMatchObject({ firstName: "Jo", grantedRoles: ["main:reader"] });
    });

    it("accepts the web client's multipart userProps and its form-field param", async () => {
      const boundary = "----sbx";
      const body = [
        `--${boundary}`,
        'Content-Disposition: form-data; name="userProps"',
        "",
        cdm({ groupName: "Web" }),
        `--${boundary}--`,
        "",
      ].join("\r\n");
      const answer = await call("adminUsers", "CreateGroup", {
        frame: "web",
        query: { param: "webgroup" },
        body,
        contentType: `multipart/form-data; boundary=${boundary}`,
        headers: { ScCsrf: "1" },
      });
      expect(answer.json()).toMatchObject({ result: "available", user: { account: "webgroup", userType: "group", groupName: "Web" } });
    });

    it("answers Display without a user key for an unknown account", async () => {
      const answer = await call("adminUsers", "Display", { query: { param: "ghost" } });
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({});
    });

    it("answers DisplaySet with one entry per account, null for unknown ones", async () => {
      await createGroup("team");
      const answer = await call("adminUsers", "DisplaySet", { query: { param: "admin\tteam\tghost" } });
      expect(answer.json()).toEqual({
        admin: expect.objectContaining({ account: "admin" }),
        team: { account: "team", userType: "group" },
        ghost: null,
      });
    });

    it("refuses to create an account that exists, users and groups sharing one namespace", async () => {
      await createUser("jdoe", { firstName: "Jo", nickNames: ["john"] });
      const again = await createUser("jdoe", { firstName: "Other" });
      expect(again).toEqual({
        result: "failedAccountConflict",
        secondaryResults: { error: { type: "AccountConflictException", msg: expect.any(String) } },
      });
      expect(again).not.toHaveProperty("user");
      expect((await createGroup("jdoe")).result).toBe("failedAccountConflict");
      expect((await createGroup("john")).result).toBe("failedAccountConflict");
      expect(((await display("jdoe")).user as Json).firstName).toBe("Jo");
    });

    it("refuses a nick name another account uses", async () => {
      await createUser("a", { nickNames: ["shared"] });
      const answer = await createUser("b", { nickNames: ["shared"] });
      expect(answer).toMatchObject({ result: "failedAccountConflict", secondaryResults: { error: { type: "NickConflictException" } } });
      expect(await display("b")).toEqual({});
    });

    it("refuses invalid data in-band with failedInvalidDatas, changing nothing", async () => {
      expect((await createUser("bad name")).result).toBe("failedInvalidDatas");
      expect((await createUser("x", { grantedRoles: "main:reader" })).result).toBe("failedInvalidDatas");
      expect((await createUser("y", { email: "not-an-address" })).result).toBe("failedInvalidDatas");
      expect((await createUser("z", { groups: ["no-such-group"] })).result).toBe("failedInvalidDatas");
      expect((await createGroup("g", { password: "pw" })).result).toBe("failedInvalidDatas");
      const { userList } = await listUsers();
      expect(userList.map((u) => u.account)).toEqual(["admin", "anonymous", "system"]);
    });

    it("answers a malformed CDM parameter 400", async () => {
      const answer = await call("adminUsers", "CreateUser", { query: { param: "x" }, form: { userProps: "(firstName'unterminated" } });
      expect(answer.status).toBe(400);
      expect(answer.text).toMatch(/userProps/);
    });

    it("updates as a partial merge: props not sent survive", async () => {
      await createUser("jdoe", { firstName: "Jo", lastName: "Doe", email: "jo@example.org", grantedRoles: ["main:reader"] });
      const updated = await updateUser("jdoe", { grantedRoles: ["main:author"] });
      expect(updated.result).toBe("updated");
      expect(updated.user).toMatchObject({ firstName: "Jo", lastName: "Doe", email: "jo@example.org", grantedRoles: ["main:author"] });
      const cleared = await updateUser("jdoe", { email: null, grantedRoles: [] });
      expect(cleared.user).not.toHaveProperty("email");
      expect(cleared.user).not.toHaveProperty("grantedRoles");
      expect(cleared.user).toMatchObject({ firstName: "Jo" });
    });

    it("updates groups with UpdateUser too, as set_granted_roles does, and merges UpdateGroup", async () => {
      await createGroup("authors", { groupName: "Authors", email: "authors@example.org" });
      expect((await updateUser("authors", { grantedRoles: ["main:author"] })).user).toMatchObject({
        userType: "group",
        groupName: "Authors",
        grantedRoles: ["main:author"],
      });
      expect((await updateUser("authors", { groupName: "Writers" }, "UpdateGroup")).user).toMatchObject({
        groupName: "Writers",
        email: "authors@example.org",
        grantedRoles: ["main:author"],
      });
    });

    it("refuses to switch an account between user and group, to update unknown or read-only accounts", async () => {
      await createGroup("team");
      expect(await updateUser("team", { userType: "user", firstName: "X" })).toMatchObject({
        result: "otherFailure",
        secondaryResults: { error: { type: "UserGroupSwitchException" } },
      });
      expect((await updateUser("ghost", { firstName: "X" })).result).toBe("otherFailure");
      expect((await updateUser("system", { grantedRoles: [] })).result).toBe("otherFailure");
      expect(((await display("team")).user as Json).firstName).toBeUndefined();
    });

    it("computes inherited roles and flattened groups through nested groups, and refuses cycles", async () => {
      await createGroup("all", { grantedRoles: ["main:reader"] });
      await createGroup("authors", { groups: ["all"], grantedRoles: ["main:author"] });
      await createUser("jdoe", { groups: ["authors"] });
      const user = (await display("jdoe", ["flattenedGroups"])).user as Json;
      expect(user).toMatchObject({
        groups: ["authors"],
        flattenedGroups: ["authors", "all"],
        inheritedRoles: ["main:author", "main:reader"],
      });
      expect((await display("jdoe")).user).not.toHaveProperty("flattenedGroups");
      expect((await display("jdoe", ["-inheritedRoles"])).user).not.toHaveProperty("inheritedRoles");
      expect(await updateUser("all", { groups: ["authors"] })).toMatchObject({
        result: "failedInvalidDatas",
        secondaryResults: { error: { type: "GroupCycleException" } },
      });
    });

    it("filters the list by type, hidden, first chars, roles, group membership, state and regexp", async () => {
      await createGroup("authors", { grantedRoles: ["main:author"], groupName: "Les auteurs" });
      await createUser("alice", { firstName: "Alice", groups: ["authors"] });
      await createUser("bob", { lastName: "Martin", grantedRoles: ["main:reader"], email: "bob@corp.example" });
      await createUser("carol", { isDisabled: true });
      await createUser("dave", { disabledEndDt: Date.now() + 86_400_000 });
      const accounts = async (options: Json) => (await listUsers(options)).userList.map((u) => u.account);
      expect(await accounts({ filterType: "group" })).toEqual(["authors"]);
      expect(await accounts({ filterType: "user", filterHidden: true })).toEqual(["admin", "alice", "bob", "carol", "dave"]);
      expect(await accounts({ firstChars: "MAR" })).toEqual(["bob"]);
      expect(await accounts({ filterRoles: ["main:author"] })).toEqual(["alice", "authors"]);
      expect(await accounts({ filterGroupsMembers: ["authors"] })).toEqual(["alice"]);
      expect(await accounts({ filterDisabled: "disabled" })).toEqual(["carol"]);
      expect(await accounts({ filterDisabled: "enabledTemporary" })).toEqual(["dave"]);
      expect(await accounts({ fieldMatchRegExp: "corp\\.example$", fieldsContainsList: "email" })).toEqual(["bob"]);
      const page = await listUsers({ filterHidden: true, maxResults: 2 });
      expect(page.userList.map((u) => u.account)).toEqual(["admin", "alice"]);
      expect(page.more).toBe(true);
      expect((await call("adminUsers", "List", { query: { options: cdm({ filterType: "robot" }) } })).status).toBe(400);
    });

    it("drops users and groups, TAB-separated, from the query or the form", async () => {
      await createGroup("team");
      await createUser("a", { groups: ["team"] });
      await createUser("b");
      await createUser("c");
      const fromQuery = await call("adminUsers", "DropUser", { method: "POST", query: { param: "a\tb\tghost" }, headers: { Sccsrf: "1" } });
      expect(fromQuery.status).toBe(200);
      expect(fromQuery.json()).toEqual({});
      expect(await display("a")).toEqual({});
      expect(await display("b")).toEqual({});
      await updateUser("c", { groups: ["team"] });
      expect((await call("adminUsers", "DropGroup", { form: { param: "team" } })).status).toBe(200);
      expect(await display("team")).toEqual({});
      expect((await display("c")).user).not.toHaveProperty("groups");
      const readOnly = await call("adminUsers", "DropUser", { form: { param: "c\tsystem" } });
      expect(readOnly.json()).toMatchObject({ result: "otherFailure" });
      expect(await display("c")).not.toEqual({});
    });

    it("answers CurrentUser with the authenticated account", async () => {
      const answer = await call("adminUsers", "CurrentUser", { frame: "web" });
      expect(answer.json()).toMatchObject({ account: "admin", grantedRoles: ["main:admin"] });
    });
  });

  describe("wspMetaEditor", () => {
    it("lists the installed models as XML: Opale and Dokiel in two versions, with languages and options", async () => {
      const answer = await call("wspMetaEditor", "GetNewEditor");
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^text\/xml/);
      const defs = [...answer.text.matchAll(/<wspTypeDef ([^>]*)>/g)].map((m) => m[1] ?? "");
      const attr = (def: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(def)?.[1];
      expect(defs.map((d) => `${attr(d, "key")} ${attr(d, "version")} ${attr(d, "lang")}`)).toEqual([
        "Opale 4.3.2 fr-FR",
        "Opale 5.0.5 fr-FR",
        "Opale 5.0.5 en-US",
        "Dokiel 5.2.1 fr-FR",
        "Dokiel 6.0.3 fr-FR",
        "Dokiel 6.0.3 en-US",
      ]);
      expect(defs.map((d) => attr(d, "newest") ?? "-")).toEqual(["-", "true", "true", "-", "true", "true"]);
      expect(attr(defs[1] ?? "", "uri")).toBe("Opale_fr-FR_5-0-5");
      expect(answer.text).toMatch(
        /<wspOptionDef key="OpaleExtEmeraude" uri="OpaleExtEmeraude_fr-FR_5-0-2" version="5.0.2" lang="fr-FR" title="[^"]+" nature="ext"\/>/,
      );
      expect(answer.text).toMatch(/^<\?xml[^>]*\?>\s*<wspMetaEditor>/);
    });

    it("marks the workspace's current model in the update editor", async () => {
      const wspCd = (await createWsp({ title: "T" })).json().wspCd as string;
      const answer = await call("wspMetaEditor", "GetUpdateEditor", { query: { param: wspCd } });
      expect(answer.text).toMatch(/<wspTypeDef key="Opale" uri="Opale_fr-FR_5-0-5"[^>]*selected="true"/);
    });
  });

  describe("adminWsp", () => {
    it("lists no workspace at first, on a database backend", async () => {
      expect(await listWsps()).toEqual({ wspProvider: { backEnd: "odb" }, wsps: [] });
    });

    it("creates with PUT, createParams CDM and a wspType body, assigning a 22-character code", async () => {
      const answer = await createWsp(
        { title: "Mon atelier", alias: "opale-main", desc: "Docs", publicWsp: true, skins: ["sobre"] },
        wspTypeXml({ key: "Opale", uri: "Opale_fr-FR_5-0-5", version: "5.0.5", lang: "fr-FR", title: "Opale 5" }, [
          { key: "OpaleExtEmeraude", version: "5.0.2", lang: "fr-FR" },
        ]),
      );
      expect(answer.status).toBe(200);
      const info = answer.json();
      expect(info.wspCd).toMatch(/^[0-9A-Za-z]{22}$/);
      expect(info).toEqual({
        wspCd: info.wspCd,
        status: "ok",
        title: "Mon atelier",
        alias: "opale-main",
        props: { desc: "Docs", publicWsp: "true", airIt: "false", extIt: "false", mirror: "false" },
        wspType: { key: "Opale", uri: "Opale_fr-FR_5-0-5", version: "5.0.5", lang: "fr-FR", title: "Opale 5" },
        wspOptions: [
          { key: "OpaleExtEmeraude", uri: "OpaleExtEmeraude_fr-FR_5-0-2", version: "5.0.2", lang: "fr-FR", title: expect.any(String) },
        ],
        skins: ["sobre"],
        wspProvider: { backEnd: "odb" },
      });
      expect(await infoWsp(info.wspCd as string)).toEqual(info);
      expect(await infoWsp("opale-main")).toEqual(info);
      const { wsps } = await listWsps();
      expect(wsps).toHaveLength(1);
      expect(wsps[0]).not.toHaveProperty("wspProvider");
    });

    it("accepts an XML body without a content type, as the Python client sends it", async () => {
      const answer = await call("adminWsp", "CreateWsp", { method: "PUT", query: { createParams: "(title'T')" }, body: OPALE_5 });
      expect(answer.json().status).toBe("ok");
    });

    it("normalises the model: the newest installed version matching key, version prefix and language", async () => {
      const newest = (await createWsp({ title: "a" }, wspTypeXml({ key: "Dokiel" }))).json();
      expect(newest.wspType).toMatchObject({ key: "Dokiel", version: "6.0.3" });
      const older = (await createWsp({ title: "b" }, wspTypeXml({ key: "Opale", version: "4" }))).json();
      expect(older.wspType).toEqual({ key: "Opale", uri: "Opale_fr-FR_4-3-2", version: "4.3.2", lang: "fr-FR", title: "Opale 4" });
      const english = (await createWsp({ title: "c" }, wspTypeXml({ key: "Opale", lang: "en-US" }))).json();
      expect(english.wspType).toMatchObject({ lang: "en-US", uri: "Opale_en-US_5-0-5" });
      const asSent = (
        await createWsp({ title: "d" }, wspTypeXml({ key: "Opale", version: "5.0.5" }), { normaliseWspType: "false" })
      ).json();
      expect(asSent.wspType).toEqual({ key: "Opale", version: "5.0.5" });
    });

    it("refuses unknown models and options, missing titles, foreign or invalid params, taken aliases", async () => {
      expect((await createWsp({ title: "t" }, wspTypeXml({ key: "Topaze" }))).status).toBe(400);
      expect((await createWsp({ title: "t" }, wspTypeXml({ key: "Opale", version: "9" }))).status).toBe(400);
      expect((await createWsp({ title: "t" }, wspTypeXml({ key: "Opale", version: "5" }, [{ key: "DokielExtScreens" }]))).status).toBe(400);
      expect((await createWsp({ title: "t" }, "<notAWspType/>")).status).toBe(400);
      expect((await createWsp({ title: "t" }, "<wspType key='Opale'")).status).toBe(400);
      expect((await createWsp({ alias: "untitled" })).status).toBe(400);
      expect((await createWsp({ title: "t", code: "fs_code" })).status).toBe(400);
      expect((await createWsp({ title: "t", alias: "A1b2C3d4E5f6G7h8I9j0K1" })).status).toBe(400);
      expect((await createWsp({ title: "t", alias: "has space" })).status).toBe(400);
      expect((await createWsp({ title: "t", alias: "taken" })).status).toBe(200);
      const conflict = await createWsp({ title: "u", alias: "taken" });
      expect(conflict.status).toBe(409);
      expect(conflict.contentType).toMatch(/^text\/plain/);
      expect((await listWsps()).wsps).toHaveLength(1);
    });

    it("answers InfoWsp for an unknown workspace with 200 and status noWsp", async () => {
      const answer = await call("adminWsp", "InfoWsp", { query: { param: "nothing-here" } });
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ status: "noWsp" });
    });

    it("updates props as a partial merge, flags read back as strings", async () => {
      const wspCd = (await createWsp({ title: "T", alias: "a1", desc: "D", publicWsp: true })).json().wspCd as string;
      const update = (params: Json) =>
        call("adminWsp", "UpdateWspProps", { method: "POST", query: { param: wspCd, updateParams: cdm(params as CdmValue) } });
      expect((await update({ airIt: true, publicWsp: false })).status).toBe(200);
      expect(await infoWsp(wspCd)).toMatchObject({
        title: "T",
        alias: "a1",
        props: { desc: "D", publicWsp: "false", airIt: "true", extIt: "false", mirror: "false" },
      });
      expect((await update({ title: "T2", alias: "a2", desc: "" })).status).toBe(200);
      const info = await infoWsp("a2");
      expect(info).toMatchObject({ wspCd, title: "T2", alias: "a2" });
      expect(info.props).not.toHaveProperty("desc");
      expect(await infoWsp("a1")).toEqual({ status: "noWsp" });
      await createWsp({ title: "other", alias: "other" });
      expect((await update({ alias: "other" })).status).toBe(409);
      expect((await update({ folderGen: "/x" })).status).toBe(400);
      expect((await update({ title: "" })).status).toBe(400);
      const unknown = await call("adminWsp", "UpdateWspProps", { method: "POST", query: { param: "ghost", updateParams: "(title'x')" } });
      expect(unknown.status).toBe(404);
    });

    it("changes the model with UpdateWspType and tells whether a migration is needed", async () => {
      const wspCd = (await createWsp({ title: "T" })).json().wspCd as string;
      const migration = async (body: string) =>
        (await call("adminWsp", "IsMigrationNeeded", { method: "PUT", query: { param: wspCd }, body, contentType: "text/xml" })).text;
      expect(await migration(OPALE_5)).toBe("<noMigrationNeeded/>");
      // Python's requests writes booleans as True/False.
      const pythonStyle = await call("adminWsp", "IsMigrationNeeded", {
        method: "PUT",
        query: { param: wspCd, normaliseWspType: "True" },
        body: OPALE_5,
      });
      expect(pythonStyle.text).toBe("<noMigrationNeeded/>");
      expect(
        (await call("adminWsp", "IsMigrationNeeded", { method: "PUT", query: { param: wspCd, normaliseWspType: "yes" }, body: OPALE_5 }))
          .status,
      ).toBe(400);
      expect(await migration(wspTypeXml({ key: "Opale", version: "4.3.2" }))).toBe("<migrationNeeded/>");
      const changed = await call("adminWsp", "UpdateWspType", {
        method: "PUT",
        query: { param: wspCd },
        body: wspTypeXml({ key: "Opale", version: "5.0.5", lang: "fr-FR" }, [{ key: "OpaleSkinSobre" }]),
      });
      expect(changed.status).toBe(200);
      expect(changed.json().wspOptions).toEqual([expect.objectContaining({ key: "OpaleSkinSobre", version: "5.0.1" })]);
      expect((await infoWsp(wspCd)).wspOptions).toHaveLength(1);
      expect(
        (await call("adminWsp", "UpdateWspType", { method: "PUT", query: { param: wspCd }, body: wspTypeXml({ key: "Nope" }) })).status,
      ).toBe(400);
    });

    it("moves deleted workspaces to the trash, restores them and purges them", async () => {
      const wspCd = (await createWsp({ title: "T", alias: "doomed" })).json().wspCd as string;
      const post = (cdaction: string, query: Record<string, string> = {}) =>
        call("adminWsp", cdaction, { method: "POST", query: { param: wspCd, ...query } });
      expect((await post("DeleteWsp", { deleteParams: cdm({ deleteGen: true }) })).status).toBe(200);
      expect((await listWsps()).wsps).toEqual([]);
      expect((await listWsps("ListTrash")).wsps.map((w) => w.wspCd)).toEqual([wspCd]);
      expect(await infoWsp("doomed", { fields: "srcRoles*srcSt" })).toMatchObject({ wspCd, status: "ok", srcFields: { srcSt: -1 } });
      // The alias stays reserved while the workspace is in the trash.
      expect((await createWsp({ title: "again", alias: "doomed" })).status).toBe(409);
      expect((await post("DeleteWsp")).status).toBe(200);

      expect((await post("RestoreWsp")).status).toBe(200);
      expect((await listWsps()).wsps.map((w) => w.wspCd)).toEqual([wspCd]);
      expect((await listWsps("ListTrash")).wsps).toEqual([]);
      expect((await post("RestoreWsp")).status).toBe(400);

      expect((await post("DeleteWsp")).status).toBe(200);
      expect((await post("DeletePermanentlyWsp")).status).toBe(200);
      expect(await infoWsp(wspCd)).toEqual({ status: "noWsp" });
      expect((await listWsps("ListTrash")).wsps).toEqual([]);
      expect((await createWsp({ title: "again", alias: "doomed" })).status).toBe(200);
      expect((await post("DeleteWsp")).status).toBe(404);
    });

    it("creates drafts and derived workspaces, whose identity cannot change", async () => {
      const master = (await createWsp({ title: "Master", alias: "master" })).json().wspCd as string;
      const draft = (await createWsp({ wspRef: "master", draftTitle: "Brouillon", alias: "draft" })).json();
      expect(draft).toMatchObject({ title: "Brouillon", props: { drfRefWsp: master, draftTitle: "Brouillon" } });
      const derived = (await createWsp({ wspMaster: master, drvAxis: "fc", drvDefaultSrcFindPath: ["alt", "base"] })).json();
      expect(derived).toMatchObject({ title: "Master", props: { drvMasterWsp: master, drvAxis: "fc", drvDefaultSrcFindPath: "alt base" } });
      expect((await createWsp({ title: "x", wspRef: master })).status).toBe(400);
      expect((await createWsp({ wspMaster: master })).status).toBe(400);
      expect((await createWsp({ wspRef: "ghost" })).status).toBe(400);
      const update = (params: Json) =>
        call("adminWsp", "UpdateWspProps", { method: "POST", query: { param: "draft", updateParams: cdm(params as CdmValue) } });
      expect((await update({ wspRef: master, draftTitle: "Renamed" })).status).toBe(200);
      expect((await infoWsp("draft")).title).toBe("Renamed");
      expect((await update({ wspRef: derived.wspCd as string })).status).toBe(400);
    });

    it("adds srcFields and the root role map to the list on request", async () => {
      const wspCd = (await createWsp({ title: "T" })).json().wspCd as string;
      await setRoles(wspCd, { admin: { allowedRoles: ["main:author"] } });
      const { wsps } = await listWsps("List", { fields: "srcRoles*srcRi*srcSt", withWspSrcSpecifiedRoles: "true" });
      expect(wsps[0]).toMatchObject({
        srcFields: { srcRoles: ["main:admin", "main:author"], srcRi: 511, srcSt: 2 },
        srcSpecifiedRoles: { admin: { allowedRoles: ["main:author"] } },
      });
      expect((await listWsps()).wsps[0]).not.toHaveProperty("srcFields");
    });

    it("says which features it does not model with 501", async () => {
      const answer = await call("adminWsp", "CreateWspImport", { method: "PUT", query: { createParams: "(title'T')" }, body: "PK" });
      expect(answer.status).toBe(501);
    });
  });

  describe("wspSrc role maps", () => {
    let wspCd: string;
    beforeEach(async () => {
      wspCd = (await createWsp({ title: "Roles", alias: "roles" })).json().wspCd as string;
      await createUser("alice");
      await createUser("bob");
    });

    it("sets roles on the workspace root, answering the node's whole map", async () => {
      const first = await setRoles(wspCd, { alice: { allowedRoles: ["main:author"] } });
      expect(first.status).toBe(200);
      expect(first.json()).toEqual({ alice: { allowedRoles: ["main:author"] } });
      const second = await setRoles("roles", { bob: { allowedRoles: ["main:reader"], deniedRoles: ["main:author"] } });
      expect(second.json()).toEqual({
        alice: { allowedRoles: ["main:author"] },
        bob: { allowedRoles: ["main:reader"], deniedRoles: ["main:author"] },
      });
      expect(await getRoles(wspCd)).toEqual(second.json());
      expect(await getRoles(wspCd, "", "bob")).toEqual({ bob: { allowedRoles: ["main:reader"], deniedRoles: ["main:author"] } });
    });

    it("replaces an account's entry, and removes it on null or when it holds no role", async () => {
      await setRoles(wspCd, {
        alice: { allowedRoles: ["main:author"], deniedRoles: ["main:manager"] },
        bob: { allowedRoles: ["main:reader"] },
      });
      expect((await setRoles(wspCd, { alice: { allowedRoles: ["main:reader"] } })).json()).toEqual({
        alice: { allowedRoles: ["main:reader"] },
        bob: { allowedRoles: ["main:reader"] },
      });
      expect((await setRoles(wspCd, { alice: null })).json()).toEqual({ bob: { allowedRoles: ["main:reader"] } });
      expect((await setRoles(wspCd, { bob: { allowedRoles: [] } })).json()).toEqual({});
      expect(await getRoles(wspCd)).toEqual({});
    });

    it("keeps a map per space, with the roles inherited from above", async () => {
      await setRoles(wspCd, { alice: { allowedRoles: ["main:reader"] } });
      const space = await setRoles(wspCd, { alice: { allowedRoles: ["main:author"] } }, "/chapters/one");
      expect(space.json()).toEqual({ alice: { allowedRoles: ["main:author"], inheritedRoles: ["main:reader"] } });
      expect(await getRoles(wspCd, "/chapters/one/")).toEqual(space.json());
      expect(await getRoles(wspCd, "/chapters")).toEqual({});
      expect(await getRoles(wspCd)).toEqual({ alice: { allowedRoles: ["main:reader"] } });
    });

    it("flags entries of unknown or dropped accounts as userUnknown", async () => {
      expect((await setRoles(wspCd, { ghost: { allowedRoles: ["main:reader"] } })).json()).toEqual({
        ghost: { allowedRoles: ["main:reader"], userUnknown: true },
      });
      await setRoles(wspCd, { alice: { allowedRoles: ["main:author"] } });
      await call("adminUsers", "DropUser", { form: { param: "alice" } });
      expect((await getRoles(wspCd)).alice).toEqual({ allowedRoles: ["main:author"], userUnknown: true });
    });

    it("refuses malformed maps and unknown workspaces, and does not model content", async () => {
      expect((await setRoles(wspCd, { alice: { allowedRoles: "main:reader" } })).status).toBe(400);
      expect((await call("wspSrc", "SetSpecifiedRoles", { method: "POST", query: { param: wspCd, options: "*'a'-" } })).status).toBe(400);
      expect((await setRoles("ghost", { alice: null })).status).toBe(404);
      expect((await call("wspSrc", "SetSpecifiedRoles", { query: { param: wspCd, options: "()" } })).status).toBe(405);
      expect((await call("wspSrc", "GetSrc", { query: { param: wspCd, format: "stream", refUri: "/a.xml" } })).status).toBe(501);
    });
  });

  describe("out-of-band operations", () => {
    it("change accounts behind the client's back", async () => {
      await createUser("jdoe", { firstName: "Jo", grantedRoles: ["main:reader"] });
      await admin.op("patchAccount", { account: "jdoe", props: { grantedRoles: ["main:admin"], firstName: null } });
      expect((await display("jdoe")).user).toEqual({ account: "jdoe", userType: "user", grantedRoles: ["main:admin"] });
      await admin.op("putAccount", { account: "ops", userType: "group", groupName: "Ops" });
      expect((await display("ops")).user).toEqual({ account: "ops", userType: "group", groupName: "Ops" });
      await admin.op("patchAccount", { account: "jdoe", props: { password: "new-pw" } });
      expect((await call("ping", "Ping", { auth: { user: "jdoe", password: "new-pw" } })).status).toBe(200);
      await admin.op("deleteAccount", { account: "ops" });
      expect(await display("ops")).toEqual({});
      await expect(admin.op("patchAccount", { account: "jdoe", props: { fristName: "typo" } })).rejects.toThrow(/400/);
    });

    it("change workspaces, their roles and the installed models", async () => {
      const wspCd = (await createWsp({ title: "T", alias: "w" })).json().wspCd as string;
      await admin.op("patchWsp", { wsp: "w", props: { title: "Drifted", publicWsp: true } });
      expect(await infoWsp(wspCd)).toMatchObject({ title: "Drifted", props: { publicWsp: "true" } });
      await admin.op("setSpecifiedRoles", { wsp: wspCd, roles: { admin: { allowedRoles: ["main:reader"] } } });
      expect(await getRoles(wspCd)).toEqual({ admin: { allowedRoles: ["main:reader"] } });
      await admin.op("trashWsp", { wsp: wspCd });
      expect((await listWsps("ListTrash")).wsps).toHaveLength(1);
      await admin.op("restoreWsp", { wsp: wspCd });
      await admin.op("uninstallWspTypeDef", { uri: "Opale_fr-FR_5-0-5" });
      expect((await infoWsp(wspCd)).wspTypeWarn).toEqual(expect.any(String));
      await admin.op("installWspTypeDef", { key: "Opale", uri: "Opale_fr-FR_5-0-5", version: "5.0.5", lang: "fr-FR", title: "Opale 5" });
      expect(await infoWsp(wspCd)).not.toHaveProperty("wspTypeWarn");
      await admin.op("purgeWsp", { wsp: wspCd });
      expect(await infoWsp(wspCd)).toEqual({ status: "noWsp" });
    });
  });
});

describe("Scenari sandbox, file-system backend", () => {
  let sandbox: Sandbox<ScenariState>;
  const call = scenari(() => sandbox);

  beforeAll(async () => {
    sandbox = await createScenariSandbox({ backend: "fs", credentials: { username: ADMIN.user, password: ADMIN.password } }).start();
  });
  afterAll(async () => {
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  const createWsp = (params: Json) =>
    call("adminWsp", "CreateWsp", {
      method: "PUT",
      query: { createParams: cdm(params as CdmValue) },
      body: OPALE_5,
      contentType: "text/xml",
    });
  const infoWsp = async (param: string) => (await call("adminWsp", "InfoWsp", { query: { param } })).json();

  it("says fs in wspProvider, with default folders", async () => {
    const list = (await call("adminWsp", "List")).json();
    expect(list).toEqual({
      wspProvider: { backEnd: "fs", defaultContentPath: expect.any(String), defaultGenPath: expect.any(String) },
      wsps: [],
    });
  });

  it("names workspaces by the client's code, with no alias and no flags", async () => {
    const answer = await createWsp({ code: "docs_2024", title: "Docs", desc: "D" });
    expect(answer.status).toBe(200);
    const info = answer.json();
    expect(info).toMatchObject({ wspCd: "docs_2024", status: "ok", title: "Docs", props: { desc: "D" }, wspProvider: { backEnd: "fs" } });
    expect(info.props).toEqual({ desc: "D" });
    expect(info).not.toHaveProperty("alias");
    expect(info.content).toMatch(/docs_2024$/);
    expect(info.gen).toMatch(/docs_2024$/);
    expect(await infoWsp("docs_2024")).toEqual(info);
    expect((await createWsp({ code: "custom", folderContent: "/srv/custom", folderGen: "/srv/gen" })).json()).toMatchObject({
      content: "/srv/custom",
      gen: "/srv/gen",
    });
  });

  it("requires a free, valid code and refuses database-only params", async () => {
    expect((await createWsp({ title: "no code" })).status).toBe(400);
    expect((await createWsp({ code: "bad-code" })).status).toBe(400);
    expect((await createWsp({ code: "dup" })).status).toBe(200);
    expect((await createWsp({ code: "dup" })).status).toBe(409);
    expect((await createWsp({ code: "a1", alias: "x" })).status).toBe(400);
    expect((await createWsp({ code: "a2", publicWsp: true })).status).toBe(400);
  });

  it("updates title and desc, keeping the code fixed", async () => {
    await createWsp({ code: "w", title: "T" });
    const update = (params: Json) =>
      call("adminWsp", "UpdateWspProps", { method: "POST", query: { param: "w", updateParams: cdm(params as CdmValue) } });
    expect((await update({ code: "w", title: "T2", desc: "D2" })).status).toBe(200);
    expect(await infoWsp("w")).toMatchObject({ title: "T2", props: { desc: "D2" } });
    expect((await update({ code: "other" })).status).toBe(400);
    expect((await update({ skins: ["s"] })).status).toBe(400);
  });

  it("forgets deleted workspaces: no trash on a file system", async () => {
    await createWsp({ code: "w", title: "T" });
    expect(
      (
        await call("adminWsp", "DeleteWsp", {
          method: "POST",
          query: { param: "w", deleteParams: cdm({ deleteGen: true, deleteContent: false }) },
        })
      ).status,
    ).toBe(200);
    expect(await infoWsp("w")).toEqual({ status: "noWsp" });
    expect((await call("adminWsp", "ListTrash")).json().wsps).toEqual([]);
    expect((await call("adminWsp", "RestoreWsp", { method: "POST", query: { param: "w" } })).status).toBe(404);
  });

  it("shares the user and role services with the database backend", async () => {
    await createWsp({ code: "w", title: "T" });
    const roles = await call("wspSrc", "SetSpecifiedRoles", {
      method: "POST",
      query: { param: "w", refUri: "", options: cdm({ admin: { allowedRoles: ["main:author"] } }) },
    });
    expect(roles.json()).toEqual({ admin: { allowedRoles: ["main:author"] } });
    const created = await call("adminUsers", "CreateUser", { query: { param: "u" }, form: { userProps: cdm({ firstName: "U" }) } });
    expect(created.json()).toMatchObject({ result: "available", user: { account: "u" } });
  });
});
