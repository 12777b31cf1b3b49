import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ScenariState } from "../../sandbox/scenari";
import { CheckFailed, InitFailed, RpcError, rejection, type ResourceState } from "../support/provider";
import { startScenariHarness, type ScenariHarness } from "../support/scenariHarness";

const KIND = "scenari:Workspace";
type Json = Record<string, unknown>;

/** What the server was asked, in order: `PUT CreateWsp`, `GET InfoWsp`… */
async function actionsOf(h: ScenariHarness): Promise<string[]> {
  return (await h.admin.requests()).entries.map((e) => `${e.method} ${new URLSearchParams(e.query).get("cdaction") ?? "?"}`);
}

/** An admin-service call straight over HTTP, as any other client of the server sees it (not the package's client). */
async function serviceCall(h: ScenariHarness, service: string, query: Record<string, string>): Promise<Json> {
  const url = new URL(`${h.sandbox.clientUrl}/script/u/${service}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const { username, password } = h.sandbox.credentials;
  const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

const infoWsp = (h: ScenariHarness, param: string) => serviceCall(h, "adminWsp", { cdaction: "InfoWsp", param, fields: "srcSt" });
const rootRoles = (h: ScenariHarness, param: string) =>
  serviceCall(h, "wspSrc", { cdaction: "GetSrc", param, format: "specifiedRoles", refUri: "" });

async function putAccounts(h: ScenariHarness, users: string[], groups: string[] = []): Promise<void> {
  for (const account of users) await h.admin.op("putAccount", { account, userType: "user" });
  for (const account of groups) await h.admin.op("putAccount", { account, userType: "group" });
}

describe("ScenariWorkspace on a database backend", () => {
  let h: ScenariHarness;
  beforeAll(async () => {
    h = await startScenariHarness("db");
    await putAccounts(h, ["alice", "bob", "carol"], ["authors", "readers"]);
  });
  afterAll(async () => h?.stop());
  beforeEach(async () => {
    await h.admin.clearFaults();
    await h.admin.resetRequests();
  });

  const wsps = async () => (await h.admin.state<ScenariState>()).wsps;

  const COURSE = {
    alias: "algebra-101",
    title: "Algèbre 1",
    description: "Cours de première année",
    model: { key: "Opale", version: "5", lang: "fr-FR", options: ["OpaleExtEmeraude"] },
    publicWsp: true,
    airIt: false,
    roles: { authors: { allowed: ["main:author"] }, alice: { allowed: ["main:reader", "main:author"], denied: ["main:manager"] } },
  };
  let course: ResourceState;

  it("creates a workspace that reads back through InfoWsp with the declared title, alias, model and role map", async () => {
    const { state, op } = await h.engine.up(KIND, COURSE);
    expect(op).toBe("create");
    course = state;
    expect(state.id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(state.outputs).toMatchObject({ wspCd: state.id, backEnd: "odb", alias: "algebra-101", code: null, deletionPolicy: "trash" });

    const info = await infoWsp(h, "algebra-101");
    expect(info).toMatchObject({
      wspCd: state.id,
      title: "Algèbre 1",
      alias: "algebra-101",
      props: { desc: "Cours de première année", publicWsp: "true", airIt: "false" },
      // The newest installed Opale 5 in French, with the option at the version that model offers.
      wspType: { key: "Opale", version: "5.0.5", lang: "fr-FR", uri: "Opale_fr-FR_5-0-5" },
      wspOptions: [{ key: "OpaleExtEmeraude", version: "5.0.2", lang: "fr-FR" }],
    });
    expect(await rootRoles(h, state.id)).toEqual({
      authors: { allowedRoles: ["main:author"] },
      alice: { allowedRoles: ["main:author", "main:reader"], deniedRoles: ["main:manager"] },
    });
    // The model is resolved, then created in one request, then the roles set in one: nothing else is written.
    expect((await actionsOf(h)).filter((a) => !a.startsWith("GET"))).toEqual(["PUT CreateWsp", "POST SetSpecifiedRoles"]);
  });

  it("diffs empty, with no request, for string flags, reordered roles and a version prefix", async () => {
    await h.admin.resetRequests();
    const same = await h.engine.preview(
      KIND,
      {
        ...COURSE,
        model: { key: "Opale", version: "5", lang: "fr-FR", options: ["OpaleExtEmeraude", "OpaleExtEmeraude"] },
        roles: {
          alice: { allowed: ["main:author", "main:reader"], denied: ["main:manager"] },
          authors: { allowed: ["main:author"], denied: [] },
        },
      },
      course,
    );
    expect(same).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
    // Refresh reads "true"/"false" and the server's role order back into the same outputs.
    const refreshed = await h.engine.refresh(course);
    expect(refreshed?.outputs.publicWsp).toBe(true);
    expect(await h.engine.preview(KIND, COURSE, refreshed)).toBe("same");
  });

  it("updates title, description, flags and alias in place, keeping the wspCd", async () => {
    await h.admin.resetRequests();
    const next = await h.engine.up(
      KIND,
      { ...COURSE, alias: "algebra-1", title: "Algèbre I", description: "", publicWsp: false, airIt: true },
      course,
    );
    expect(next.op).toBe("update");
    expect(next.state.id).toBe(course.id);
    const info = await infoWsp(h, course.id);
    expect(info).toMatchObject({ title: "Algèbre I", alias: "algebra-1", props: { publicWsp: "false", airIt: "true" } });
    expect((info.props as Json).desc).toBeUndefined();
    expect((await actionsOf(h)).filter((a) => !a.startsWith("GET"))).toEqual(["POST UpdateWspProps"]);
    course = next.state;
    expect(
      await h.engine.preview(
        KIND,
        { ...COURSE, alias: "algebra-1", title: "Algèbre I", description: "", publicWsp: false, airIt: true },
        course,
      ),
    ).toBe("same");
  });

  it("changes the model through UpdateWspType, and sends none when the live model already satisfies the program", async () => {
    const inputs = { ...course.inputs, model: { key: "Opale", version: "4" } };
    await h.admin.resetRequests();
    const older = await h.engine.up(KIND, inputs, course);
    expect(older.op).toBe("update");
    expect((await infoWsp(h, course.id)).wspType).toMatchObject({ key: "Opale", version: "4.3.2" });
    expect((await infoWsp(h, course.id)).wspOptions).toEqual([]);
    expect((await actionsOf(h)).filter((a) => !a.startsWith("GET"))).toEqual(["PUT UpdateWspType"]);

    // Spelled differently, satisfied all the same: the state takes the new spelling, the server is not asked to change.
    await h.admin.resetRequests();
    const respelled = await h.engine.up(KIND, { ...inputs, model: { key: "Opale", version: "4.3" } }, older.state);
    expect(respelled.op).toBe("update");
    expect((await actionsOf(h)).filter((a) => !a.startsWith("GET"))).toEqual([]);
    expect(await h.engine.preview(KIND, { ...inputs, model: { key: "Opale", version: "4.3" } }, respelled.state)).toBe("same");

    const back = await h.engine.up(KIND, { ...inputs, model: COURSE.model }, respelled.state);
    expect((await infoWsp(h, course.id)).wspType).toMatchObject({ version: "5.0.5", lang: "fr-FR" });
    course = back.state;
  });

  it("keeps the role map authoritative: entries left out or added out of band are removed, changed ones rewritten", async () => {
    await h.admin.op("setSpecifiedRoles", { wsp: course.id, roles: { carol: { allowedRoles: ["main:reader"] } } });
    const refreshed = await h.engine.refresh(course);
    expect(Object.keys(refreshed?.outputs.roles as Json).sort()).toEqual(["alice", "authors", "carol"]);
    const wanted = { authors: { allowed: ["main:author", "main:reader"] }, readers: { allowed: ["main:reader"] } };
    await h.admin.resetRequests();
    const next = await h.engine.up(KIND, { ...course.inputs, roles: wanted }, refreshed);
    expect(next.op).toBe("update");
    expect(await rootRoles(h, course.id)).toEqual({
      authors: { allowedRoles: ["main:author", "main:reader"] },
      readers: { allowedRoles: ["main:reader"] },
    });
    // One write for the whole map.
    expect((await actionsOf(h)).filter((a) => !a.startsWith("GET"))).toEqual(["POST SetSpecifiedRoles"]);
    // Unmanaged: the map is left as it is; empty: every entry goes.
    const { roles: _roles, ...unmanaged } = next.state.inputs;
    expect(await h.engine.preview(KIND, unmanaged, next.state)).toBe("same");
    const none = await h.engine.up(KIND, { ...unmanaged, roles: {} }, next.state);
    expect(await rootRoles(h, course.id)).toEqual({});
    course = none.state;
  });

  it("reports drift on refresh and puts the declaration back on up", async () => {
    const declared = { ...COURSE, alias: "geometry", title: "Géométrie" };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.op("patchWsp", { wsp: "geometry", props: { title: "Changed", publicWsp: false, desc: null } });
    await h.admin.op("setSpecifiedRoles", { wsp: "geometry", roles: { alice: null } });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs).toMatchObject({ title: "Changed", publicWsp: false, description: null });
    const again = await h.engine.up(KIND, declared, refreshed);
    expect(again.op).toBe("update");
    expect(await infoWsp(h, "geometry")).toMatchObject({
      title: "Géométrie",
      props: { publicWsp: "true", desc: "Cours de première année" },
    });
    expect(Object.keys(await rootRoles(h, state.id)).sort()).toEqual(["alice", "authors"]);
    expect(await h.engine.preview(KIND, declared, again.state)).toBe("same");
  });

  it("shows a model changed out of band as drift, and up moves it back", async () => {
    const declared = { alias: "drift-model", title: "Drift", model: { key: "Dokiel", version: "6", lang: "fr-FR" } };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.mutate<ScenariState>((s) => {
      const w = s.wsps.find((x) => x.wspCd === state.id);
      if (w) w.wspType = { key: "Dokiel", uri: "Dokiel_fr-FR_5-2-1", version: "5.2.1", lang: "fr-FR", title: "Dokiel 5" };
    });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.model).toEqual({ key: "Dokiel", version: "5.2.1", lang: "fr-FR", options: [] });
    const again = await h.engine.up(KIND, declared, refreshed);
    expect(again.op).toBe("update");
    expect((await infoWsp(h, state.id)).wspType).toMatchObject({ version: "6.0.3" });
  });

  it("trashes by default: recoverable, gone from the list, still known to InfoWsp", async () => {
    const { state } = await h.engine.up(KIND, { alias: "to-trash", title: "T", model: { key: "Dokiel", lang: "fr-FR" } });
    await h.engine.destroy(state);
    expect(await infoWsp(h, state.id)).toMatchObject({ wspCd: state.id, srcFields: { srcSt: -1 } });
    expect((await serviceCall(h, "adminWsp", { cdaction: "List" })).wsps).not.toContainEqual(expect.objectContaining({ wspCd: state.id }));
    expect((await serviceCall(h, "adminWsp", { cdaction: "ListTrash" })).wsps).toContainEqual(expect.objectContaining({ wspCd: state.id }));
  });

  it("purges with deletionPolicy purge, and leaves the workspace alone with retain", async () => {
    const purged = await h.engine.up(KIND, {
      alias: "to-purge",
      title: "P",
      model: { key: "Dokiel", lang: "fr-FR" },
      deletionPolicy: "purge",
    });
    await h.engine.destroy(purged.state);
    expect(await infoWsp(h, purged.state.id)).toEqual({ status: "noWsp" });

    const kept = await h.engine.up(KIND, {
      alias: "to-keep",
      title: "K",
      model: { key: "Dokiel", lang: "fr-FR" },
      deletionPolicy: "retain",
    });
    await h.admin.resetRequests();
    await h.engine.destroy(kept.state);
    expect((await h.admin.requests()).total).toBe(0);
    expect(await infoWsp(h, "to-keep")).toMatchObject({ wspCd: kept.state.id, status: "ok" });
    expect((await infoWsp(h, "to-keep")).srcFields).toEqual({ srcSt: 2 });
  });

  it("changes the deletion policy without a request", async () => {
    const { state } = await h.engine.up(KIND, { alias: "policy", title: "P", model: { key: "Dokiel", lang: "fr-FR" } });
    await h.admin.resetRequests();
    const next = await h.engine.up(KIND, { ...state.inputs, deletionPolicy: "purge" }, state);
    expect(next.op).toBe("update");
    expect((await h.admin.requests()).total).toBe(0);
    await h.engine.destroy(next.state);
    expect(await infoWsp(h, state.id)).toEqual({ status: "noWsp" });
  });

  it("drops a workspace trashed out of band on refresh; up then names the trash and adopt restores it", async () => {
    const declared = {
      alias: "binned",
      title: "Binned",
      model: { key: "Opale", version: "5", lang: "fr-FR" },
      roles: { bob: { allowed: ["main:author"] } },
    };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.op("trashWsp", { wsp: "binned" });
    expect(await h.engine.refresh(state)).toBeUndefined();

    const error = await rejection(h.engine.up(KIND, declared));
    expect(error.message).toMatch(
      /^scenari: workspace alias binned is held by a workspace in the server's trash \(wspCd \w{22}\) \(hint: set adopt: true to restore it/,
    );
    const adopted = await h.engine.up(KIND, { ...declared, adopt: true });
    expect(adopted.state.id).toBe(state.id);
    expect((await infoWsp(h, "binned")).srcFields).toEqual({ srcSt: 2 });
    expect((await wsps()).filter((w) => w.alias === "binned")).toHaveLength(1);
  });

  it("fails on an existing alias unless adopt, then adopts it and updates it to match", async () => {
    const first = await h.engine.up(KIND, { alias: "shared", title: "Old", model: { key: "Opale", version: "4", lang: "fr-FR" } });
    const declared = {
      alias: "shared",
      title: "New",
      model: { key: "Opale", version: "5", lang: "fr-FR" },
      roles: { readers: { allowed: ["main:reader"] } },
    };
    const error = await rejection(h.engine.up(KIND, declared));
    expect(error.message).toMatch(/workspace alias shared already exists on .*\(hint: set adopt: true/);
    const adopted = await h.engine.up(KIND, { ...declared, adopt: true });
    expect(adopted.state.id).toBe(first.state.id);
    expect(await infoWsp(h, "shared")).toMatchObject({ title: "New", wspType: { version: "5.0.5" } });
    expect(await rootRoles(h, "shared")).toEqual({ readers: { allowedRoles: ["main:reader"] } });
    expect((await wsps()).filter((w) => w.alias === "shared")).toHaveLength(1);
  });

  it("records a workspace whose roles failed, and the next up finishes with exactly one workspace", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "/wspSrc$", status: 500 }] });
    const declared = {
      alias: "half-made",
      title: "H",
      model: { key: "Opale", version: "5", lang: "fr-FR" },
      roles: { bob: { allowed: ["main:author"] } },
    };
    const failure = await rejection(h.engine.up(KIND, declared));
    expect(failure).toBeInstanceOf(InitFailed);
    const init = failure as InitFailed;
    expect(init.message).toMatch(
      /^scenari: POST \/scenarichain-server\/script\/u\/wspSrc\?cdaction=SetSpecifiedRoles&param=\w{22}.* → 500/,
    );
    expect(init.id).toBe((await infoWsp(h, "half-made")).wspCd);
    expect(init.properties.__provider).toBe(h.texts[KIND]);

    const checked = await h.provider.check({}, { ...declared, __provider: h.texts[KIND] });
    const recorded: ResourceState = { kind: KIND, id: init.id, inputs: checked.inputs, outputs: init.properties };
    const next = await h.engine.up(KIND, declared, recorded);
    expect(next.op).toBe("update");
    expect((await wsps()).filter((w) => w.alias === "half-made")).toHaveLength(1);
    expect(await rootRoles(h, "half-made")).toEqual({ bob: { allowedRoles: ["main:author"] } });
  });

  it("finds a created workspace whose answer was lost instead of making a second one", async () => {
    await h.admin.setFaults({ rules: [{ method: "PUT", path: "/adminWsp$", reset: true, after: true }] });
    const { state, op } = await h.engine.up(KIND, { alias: "lost-answer", title: "L", model: { key: "Dokiel", lang: "fr-FR" } });
    expect(op).toBe("create");
    const made = (await wsps()).filter((w) => w.alias === "lost-answer");
    expect(made).toHaveLength(1);
    expect(state.id).toBe(made[0]?.wspCd);
  });

  it("drops a workspace purged out of band on refresh, and up recreates it", async () => {
    const declared = { alias: "vanished", title: "V", model: { key: "Dokiel", lang: "fr-FR" } };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.op("purgeWsp", { wsp: "vanished" });
    expect(await h.engine.refresh(state)).toBeUndefined();
    const again = await h.engine.up(KIND, declared);
    expect(again.op).toBe("create");
    expect(again.state.id).not.toBe(state.id);
  });

  describe("bad input", () => {
    it.each([
      [{ title: "No key", model: { key: "Opale" } }, "alias", /required: a workspace is known by its alias/],
      [{ alias: "abcdefghijklmnopqrstuv", title: "T", model: { key: "Opale" } }, "alias", /22 letters and digits/],
      [{ alias: "has space", title: "T", model: { key: "Opale" } }, "alias", /letters, digits/],
      [{ alias: "a", code: "a", title: "T", model: { key: "Opale" } }, "code", /not both/],
      [{ code: "docs", title: "T", model: { key: "Opale" }, publicWsp: true }, "publicWsp", /database-backend setting/],
      [{ alias: "a", title: "", model: { key: "Opale" } }, "title", /empty/],
      [{ alias: "a", title: "T", model: { key: "Opale", version: "five" } }, "model.version", /dotted numbers/],
      [
        { alias: "a", title: "T", model: { key: "Opale" }, roles: { "bad name": { allowed: ["main:reader"] } } },
        "roles.bad name",
        /letters, digits/,
      ],
      [{ alias: "a", title: "T", model: { key: "Opale" }, roles: { alice: { allowed: "main:reader" } } }, "roles.alice.allowed", /array/],
      [{ alias: "a", title: "T", model: { key: "Opale" }, deletionPolicy: "delete" }, "deletionPolicy", /trash/],
    ])("rejects %j at check time naming %s, with nothing sent", async (inputs, property, reason) => {
      const failure = await rejection(h.engine.up(KIND, inputs));
      expect(failure).toBeInstanceOf(CheckFailed);
      const failures = (failure as CheckFailed).failures;
      expect(failures.map((f) => f.property)).toContain(property);
      expect(failures.map((f) => f.reason).join(" ")).toMatch(reason);
      expect((await h.admin.requests()).total).toBe(0);
    });

    it("refuses an unknown model key, listing the installed models, before any write", async () => {
      const error = await rejection(h.engine.up(KIND, { alias: "topaze", title: "T", model: { key: "Topaze" } }));
      expect(error.message).toBe(
        'scenari: model.key: no model "Topaze" is installed on this server (hint: installed: Dokiel (5.2.1 fr-FR, 6.0.3 en-US, 6.0.3 fr-FR), Opale (4.3.2 fr-FR, 5.0.5 en-US, 5.0.5 fr-FR))',
      );
      expect((await h.admin.requests()).writes).toBe(0);
    });

    it("refuses an unknown language, version or option, and asks for a language when two fit", async () => {
      const cases: [Json, RegExp][] = [
        [{ key: "Opale", lang: "de-DE" }, /model\.lang: Opale is not installed in de-DE \(hint: Opale is installed in fr-FR, en-US\)/],
        [
          { key: "Opale", version: "7" },
          /model\.version: no installed Opale matches version 7 \(hint: installed versions: 4\.3\.2, 5\.0\.5\)/,
        ],
        [
          { key: "Opale", version: "5", lang: "fr-FR", options: ["Nope"] },
          /model\.options: Opale 5\.0\.5 \(fr-FR\) offers no option "Nope" \(hint: offered: OpaleExtEmeraude, OpaleSkinSobre, OpaleGenEpub\)/,
        ],
        [
          { key: "Opale", version: "5" },
          /model\.lang: Opale 5\.0\.5 is installed in (fr-FR and en-US|en-US and fr-FR) \(hint: set model\.lang/,
        ],
      ];
      for (const [model, message] of cases) {
        expect((await rejection(h.engine.up(KIND, { alias: "unknown-model", title: "T", model }))).message).toMatch(message);
      }
      expect((await h.admin.requests()).writes).toBe(0);
      // The catalogue is read once per process.
      expect((await actionsOf(h)).filter((a) => a === "GET GetNewEditor").length).toBeLessThanOrEqual(1);
    });

    it("refuses a role map entry for an account the server does not have, before any write", async () => {
      const error = await rejection(
        h.engine.up(KIND, {
          alias: "ghosts",
          title: "T",
          model: { key: "Dokiel", lang: "fr-FR" },
          roles: { alice: { allowed: ["main:reader"] }, ghost: { allowed: ["main:reader"] } },
        }),
      );
      expect(error.message).toMatch(
        /^scenari: roles: no account "ghost" on the server \(hint: create it with a ScenariUser or ScenariGroup/,
      );
      expect((await h.admin.requests()).writes).toBe(0);
      expect(await infoWsp(h, "ghosts")).toEqual({ status: "noWsp" });
    });

    it("refuses the same on update, changing nothing", async () => {
      const { state } = await h.engine.up(KIND, { alias: "ghosts-later", title: "T", model: { key: "Dokiel", lang: "fr-FR" } });
      await h.admin.resetRequests();
      const error = await rejection(
        h.engine.up(KIND, { ...state.inputs, title: "Changed", roles: { ghost: { allowed: ["main:reader"] } } }, state),
      );
      expect(error.message).toMatch(/roles: no account "ghost"/);
      expect((await h.admin.requests()).writes).toBe(0);
      expect((await infoWsp(h, "ghosts-later")).title).toBe("T");
    });

    it("explains a code given to a database backend, with nothing created", async () => {
      const error = await rejection(h.engine.up(KIND, { code: "fs_only", title: "T", model: { key: "Dokiel", lang: "fr-FR" } }));
      expect(error.message).toBe(
        "scenari: code: this server keeps its workspaces in a database, where a workspace is known by its alias (hint: set alias instead of code)",
      );
      expect((await wsps()).some((w) => w.title === "T" && w.alias === undefined)).toBe(false);
    });

    it("fails loudly against a URL that is not the chain portlet, even on delete, rather than reading as already gone", async () => {
      const { state } = await h.engine.up(KIND, { alias: "wrong-url", title: "W", model: { key: "Dokiel", lang: "fr-FR" } });
      const elsewhere = { ...state, outputs: { ...state.outputs, serverUrl: h.sandbox.url } };
      // The stack configured with the server's root: its credentials go there, and only there.
      const wrong = await h.withConfig({ "scenari:url": h.sandbox.url });
      try {
        const error = await rejection(wrong.engine.destroy(elsewhere));
        expect(error.message).toMatch(
          /^scenari: GET \/script\/u\/adminWsp\?cdaction=InfoWsp.* → 404: Not Found \(hint: scenari:url must be the chain portlet's URL/,
        );
      } finally {
        await wrong.stop();
      }
      expect((await infoWsp(h, "wrong-url")).srcFields).toEqual({ srcSt: 2 });
      // Against the right URL, a workspace already purged is simply gone: one read, no write.
      await h.admin.op("purgeWsp", { wsp: "wrong-url" });
      await h.admin.resetRequests();
      await h.engine.destroy(state);
      expect(await actionsOf(h)).toEqual(["GET InfoWsp"]);
    });

    it("tolerates values still unknown at preview time", async () => {
      const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
      expect(await h.engine.preview(KIND, { alias: unknown, title: unknown, model: unknown, roles: unknown })).toBe("create");
      expect((await h.admin.requests()).total).toBe(0);
    });

    it("gives one clear error for wrong credentials, without a retry storm", async () => {
      const wrong = await h.withConfig({ "scenari:password": "not-the-password" });
      try {
        const error = await rejection(wrong.engine.up(KIND, { alias: "nope", title: "T", model: { key: "Opale" } }));
        expect(error).toBeInstanceOf(RpcError);
        expect(error.message).toMatch(
          /^scenari: GET \/scenarichain-server\/script\/u\/wspMetaEditor\?cdaction=GetNewEditor → 401: Invalid credentials \(hint: check the credentials/,
        );
        expect(error.message).not.toContain("not-the-password");
        // Refused once, remembered: the next resource on that server fails without asking again.
        await rejection(wrong.engine.up("scenari:User", { account: "nope" }));
        expect((await h.admin.requests()).total).toBe(1);
      } finally {
        await wrong.stop();
      }
    });
  });
});

describe("ScenariWorkspace on a file-system backend", () => {
  let h: ScenariHarness;
  beforeAll(async () => {
    h = await startScenariHarness("fs");
    await putAccounts(h, ["alice"]);
  });
  afterAll(async () => h?.stop());
  beforeEach(async () => h.admin.resetRequests());

  const DOCS = {
    code: "docs",
    title: "Documentation",
    model: { key: "Dokiel", version: "6", lang: "fr-FR" },
    roles: { alice: { allowed: ["main:author"] } },
  };

  it("names the workspace by its code, with no alias and no database flags", async () => {
    const { state } = await h.engine.up(KIND, DOCS);
    expect(state.id).toBe("docs");
    expect(state.outputs).toMatchObject({ wspCd: "docs", code: "docs", alias: null, backEnd: "fs", publicWsp: null, skins: [] });
    expect(await infoWsp(h, "docs")).toMatchObject({ wspCd: "docs", title: "Documentation", wspProvider: { backEnd: "fs" } });
    expect(await rootRoles(h, "docs")).toEqual({ alice: { allowedRoles: ["main:author"] } });
    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, DOCS, state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
    expect(await h.engine.preview(KIND, DOCS, await h.engine.refresh(state))).toBe("same");
  });

  it("updates the title in place and replaces the workspace on a new code, the old one unregistered", async () => {
    const { state } = await h.engine.up(KIND, { ...DOCS, code: "guide" });
    const retitled = await h.engine.up(KIND, { ...DOCS, code: "guide", title: "Guide" }, state);
    expect(retitled.op).toBe("update");
    expect((await infoWsp(h, "guide")).title).toBe("Guide");
    const replaced = await h.engine.up(KIND, { ...DOCS, code: "guide_v2", title: "Guide" }, retitled.state);
    expect(replaced.op).toBe("replace");
    expect(replaced.state.id).toBe("guide_v2");
    expect(await infoWsp(h, "guide")).toEqual({ status: "noWsp" });
    expect(await rootRoles(h, "guide_v2")).toEqual({ alice: { allowedRoles: ["main:author"] } });
  });

  it("deletes by unregistering, keeping the content (trash), or with its content (purge)", async () => {
    for (const deletionPolicy of ["trash", "purge"] as const) {
      const code = `gone_${deletionPolicy}`;
      const { state } = await h.engine.up(KIND, { ...DOCS, code, deletionPolicy });
      await h.admin.resetRequests();
      await h.engine.destroy(state);
      const deleted = (await h.admin.requests()).entries.find((e) => e.method === "POST");
      const params = new URLSearchParams(deleted?.query);
      expect(params.get("cdaction")).toBe("DeleteWsp");
      expect(params.get("deleteParams")).toBe(
        deletionPolicy === "trash" ? "(deleteGen!F!deleteContent!F!)" : "(deleteGen!T!deleteContent!T!)",
      );
      expect(await infoWsp(h, code)).toEqual({ status: "noWsp" });
    }
  });

  it("adopts an existing code, and fails on it without adopt", async () => {
    const { state } = await h.engine.up(KIND, { ...DOCS, code: "manual", title: "Old" });
    expect((await rejection(h.engine.up(KIND, { ...DOCS, code: "manual" }))).message).toMatch(
      /workspace code manual already exists .*adopt: true/,
    );
    const adopted = await h.engine.up(KIND, { ...DOCS, code: "manual", adopt: true });
    expect(adopted.state.id).toBe(state.id);
    expect((await infoWsp(h, "manual")).title).toBe("Documentation");
  });

  it("explains an alias given to a file-system backend, with nothing created", async () => {
    const before = (await h.admin.state<ScenariState>()).wsps.length;
    const error = await rejection(h.engine.up(KIND, { alias: "by-alias", title: "T", model: { key: "Dokiel", lang: "fr-FR" } }));
    expect(error.message).toMatch(
      /^scenari: alias: this server keeps its workspaces on its file system, where a workspace is known by its code \(hint: set code instead of alias/,
    );
    expect((await h.admin.state<ScenariState>()).wsps.length).toBe(before);
  });
});
