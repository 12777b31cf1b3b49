import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fessId, type FessState } from "../../sandbox/fess";
import { FESS_VERSIONS, startFessHarness, type FessHarness } from "../support/fessHarness";
import { CheckFailed, rejection, type ResourceState } from "../support/provider";

const KIND = "fess:User";

describe.each(FESS_VERSIONS)("FessUser against Fess $version", ({ version, create, update }) => {
  let h: FessHarness;
  /** The role's `name` output, as a program hands it to a user. */
  let staff: string;

  beforeAll(async () => {
    h = await startFessHarness(version);
    staff = String((await h.engine.up("fess:Role", { name: "staff" })).state.outputs.name);
    await h.engine.up("fess:Role", { name: "students" });
    await h.engine.up("fess:Group", { name: "teachers" });
    await h.engine.up("fess:Group", { name: "year-1" });
  });
  afterAll(async () => h?.stop());
  beforeEach(async () => {
    await h.admin.clearFaults();
    await h.admin.resetRequests();
  });

  const server = () => h.admin.state<FessState>();
  const user = async (name: string) => (await server()).users[fessId(name)];
  const routes = async () => (await h.admin.requests()).byRoute;
  /** Proves a password was set without reading it anywhere: the API never shows one. */
  const hasPassword = async (name: string, password: string) =>
    (await h.admin.op<{ ok: boolean }>("verifyPassword", { name, password })).ok;

  describe("a user's life", () => {
    let alice: ResourceState;
    const inputs = () => ({
      name: "alice",
      password: "Correct-Horse-Battery",
      attributes: { mail: "alice@univ.example", uidNumber: "1001" },
      roles: [staff],
      groups: ["teachers"],
    });

    it("creates the user with its password, roles and groups by id, after checking they exist", async () => {
      const { state, op } = await h.engine.up(KIND, inputs());
      expect(op).toBe("create");
      alice = state;
      expect(state.id).toBe(fessId("alice"));
      expect(await user("alice")).toMatchObject({
        name: "alice",
        attributes: { mail: "alice@univ.example", uidNumber: "1001" },
        roles: [fessId("staff")],
        groups: [fessId("teachers")],
      });
      expect(await hasPassword("alice", "Correct-Horse-Battery")).toBe(true);
      expect(state.outputs).toMatchObject({ roles: ["staff"], groups: ["teachers"] });
      expect(await routes()).toEqual({
        "GET /api/admin/role/settings": 1,
        "GET /api/admin/group/settings": 1,
        "GET /api/admin/user/setting/:id": 1,
        [`${create} /api/admin/user/setting`]: 1,
      });
    });

    it("never keeps the password, yet an unchanged program shows no change without a request", async () => {
      expect(JSON.stringify(alice.outputs)).not.toContain("Correct-Horse-Battery");
      expect(alice.outputs).not.toHaveProperty("password");
      expect(String(alice.outputs.passwordDigest)).toMatch(/^scrypt2\$/);
      expect(await h.engine.preview(KIND, { ...inputs(), roles: [staff, staff], groups: ["teachers"] }, alice)).toBe("same");
      expect((await h.admin.requests()).total).toBe(0);
    });

    it("sets a new password, sending back the roles, groups and attributes it holds", async () => {
      const next = await h.engine.up(KIND, { ...inputs(), password: "New-Passphrase-2027" }, alice);
      expect(next.op).toBe("update");
      alice = next.state;
      expect(await hasPassword("alice", "New-Passphrase-2027")).toBe(true);
      expect(await hasPassword("alice", "Correct-Horse-Battery")).toBe(false);
      expect(await user("alice")).toMatchObject({
        roles: [fessId("staff")],
        groups: [fessId("teachers")],
        attributes: { uidNumber: "1001" },
      });
      // Roles and groups did not change: no list is read, only the record and the write.
      const counts = await routes();
      expect(counts).toEqual({ "GET /api/admin/user/setting/:id": 1, [`${update} /api/admin/user/setting`]: 1 });
    });

    it("changes attributes and roles without touching the password", async () => {
      const next = await h.engine.up(
        KIND,
        { ...inputs(), password: "New-Passphrase-2027", attributes: { mail: "a.martin@univ.example" }, roles: [staff, "students"] },
        alice,
      );
      expect(next.op).toBe("update");
      alice = next.state;
      expect(await user("alice")).toMatchObject({
        attributes: { mail: "a.martin@univ.example" },
        roles: [fessId("staff"), fessId("students")],
        groups: [fessId("teachers")],
      });
      expect(await hasPassword("alice", "New-Passphrase-2027")).toBe(true);
    });

    it("sees roles and groups changed out of band on refresh, by name, and puts them back", async () => {
      await h.admin.mutate<FessState>((s) => {
        s.users[fessId("alice")]!.roles = [fessId("students")];
        s.users[fessId("alice")]!.groups = [fessId("teachers"), fessId("year-1")];
      });
      const refreshed = await h.engine.refresh(alice);
      expect(refreshed?.outputs).toMatchObject({ roles: ["students"], groups: ["teachers", "year-1"] });
      const back = await h.engine.up(
        KIND,
        { ...inputs(), password: "New-Passphrase-2027", attributes: { mail: "a.martin@univ.example" }, roles: [staff, "students"] },
        refreshed,
      );
      expect(back.op).toBe("update");
      alice = back.state;
      expect(await user("alice")).toMatchObject({ roles: [fessId("staff"), fessId("students")], groups: [fessId("teachers")] });
    });

    it("gives a login renamed behind Pulumi's back its name again, in place", async () => {
      await h.admin.mutate<FessState>((s) => {
        s.users[fessId("alice")]!.name = "alice.old";
      });
      const refreshed = await h.engine.refresh(alice);
      expect(refreshed?.outputs.name).toBe("alice.old");
      const back = await h.engine.up(
        KIND,
        { ...inputs(), password: "New-Passphrase-2027", attributes: { mail: "a.martin@univ.example" }, roles: [staff, "students"] },
        refreshed,
      );
      expect(back.op).toBe("update");
      alice = back.state;
      expect((await user("alice"))?.name).toBe("alice");
      expect(await hasPassword("alice", "New-Passphrase-2027")).toBe(true);
    });

    it("deletes the user", async () => {
      await h.engine.destroy(alice);
      expect(await user("alice")).toBeUndefined();
    });
  });

  it("leaves roles it does not manage alone, and [] removes them all", async () => {
    const { state } = await h.engine.up(KIND, { name: "bob", password: "Bob-Password-1", roles: ["students"] });
    await h.admin.mutate<FessState>((s) => {
      s.users[fessId("bob")]!.roles = [fessId("students"), fessId("guest")];
    });
    // roles left out: not managed, so the out-of-band role stays through an update.
    const next = await h.engine.up(KIND, { name: "bob", password: "Bob-Password-1", attributes: { mail: "bob@univ.example" } }, state);
    expect(next.op).toBe("update");
    expect((await user("bob"))?.roles).toEqual([fessId("students"), fessId("guest")]);
    await h.engine.up(KIND, { name: "bob", password: "Bob-Password-1", roles: [] }, next.state);
    expect((await user("bob"))?.roles).toEqual([]);
    expect((await user("bob"))?.attributes).toEqual({ mail: "bob@univ.example" });
  });

  it("replaces the user when its name changes: the new login gets the password, the old one is deleted", async () => {
    const { state } = await h.engine.up(KIND, { name: "carol", password: "Carol-Password-1", groups: ["year-1"] });
    const next = await h.engine.up(KIND, { name: "carol.dupont", password: "Carol-Password-1", groups: ["year-1"] }, state);
    expect(next.op).toBe("replace");
    expect(next.state.id).toBe(fessId("carol.dupont"));
    expect(await user("carol")).toBeUndefined();
    expect((await user("carol.dupont"))?.groups).toEqual([fessId("year-1")]);
    expect(await hasPassword("carol.dupont", "Carol-Password-1")).toBe(true);
  });

  it("refuses an unknown role or group before sending anything, listing what exists", async () => {
    const error = await rejection(h.engine.up(KIND, { name: "dave", password: "Dave-Password-1", roles: ["staff", "ghost"] }));
    expect(error.message).toMatch(
      /^fess: roles\[1\]: no role ghost on the server \(hint: create it with a FessRole and pass its name output.*: admin, guest, staff, students\)$/,
    );
    await expect(h.engine.up(KIND, { name: "dave", password: "Dave-Password-1", groups: ["nobody"] })).rejects.toThrow(
      /^fess: groups\[0\]: no group nobody on the server/,
    );
    expect((await h.admin.requests()).writes).toBe(0);
    expect(await user("dave")).toBeUndefined();
  });

  it("reads every page of the roles to find one", async () => {
    const courses = Array.from({ length: 130 }, (_, i) => `course-${String(i).padStart(3, "0")}`);
    await h.admin.mutate<FessState>((s) => {
      for (const name of courses) s.roles[fessId(name)] = { name, attributes: {} };
    });
    await h.admin.resetRequests();
    try {
      // Listed by name, course-129 comes after the first page of 100.
      await h.engine.up(KIND, { name: "erin", password: "Erin-Password-1", roles: ["course-129"] });
      expect((await user("erin"))?.roles).toEqual([fessId("course-129")]);
      expect((await routes())["GET /api/admin/role/settings"]).toBe(2);
    } finally {
      await h.admin.mutate<FessState>((s) => {
        for (const name of courses) delete s.roles[fessId(name)];
      });
    }
  });

  it("stops with the likely cause when every page comes back as the first (a proxy that drops GET bodies)", async () => {
    const firstPage = Array.from({ length: 100 }, (_, i) => ({ id: fessId(`r${i}`), version_no: -1, name: `r${i}`, attributes: {} }));
    const body = { response: { settings: firstPage, total: 250, version: "15.7", status: 0 } };
    await h.admin.setFaults({ rules: [{ method: "GET", path: "^/api/admin/role/settings$", status: 200, body, times: 3 }] });
    const error = await rejection(h.engine.up(KIND, { name: "ivan", password: "Ivan-Password-1", roles: ["staff"] }));
    expect(error.message).toMatch(
      /^fess: GET \/api\/admin\/role\/settings → 200: page 2 repeats role \S+: the paging in the request body was ignored \(hint: does a proxy in front of Fess drop the bodies of GET requests\?\)$/,
    );
    expect((await h.admin.requests()).writes).toBe(0);
  });

  it("requires a password to create a user, sending nothing", async () => {
    await expect(h.engine.up(KIND, { name: "frank", roles: ["staff"] })).rejects.toThrow(
      /^fess: user frank: password is required to create a user/,
    );
    expect((await h.admin.requests()).writes).toBe(0);
    expect(await user("frank")).toBeUndefined();
  });

  it("never overwrites an existing user without adopt; adopt takes it over and keeps its password unless one is given", async () => {
    // Fess's seeded account: admin / admin.
    const before = await user("admin");
    const error = await rejection(h.engine.up(KIND, { name: "admin", password: "Taken-Over-1", roles: ["staff"] }));
    expect(error.message).toMatch(/^fess: user admin already exists on .*adopt: true/);
    expect((await h.admin.requests()).writes).toBe(0);
    expect(await user("admin")).toEqual(before);
    expect(await hasPassword("admin", "admin")).toBe(true);

    const adopted = await h.engine.up(KIND, { name: "admin", attributes: { surname: "Administrator" }, adopt: true });
    expect(adopted.op).toBe("create");
    expect(adopted.state.outputs.roles).toEqual(["admin", "guest"]);
    expect(await user("admin")).toMatchObject({ attributes: { surname: "Administrator" }, roles: before?.roles });
    expect(await hasPassword("admin", "admin")).toBe(true);
  });

  it("finishes a create whose answer was lost, with exactly one user", async () => {
    await h.admin.setFaults({ rules: [{ method: create, path: "^/api/admin/user/setting$", status: 500, after: true }] });
    const { state, op } = await h.engine.up(KIND, { name: "grace", password: "Grace-Hopper-1906", roles: ["staff"] });
    expect(op).toBe("create");
    expect(state.id).toBe(fessId("grace"));
    expect((await h.admin.requests()).faults).toBe(1);
    expect(Object.values((await server()).users).filter((u) => u.name === "grace")).toHaveLength(1);
    expect(await hasPassword("grace", "Grace-Hopper-1906")).toBe(true);
  });

  it.each([
    [{ name: "", password: "p4ssword" }, "name"],
    [{ name: "u".repeat(101), password: "p4ssword" }, "name"],
    [{ name: "x", password: "   " }, "password"],
    [{ name: "x", password: "p".repeat(101) }, "password"],
    [{ name: "x", password: "p4ssword", attributes: { uidNumber: "alice" } }, "attributes.uidNumber"],
    [{ name: "x", password: "p4ssword", attributes: { gidNumber: "" } }, "attributes.gidNumber"],
    [{ name: "x", password: "p4ssword", attributes: { password: "plain" } }, "attributes.password"],
    [{ name: "x", password: "p4ssword", roles: [""] }, "roles[0]"],
    [{ name: "x", password: "p4ssword", groups: "teachers" }, "groups"],
  ])("rejects %j at check time naming %s, sending nothing", async (inputs, property) => {
    const error = await rejection(h.engine.up(KIND, inputs));
    expect(error).toBeInstanceOf(CheckFailed);
    expect((error as CheckFailed).failures.map((f) => f.property)).toContain(property);
    expect((await h.admin.requests()).total).toBe(0);
  });
});
