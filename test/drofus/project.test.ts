import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ProjectRecord } from "../../sandbox/drofus/state";
import { startDrofusHarness, type DrofusHarness } from "../support/drofusHarness";
import { CheckFailed, RpcError, rejection, type ResourceState } from "../support/provider";

let h: DrofusHarness;
beforeAll(async () => {
  h = await startDrofusHarness();
});
afterAll(async () => h?.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.admin.resetRequests();
});

const KIND = "drofus:Project";

/** A project created from the seeded template into a database of its own. */
function fromTemplate(name: string, db: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    description: `${name} project`,
    builder: "Byggmester AS",
    ownerId: 5,
    projectTypeId: 1,
    database: { newFromTemplate: "dev-template", name: db },
    ...extra,
  };
}

const serverState = () => h.admin.state<import("../../sandbox/drofus/state").DrofusState>();
const projectsNamed = async (name: string): Promise<ProjectRecord[]> => (await serverState()).projects.filter((p) => p.name === name);
const project = async (id: string | number): Promise<ProjectRecord | undefined> =>
  (await serverState()).projects.find((p) => p.id === Number(id));

describe("DrofusProject", () => {
  let hospital: ResourceState;

  it("creates a project in a new database copied from a template, after looking for an existing one", async () => {
    const { state, op } = await h.engine.up(KIND, fromTemplate("St. Olav Hospital", "st-olav", { number: "2024-07" }));
    expect(op).toBe("create");
    hospital = state;
    expect(state.id).toMatch(/^\d+$/);
    expect(state.outputs).toMatchObject({
      projectId: Number(state.id),
      databaseName: "st-olav",
      active: true,
      number: "2024-07",
      deletionPolicy: "deactivate",
    });
    const server = await serverState();
    expect(await project(state.id)).toMatchObject({
      name: "St. Olav Hospital",
      no: "2024-07",
      constructor: "Byggmester AS",
      project_type_id: 1,
      owner_id: 5,
      database_id: "st-olav",
    });
    expect(server.databases.find((d) => d.name === "st-olav")?.template).toBe("dev-template");
    const counts = await h.admin.requests();
    expect(counts.byRoute).toEqual({ "GET /projects": 1, "POST /projects": 1 });
  });

  it("diffs empty without a request for the unchanged program, and for the database written as { existing }", async () => {
    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, fromTemplate("St. Olav Hospital", "st-olav", { number: "2024-07" }), hospital)).toBe("same");
    const existing = { ...fromTemplate("St. Olav Hospital", "st-olav", { number: "2024-07" }), database: { existing: "st-olav" } };
    expect(await h.engine.preview(KIND, existing, hospital)).toBe("same");
    // The template only matters at creation.
    const otherTemplate = fromTemplate("St. Olav Hospital", "st-olav", {
      number: "2024-07",
      database: { newFromTemplate: "other", name: "st-olav" },
    });
    expect(await h.engine.preview(KIND, otherTemplate, hospital)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("updates a rename and the write-only constructor and project type in place, with one PATCH", async () => {
    await h.admin.op("addProjectType", { id: 2, name: "Hospital" });
    const next = await h.engine.up(
      KIND,
      fromTemplate("St. Olav University Hospital", "st-olav", { number: "2024-07", builder: "Veidekke ASA", projectTypeId: 2 }),
      hospital,
    );
    expect(next.op).toBe("update");
    expect(next.state.id).toBe(hospital.id);
    expect(await project(hospital.id)).toMatchObject({
      name: "St. Olav University Hospital",
      constructor: "Veidekke ASA",
      project_type_id: 2,
    });
    expect((await h.admin.requests()).byRoute).toEqual({ "PATCH /projects/:id": 1 });
    hospital = next.state;

    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, next.state.inputs, next.state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("shows an out-of-band rename and deactivation on refresh and puts them back on up", async () => {
    await h.admin.op("patchProject", { id: Number(hospital.id), name: "Renamed in the web UI", active: false });
    const refreshed = await h.engine.refresh(hospital);
    expect(refreshed?.outputs).toMatchObject({ name: "Renamed in the web UI", active: false });
    const back = await h.engine.up(KIND, hospital.inputs, refreshed);
    expect(back.op).toBe("update");
    expect(await project(hospital.id)).toMatchObject({ name: "St. Olav University Hospital", active: true });
    hospital = back.state;
  });

  it("cannot see write-only fields changed out of band, and shows no perpetual diff for them", async () => {
    await h.admin.op("patchProject", { id: Number(hospital.id), constructor: "Someone Else", project_type_id: 1 });
    const refreshed = await h.engine.refresh(hospital);
    // The API never returns them: the state keeps what was last applied.
    expect(refreshed?.outputs).toMatchObject({ builder: "Veidekke ASA", projectTypeId: 2 });
    expect(await h.engine.preview(KIND, hospital.inputs, refreshed)).toBe("same");
  });

  it("replaces the project when the database name changes, deactivating the old one", async () => {
    const { state } = await h.engine.up(KIND, fromTemplate("Clinic", "clinic-a"));
    const next = await h.engine.up(KIND, fromTemplate("Clinic", "clinic-b"), state);
    expect(next.op).toBe("replace");
    expect(next.state.id).not.toBe(state.id);
    expect(await project(next.state.id)).toMatchObject({ database_id: "clinic-b", active: true });
    expect(await project(state.id)).toMatchObject({ database_id: "clinic-a", active: false });
  });

  it("deletes by deactivating, keeping the project and its database; deletionPolicy delete really deletes", async () => {
    const kept = await h.engine.up(KIND, fromTemplate("Archive me", "archive-db"));
    await h.admin.resetRequests();
    await h.engine.destroy(kept.state);
    expect((await h.admin.requests()).byRoute).toEqual({ "PATCH /projects/:id": 1 });
    expect(await project(kept.state.id)).toMatchObject({ active: false });
    expect((await serverState()).databases.some((d) => d.name === "archive-db")).toBe(true);

    const doomed = await h.engine.up(KIND, fromTemplate("Delete me", "delete-db"));
    await h.admin.resetRequests();
    const flipped = await h.engine.up(KIND, fromTemplate("Delete me", "delete-db", { deletionPolicy: "delete" }), doomed.state);
    expect(flipped.op).toBe("update");
    // Only what the state remembers changes: nothing is sent.
    expect((await h.admin.requests()).total).toBe(0);
    await h.engine.destroy(flipped.state);
    expect(await project(doomed.state.id)).toBeUndefined();
    // Deleting twice (a retried destroy) is not an error.
    await h.engine.destroy(flipped.state);
  });

  it("refuses to create a second project of the same name in a database unless adopt, then adopts it", async () => {
    const error = await rejection(
      h.engine.up(KIND, { ...fromTemplate("dRofus dev template", "x"), database: { existing: "dev-template" } }),
    );
    expect(error.message).toMatch(/project "dRofus dev template" in database dev-template already exists.*adopt: true/);
    expect(await projectsNamed("dRofus dev template")).toHaveLength(1);

    const adopted = await h.engine.up(KIND, {
      ...fromTemplate("dRofus dev template", "x", { description: "The template" }),
      database: { existing: "dev-template" },
      adopt: true,
    });
    expect(adopted.state.id).toBe("399");
    // What the server holds of the write-only fields is unknown: the program's values are sent.
    expect(await project(399)).toMatchObject({ description: "The template", constructor: "Byggmester AS" });
    expect(await projectsNamed("dRofus dev template")).toHaveLength(1);
    expect(await h.engine.preview(KIND, adopted.state.inputs, adopted.state)).toBe("same");
  });

  it("adopts a deactivated project left by a destroyed stack, and reactivates it", async () => {
    const first = await h.engine.up(KIND, fromTemplate("Phoenix", "phoenix"));
    await h.engine.destroy(first.state);
    const again = await h.engine.up(KIND, { ...fromTemplate("Phoenix", "phoenix"), adopt: true });
    expect(again.state.id).toBe(first.state.id);
    expect(await project(first.state.id)).toMatchObject({ active: true });
    expect(await projectsNamed("Phoenix")).toHaveLength(1);
  });

  it("drops a project deleted out of band on refresh, and up creates it again in its database", async () => {
    const { state } = await h.engine.up(KIND, fromTemplate("Vanishing", "vanishing"));
    await h.admin.op("removeProject", { id: Number(state.id) });
    expect(await h.engine.refresh(state)).toBeUndefined();
    // The database stays, so the program now names it as an existing one.
    const recreated = await h.engine.up(KIND, { ...fromTemplate("Vanishing", "vanishing"), database: { existing: "vanishing" } });
    expect(recreated.op).toBe("create");
    expect(await projectsNamed("Vanishing")).toHaveLength(1);
  });

  it("makes exactly one project when the create's answer is lost", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "^/projects$", status: 502, after: true }] });
    const { state, op } = await h.engine.up(KIND, fromTemplate("Lost answer", "lost-answer"));
    expect(op).toBe("create");
    const made = await projectsNamed("Lost answer");
    expect(made).toHaveLength(1);
    expect(state.id).toBe(String(made[0]?.id));
  });

  it("names the unknown owner in the program's words, and creates nothing", async () => {
    const error = await rejection(h.engine.up(KIND, fromTemplate("No owner", "no-owner", { ownerId: 99 })));
    expect(error.message).toBe("drofus: POST /projects → 422: owner: must exist (hint: ownerId: the server has no owner 99)");
    expect(await projectsNamed("No owner")).toHaveLength(0);
  });

  it("names an unknown template database", async () => {
    const error = await rejection(
      h.engine.up(
        KIND,
        fromTemplate("No template", "no-template", { database: { newFromTemplate: "missing-template", name: "no-template" } }),
      ),
    );
    expect(error.message).toMatch(
      /→ 422: new_db_template: does not exist \(hint: database\.newFromTemplate: the server has no database "missing-template" to copy\)/,
    );
    expect((await serverState()).databases.some((d) => d.name === "no-template")).toBe(false);
  });

  it("suggests { existing } when the new database's name is taken", async () => {
    const error = await rejection(h.engine.up(KIND, fromTemplate("Second in st-olav", "st-olav")));
    expect(error.message).toMatch(/new_db_name: has already been taken \(hint: database\.name: .*use database: \{ existing: "st-olav" \}/);
    const added = await h.engine.up(KIND, { ...fromTemplate("Second in st-olav", "st-olav"), database: { existing: "st-olav" } });
    expect(await project(added.state.id)).toMatchObject({ database_id: "st-olav" });
  });

  describe("the shapes of the server's answers", () => {
    it("takes a create answered 201 with no body and no Location, finding the new project", async () => {
      await h.admin.setFaults({ rules: [{ method: "POST", path: "^/projects$", status: 201, body: "", after: true }] });
      const { state } = await h.engine.up(KIND, fromTemplate("Silent create", "silent-create"));
      const made = await projectsNamed("Silent create");
      expect(made).toHaveLength(1);
      expect(state.id).toBe(String(made[0]?.id));
      expect(state.outputs).toMatchObject({ databaseName: "silent-create", active: true });
    });

    it("sends again, with one PATCH, the fields a create's answer shows were dropped", async () => {
      const id = (await serverState()).nextProjectId;
      // A server whose create does not permit `no` and `active`: its answer lacks them.
      const answer = {
        project: {
          id,
          name: "Dropped fields",
          no: null,
          description: "Dropped fields project",
          active: true,
          owner_id: 5,
          database_id: "dropped",
        },
      };
      await h.admin.setFaults({ rules: [{ method: "POST", path: "^/projects$", status: 201, body: answer, after: true }] });
      await h.admin.resetRequests();
      const { state } = await h.engine.up(KIND, fromTemplate("Dropped fields", "dropped", { number: "D-1", active: false }));
      expect(state.id).toBe(String(id));
      expect(state.outputs).toMatchObject({ number: "D-1", active: false });
      expect((await h.admin.requests()).byRoute).toEqual({ "GET /projects": 1, "POST /projects": 1, "PATCH /projects/:id": 1 });
      expect(await project(id)).toMatchObject({ no: "D-1", active: false });
    });

    it("takes an update answered 204, reading the project back", async () => {
      const { state } = await h.engine.up(KIND, fromTemplate("Silent update", "silent-update"));
      await h.admin.setFaults({ rules: [{ method: "PATCH", path: "^/projects/\\d+$", status: 204, body: "", after: true }] });
      await h.admin.resetRequests();
      const next = await h.engine.up(KIND, fromTemplate("Silent update", "silent-update", { number: "S-1" }), state);
      expect(next.state.outputs.number).toBe("S-1");
      expect((await h.admin.requests()).byRoute).toEqual({ "PATCH /projects/:id": 1, "GET /projects/:id": 1 });
    });

    it("reads a bare project as well as a wrapped one", async () => {
      const bare = {
        id: Number(hospital.id),
        name: "Bare answer",
        no: null,
        description: "d",
        active: true,
        owner_id: 5,
        database_id: "st-olav",
      };
      // Refresh reads projects from the list; an empty one sends it to the single GET under test.
      await h.admin.setFaults({
        rules: [
          { method: "GET", path: "^/projects$", status: 200, body: [] },
          { method: "GET", path: `^/projects/${hospital.id}$`, status: 200, body: bare },
        ],
      });
      expect((await h.engine.refresh(hospital))?.outputs.name).toBe("Bare answer");
    });

    it("reports an answer of the wrong shape as such, naming the field", async () => {
      await h.admin.setFaults({
        rules: [
          { method: "GET", path: "^/projects$", status: 200, body: [] },
          { method: "GET", path: `^/projects/${hospital.id}$`, status: 200, body: { project: { id: "four hundred", name: "x" } } },
        ],
      });
      const error = await rejection(h.engine.refresh(hospital));
      expect(error.message).toMatch(
        new RegExp(`^drofus: GET /projects/${hospital.id} → 200: unexpected response at id: .*expected number`),
      );
    });
  });

  it.each([
    ["both database forms", { database: { newFromTemplate: "dev-template", name: "a", existing: "b" } }, "database", /not both/],
    ["neither database form", { database: {} }, "database", /newFromTemplate, name.*or \{ existing \}/],
    ["a new database without its template", { database: { name: "only-name" } }, "database.newFromTemplate", /required with name/],
    [
      "a template without the new database's name",
      { database: { newFromTemplate: "dev-template" } },
      "database.name",
      /required with newFromTemplate/,
    ],
    ["a fractional owner id", { ownerId: 5.5 }, "ownerId", /int/],
    ["an unknown deletion policy", { deletionPolicy: "destroy" }, "deletionPolicy", /deactivate/],
    ["an empty description", { description: "" }, "description", /requires a description/],
  ])("rejects %s at check time, naming the property, with nothing sent", async (_label, override, property, reason) => {
    const inputs: Record<string, unknown> = { ...fromTemplate("Bad", "bad"), ...override };
    for (const [k, v] of Object.entries(override)) if (v === undefined) delete inputs[k];
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure).toBeInstanceOf(CheckFailed);
    const failures = (failure as CheckFailed).failures;
    expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.find((f) => f.property === property)?.reason).toMatch(reason);
    expect((await h.admin.requests()).total).toBe(0);
  });

  it.each(["builder", "projectTypeId"])("refuses to create a project without %s, before sending anything", async (field) => {
    const inputs: Record<string, unknown> = { ...fromTemplate("NoBuilder", "no-builder") };
    delete inputs[field];
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure.message).toMatch(new RegExp(`^drofus: ${field}: dRofus requires it to create project "NoBuilder".*adopt: true`));
    const counts = await h.admin.requests();
    expect(counts.writes).toBe(0);
  });

  it("adopts a project without its write-only fields, writes nothing, and then diffs empty", async () => {
    const inputs = {
      name: "dRofus dev template",
      description: "The template",
      ownerId: 5,
      database: { existing: "dev-template" },
      adopt: true,
    };
    await h.admin.resetRequests();
    const { state } = await h.engine.up(KIND, inputs);
    expect((await h.admin.requests()).writes).toBe(0);
    expect(await h.engine.preview(KIND, inputs, state)).toBe("same");
  });

  it("tolerates values still unknown at preview time", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await h.engine.preview(KIND, fromTemplate(unknown, unknown, { ownerId: unknown }))).toBe("create");
  });

  it("gives one clear error for wrong credentials, after a single request", async () => {
    const wrong = await h.withConfig({ "drofus:password": "not-the-password" });
    try {
      const error = await rejection(wrong.engine.up(KIND, fromTemplate("Denied", "denied")));
      expect(error).toBeInstanceOf(RpcError);
      expect(error.message).toMatch(
        /^drofus: GET \/projects\?query=Denied&show_all=1 → 401: HTTP Basic: Access denied\. \(hint: check the credentials/,
      );
      expect(error.message).not.toContain("not-the-password");
      expect((await h.admin.requests()).total).toBe(1);
    } finally {
      await wrong.stop();
    }
  });
});

