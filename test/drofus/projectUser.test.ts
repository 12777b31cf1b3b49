import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DrofusState, ProjectUserRecord, UserRecord } from "../../sandbox/drofus/state";
import { startDrofusHarness, type DrofusHarness } from "../support/drofusHarness";
import { CheckFailed, RpcError, rejection, type ResourceState } from "../support/provider";

let h: DrofusHarness;
let projectId: number;

beforeAll(async () => {
  h = await startDrofusHarness();
  const { state } = await h.engine.up("drofus:Project", {
    name: "Team project",
    description: "Where the team works",
    builder: "Byggmester AS",
    ownerId: 5,
    projectTypeId: 1,
    database: { newFromTemplate: "dev-template", name: "team" },
  });
  projectId = Number(state.id);
});
afterAll(async () => h?.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.admin.resetRequests();
});

const KIND = "drofus:ProjectUser";

const serverState = () => h.admin.state<DrofusState>();
async function membership(username: string, project = projectId): Promise<ProjectUserRecord | undefined> {
  return (await serverState()).projectUsers.find((pu) => pu.username === username && pu.project_id === project);
}
async function user(username: string): Promise<UserRecord | undefined> {
  return (await serverState()).users.find((u) => u.username === username);
}

function member(username: string, extra: Record<string, unknown> = {}) {
  const [first = "", last = ""] = username.split(".");
  return {
    projectId,
    username,
    firstName: first.charAt(0).toUpperCase() + first.slice(1),
    lastName: last.charAt(0).toUpperCase() + last.slice(1),
    email: `${username}@arkitekt.example`,
    rights: { room: 1, equipment: 3 },
    ...extra,
  };
}