describe("a URL that is not a dRofus admin API", () => {
  it("fails delete and refresh with a configuration error instead of reporting the project gone, after one check", async () => {
    const { state } = await h.engine.up(KIND, fromTemplate("Url check", "url-check-db", { deletionPolicy: "delete" }));
    // The stack configured with that URL: its credentials go there, and only there.
    const wrong = await h.withConfig({ "drofus:url": `${h.sandbox.url}/not-drofus` });
    try {
      const elsewhere = { ...state, outputs: { ...state.outputs, serverUrl: `${h.sandbox.url}/not-drofus` } };
      await h.admin.resetRequests();
      const error = await rejection(wrong.engine.destroy(elsewhere));
      expect(error.message).toMatch(
        /^drofus: no dRofus admin API at .*\/not-drofus: GET \/projects answered 404 \(hint: drofus:url must be the root of the dRofus admin API/,
      );
      // The DELETE and the one list that tells a missing project from a wrong URL.
      expect((await h.admin.requests()).total).toBe(2);
      await expect(wrong.engine.refresh(elsewhere)).rejects.toThrow(/no dRofus admin API/);
      expect(await project(state.id)).toMatchObject({ name: "Url check" });
    } finally {
      await wrong.stop();
    }
  });

  it("still reads a project deleted behind Pulumi's back as gone", async () => {
    const { state } = await h.engine.up(KIND, fromTemplate("Gone behind", "gone-behind-db", { deletionPolicy: "delete" }));
    await h.engine.destroy(state);
    expect(await h.engine.refresh(state)).toBeUndefined();
  });
});