describe("DrofusProjectUser", () => {
  let anna: ResourceState;

  it("adds a new user with rights given by name or number, and sends the invitation once", async () => {
    const { state, op } = await h.engine.up(
      KIND,
      member("anna.berg", {
        rights: { room: "full", equipment: "Read", tender: 2, consignation: "none", system: 3, modelstore: 1 },
        superuser: true,
        addonAdmin: true,
        mailType: 6,
      }),
    );
    expect(op).toBe("create");
    anna = state;
    expect(state.id).toBe(`anna.berg,${projectId}`);
    expect(state.outputs).toMatchObject({
      username: "anna.berg",
      projectId,
      firstName: "Anna",
      email: "anna.berg@arkitekt.example",
      rights: { room: 1, equipment: 3, tender: 2, consignation: 4, system: 3, modelstore: 1 },
      superuser: true,
      addonAdmin: true,
    });
    expect(await membership("anna.berg")).toMatchObject({
      room_rights: 1,
      equipment_rights: 3,
      tender_rights: 2,
      consignation_rights: 4,
      system_rights: 3,
      modelstore_rights: 1,
      superuser: true,
      addon_admin: true,
    });
    expect(await user("anna.berg")).toMatchObject({ first_name: "Anna", last_name: "Berg" });
    const server = await serverState();
    expect(server.mails.filter((m) => m.username === "anna.berg")).toEqual([
      expect.objectContaining({ project_id: projectId, mail_type: 6 }),
    ]);
    // The unknown person's 404 is trusted only once a list has shown the URL reaches dRofus: one check per process.
    expect((await h.admin.requests()).byRoute).toEqual({ "GET /users/:id": 1, "GET /projects": 1, "POST /project_users": 1 });
  });

  it("diffs empty without a request, whatever mailType now says", async () => {
    await h.admin.resetRequests();
    const inputs = member("anna.berg", {
      rights: { room: 1, equipment: 3, tender: "limited", consignation: 4, system: "read", modelstore: "full" },
      superuser: true,
      addonAdmin: true,
    });
    expect(await h.engine.preview(KIND, { ...inputs, mailType: 6 }, anna)).toBe("same");
    expect(await h.engine.preview(KIND, { ...inputs, mailType: 7 }, anna)).toBe("same");
    expect(await h.engine.preview(KIND, { ...inputs, email: "Anna.Berg@Arkitekt.example" }, anna)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
    const again = await h.engine.up(KIND, { ...inputs, mailType: 7 }, anna);
    expect(again.op).toBe("same");
    expect((await serverState()).mails.filter((m) => m.username === "anna.berg")).toHaveLength(1);
  });

  it("updates rights in place with one PATCH, leaving the user and other rights alone", async () => {
    const next = await h.engine.up(
      KIND,
      member("anna.berg", {
        rights: { room: 3, equipment: 3, tender: 2, consignation: 4, system: 3, modelstore: 4 },
        superuser: false,
        addonAdmin: true,
      }),
      anna,
    );
    expect(next.op).toBe("update");
    expect(next.state.id).toBe(anna.id);
    expect(await membership("anna.berg")).toMatchObject({
      room_rights: 3,
      modelstore_rights: 4,
      tender_rights: 2,
      superuser: false,
      addon_admin: true,
    });
    expect((await h.admin.requests()).byRoute).toEqual({ "PATCH /project_users/:id": 1 });
    anna = next.state;
  });

  it("shows superuser changed out of band and puts it back; rights changed out of band cannot be seen", async () => {
    await h.admin.op("patchProjectUser", { username: "anna.berg", project_id: projectId, superuser: true, room_rights: 1 });
    const refreshed = await h.engine.refresh(anna);
    expect(refreshed?.outputs.superuser).toBe(true);
    // The API never returns rights: the state keeps what was last applied.
    expect(refreshed?.outputs.rights).toEqual(anna.outputs.rights);
    const back = await h.engine.up(KIND, anna.inputs, refreshed);
    expect(back.op).toBe("update");
    expect(await membership("anna.berg")).toMatchObject({ superuser: false, room_rights: 1 });
    anna = back.state;
  });

  it("replaces the membership on a new username: the old one leaves the project, the user stays", async () => {
    const { state } = await h.engine.up(KIND, member("bjorn.dahl"));
    const next = await h.engine.up(KIND, member("bjorn.dahl2", { firstName: "Bjorn", lastName: "Dahl" }), state);
    expect(next.op).toBe("replace");
    expect(next.state.id).toBe(`bjorn.dahl2,${projectId}`);
    expect(await membership("bjorn.dahl")).toBeUndefined();
    expect(await membership("bjorn.dahl2")).toMatchObject({ room_rights: 1, equipment_rights: 3 });
    expect(await user("bjorn.dahl")).toBeDefined();
  });

  it("deletes the membership only", async () => {
    const { state } = await h.engine.up(KIND, member("cecilie.eng"));
    await h.admin.resetRequests();
    await h.engine.destroy(state);
    expect((await h.admin.requests()).byRoute).toEqual({ "DELETE /project_users/:id": 1 });
    expect(await membership("cecilie.eng")).toBeUndefined();
    expect(await user("cecilie.eng")).toMatchObject({ email: "cecilie.eng@arkitekt.example" });
  });

  it("addresses dotted usernames with the Accept header, never a .json suffix, through the whole lifecycle", async () => {
    const { state } = await h.engine.up(KIND, member("hakon.h.clausen"));
    const updated = await h.engine.up(KIND, member("hakon.h.clausen", { rights: { room: 2 } }), state);
    expect(await h.engine.refresh(updated.state)).toBeDefined();
    await h.engine.destroy(updated.state);
    expect(await membership("hakon.h.clausen")).toBeUndefined();
    const { entries } = await h.admin.requests();
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const e of entries) {
      expect(e.path).not.toMatch(/\.json$/);
      expect(e.status).not.toBe(406);
    }
  });

  it("tells a username ending in .json from the user the server's suffix rule would pick", async () => {
    await h.engine.up(KIND, member("kari", { firstName: "Kari", lastName: "Nord", email: "kari@arkitekt.example" }));
    // /users/kari.json is user "kari" in JSON to the server: a different person.
    const { state } = await h.engine.up(
      KIND,
      member("kari.json", { firstName: "Kari", lastName: "Json", email: "kari.json@arkitekt.example" }),
    );
    expect(state.outputs).toMatchObject({ username: "kari.json", lastName: "Json" });
    expect(await user("kari.json")).toMatchObject({ last_name: "Json" });
  });

  it("fails before writing when an existing user's details differ, naming the fields", async () => {
    await h.admin.resetRequests();
    const error = await rejection(
      h.engine.up(KIND, member("anna.berg", { projectId: 399, firstName: "Annie", email: "anna@elsewhere.example" })),
    );
    expect(error.message).toMatch(
      /^drofus: user anna\.berg exists on the server with other details: firstName is "Anna" there, "Annie" in the program; email is "anna\.berg@arkitekt\.example" there, "anna@elsewhere\.example" in the program \(hint: .*leave firstName, lastName and email unset\)$/,
    );
    expect((await h.admin.requests()).writes).toBe(0);
    expect(await membership("anna.berg", 399)).toBeUndefined();
  });

  it("adds an existing user to another project without repeating their details", async () => {
    const { state } = await h.engine.up(KIND, { projectId: 399, username: "anna.berg", rights: { room: 4 } });
    expect(state.outputs).toMatchObject({ firstName: "Anna", lastName: "Berg" });
    expect(await membership("anna.berg", 399)).toMatchObject({ room_rights: 4 });
  });

  it("asks for the details a new user needs, before writing", async () => {
    const error = await rejection(h.engine.up(KIND, { projectId, username: "nobody.yet", email: "nobody@arkitekt.example" }));
    expect(error.message).toMatch(/user nobody\.yet does not exist on the server yet, and creating it needs firstName, lastName/);
    expect((await h.admin.requests()).writes).toBe(0);
  });

  it("fails when the server's identity of the user changed out of band, naming the field", async () => {
    const { state } = await h.engine.up(KIND, member("dina.fjell"));
    await h.admin.op("patchUser", { username: "dina.fjell", email: "dina@newmail.example" });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.email).toBe("dina@newmail.example");
    const error = await rejection(h.engine.up(KIND, member("dina.fjell"), refreshed));
    expect(error.message).toMatch(/email is "dina@newmail\.example" there, "dina\.fjell@arkitekt\.example" in the program/);
    // A program that follows the server has nothing left to do.
    expect(await h.engine.preview(KIND, member("dina.fjell", { email: "dina@newmail.example" }), refreshed)).toBe("same");
  });

  it("names the missing project in the program's words", async () => {
    const error = await rejection(h.engine.up(KIND, member("erik.gran", { projectId: 9999 })));
    expect(error.message).toBe("drofus: POST /project_users → 422: project: must exist (hint: projectId: the server has no project 9999)");
    expect((await serverState()).projectUsers.some((pu) => pu.project_id === 9999)).toBe(false);
  });

  it("refuses an existing membership unless adopt, then adopts it and applies the rights", async () => {
    await h.engine.up(KIND, member("frida.hagen", { rights: { room: 4 } }));
    const error = await rejection(h.engine.up(KIND, member("frida.hagen", { rights: { room: 2, tender: 1 } })));
    expect(error.message).toMatch(/user frida\.hagen in project \d+ already exists.*adopt: true/);

    await h.admin.resetRequests();
    const adopted = await h.engine.up(KIND, member("frida.hagen", { rights: { room: 2, tender: 1 }, adopt: true }));
    expect(adopted.state.id).toBe(`frida.hagen,${projectId}`);
    // The rights on the server are unknown to an adopter: they are sent.
    expect(await membership("frida.hagen")).toMatchObject({ room_rights: 2, tender_rights: 1 });
    expect((await h.admin.requests()).writes).toBe(1);
  });

  it("drops a membership removed out of band on refresh, and up adds it again", async () => {
    const { state } = await h.engine.up(KIND, member("gunnar.holm"));
    await h.admin.op("removeProjectUser", { username: "gunnar.holm", project_id: projectId });
    expect(await h.engine.refresh(state)).toBeUndefined();
    expect((await h.engine.up(KIND, member("gunnar.holm"))).op).toBe("create");
    expect(await membership("gunnar.holm")).toMatchObject({ room_rights: 1 });
  });

  it("takes a create answered 201 and an update answered 204 with no body, reading the membership back", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "^/project_users$", status: 201, body: "", after: true }] });
    const { state } = await h.engine.up(KIND, member("jonas.moe"));
    expect(state.id).toBe(`jonas.moe,${projectId}`);
    await h.admin.setFaults({ rules: [{ method: "PATCH", path: "^/project_users/", status: 204, body: "", after: true }] });
    await h.admin.resetRequests();
    const next = await h.engine.up(KIND, member("jonas.moe", { superuser: true }), state);
    expect(next.state.outputs.superuser).toBe(true);
    expect((await h.admin.requests()).byRoute).toEqual({ "PATCH /project_users/:id": 1, "GET /project_users/:id": 1 });
  });

  it.each([
    ["a level outside 1..4", { rights: { room: 5 } }, "rights.room", /1 \(Full\), 2 \(Limited\), 3 \(Read\) or 4 \(None\)/],
    ["an unknown level name", { rights: { tender: "admin" } }, "rights.tender", /one of those names/],
    ["an unknown module", { rights: { rooms: 1 } }, "rights", /rooms/],
    ["a username with a comma", { username: "smith,john" }, "username", /comma/],
    ["a username with a space", { username: "john smith" }, "username", /spaces/],
    ["an invalid email", { email: "not-an-email" }, "email", /email/],
    ["a mail type that is not an id", { mailType: "welcome" }, "mailType", /number/],
  ])("rejects %s at check time, naming the property, with nothing sent", async (_label, override, property, reason) => {
    const failure = await rejection(h.engine.up(KIND, member("x.y", override)));
    expect(failure).toBeInstanceOf(CheckFailed);
    const failures = (failure as CheckFailed).failures;
    expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.find((f) => f.property === property)?.reason).toMatch(reason);
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("gives one clear error for wrong credentials, after a single request", async () => {
    const wrong = await h.withConfig({ "drofus:username": "intruder" });
    try {
      const error = await rejection(wrong.engine.up(KIND, member("ivar.lund")));
      expect(error).toBeInstanceOf(RpcError);
      expect(error.message).toMatch(/^drofus: GET \/users\/ivar\.lund → 401: HTTP Basic: Access denied\. \(hint: check the credentials/);
      expect((await h.admin.requests()).total).toBe(1);
    } finally {
      await wrong.stop();
    }
  });
});
