import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fessId, type FessAccessToken, type FessState } from "../../sandbox/fess";
import { FESS_VERSIONS, startFessHarness, type FessHarness } from "../support/fessHarness";
import { CheckFailed, rejection } from "../support/provider";

const KIND = "fess:Role";

describe.each(FESS_VERSIONS)("FessRole against Fess $version", ({ version, create, update }) => {
  let h: FessHarness;
  beforeAll(async () => {
    h = await startFessHarness(version);
  });
  afterAll(async () => h?.stop());
  beforeEach(async () => {
    await h.admin.clearFaults();
    await h.admin.resetRequests();
  });

  const server = () => h.admin.state<FessState>();
  const role = async (name: string) => (await server()).roles[fessId(name)];
  const routes = async () => (await h.admin.requests()).byRoute;

  it("creates the role under Fess's id, looking first and then writing once with this version's create verb", async () => {
    const { state, op } = await h.engine.up(KIND, { name: "staff", attributes: { description: "Teaching staff" } });
    expect(op).toBe("create");
    expect(state.id).toBe("c3RhZmY=");
    expect(state.outputs).toMatchObject({ name: "staff", attributes: { description: "Teaching staff" } });
    expect(await role("staff")).toEqual({ name: "staff", attributes: { description: "Teaching staff" } });
    expect(await routes()).toEqual({ "GET /api/admin/role/setting/:id": 1, [`${create} /api/admin/role/setting`]: 1 });
  });

  it("shows no change for an unchanged program, without a single request", async () => {
    const { state } = await h.engine.up(KIND, { name: "librarian", attributes: { a: "1", b: "2" } });
    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, { name: "librarian", attributes: { b: "2", a: "1" } }, state)).toBe("same");
    expect(await h.engine.preview(KIND, { name: "librarian" }, state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("updates attributes in place with the full record, so users holding the role keep it", async () => {
    const { state } = await h.engine.up(KIND, { name: "tutor", attributes: { level: "1" } });
    await h.admin.mutate<FessState>((s) => {
      s.users[fessId("admin")]!.roles = [fessId("admin"), fessId("tutor")];
    });
    await h.admin.resetRequests();
    const next = await h.engine.up(KIND, { name: "tutor", attributes: { level: "2", campus: "north" } }, state);
    expect(next.op).toBe("update");
    expect(next.state.id).toBe(state.id);
    expect(await role("tutor")).toEqual({ name: "tutor", attributes: { level: "2", campus: "north" } });
    expect((await server()).users[fessId("admin")]?.roles).toContain(fessId("tutor"));
    expect(await routes()).toEqual({ "GET /api/admin/role/setting/:id": 1, [`${update} /api/admin/role/setting`]: 1 });
  });

  it("keeps attributes it does not manage when only the name is declared", async () => {
    const { state } = await h.engine.up(KIND, { name: "reviewer", attributes: { kept: "yes" } });
    await h.admin.mutate<FessState>((s) => {
      s.roles[fessId("reviewer")]!.name = "reviewer (renamed)";
    });
    // The name drifted; attributes are left out of the program, hence unmanaged.
    const refreshed = await h.engine.refresh(state);
    await h.engine.up(KIND, { name: "reviewer" }, refreshed);
    expect(await role("reviewer")).toEqual({ name: "reviewer", attributes: { kept: "yes" } });
  });

  it("replaces the role when its name changes: a new id, the old one deleted", async () => {
    const { state } = await h.engine.up(KIND, { name: "assistant" });
    expect(await h.provider.diff(state.id, state.outputs, { name: "assistants", __provider: h.texts[KIND] })).toMatchObject({
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    const next = await h.engine.up(KIND, { name: "assistants" }, state);
    expect(next.op).toBe("replace");
    expect(next.state.id).toBe(fessId("assistants"));
    expect(await role("assistants")).toBeDefined();
    expect(await role("assistant")).toBeUndefined();
  });

  it("puts back a role renamed behind Pulumi's back in place, never replacing it with itself", async () => {
    const { state } = await h.engine.up(KIND, { name: "jury" });
    await h.admin.mutate<FessState>((s) => {
      s.roles[fessId("jury")]!.name = "exam board";
    });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.name).toBe("exam board");
    const back = await h.engine.up(KIND, { name: "jury" }, refreshed);
    expect(back.op).toBe("update");
    expect(await role("jury")).toEqual({ name: "jury", attributes: {} });
  });

  it("sees attributes changed out of band on refresh and puts them back", async () => {
    const { state } = await h.engine.up(KIND, { name: "secretary", attributes: { office: "A12" } });
    await h.admin.mutate<FessState>((s) => {
      s.roles[fessId("secretary")]!.attributes = { office: "B04", extra: "x" };
    });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.attributes).toEqual({ office: "B04", extra: "x" });
    expect(await h.engine.preview(KIND, { name: "secretary", attributes: { office: "A12" } }, refreshed)).toBe("update");
    await h.engine.up(KIND, { name: "secretary", attributes: { office: "A12" } }, refreshed);
    expect(await role("secretary")).toEqual({ name: "secretary", attributes: { office: "A12" } });
  });

  it("drops a role deleted out of band on refresh, and the next up creates it again", async () => {
    const { state } = await h.engine.up(KIND, { name: "intern" });
    await h.admin.mutate<FessState>((s) => {
      delete s.roles[fessId("intern")];
    });
    expect(await h.engine.refresh(state)).toBeUndefined();
    const again = await h.engine.up(KIND, { name: "intern" });
    expect(again.op).toBe("create");
    expect(await role("intern")).toBeDefined();
  });

  it("deletes the role, and Fess takes it from every user holding it", async () => {
    const { state } = await h.engine.up(KIND, { name: "visitor" });
    await h.admin.mutate<FessState>((s) => {
      s.users[fessId("admin")]!.roles = [fessId("admin"), fessId("visitor")];
    });
    await h.admin.resetRequests();
    await h.engine.destroy(state);
    expect(await role("visitor")).toBeUndefined();
    expect((await server()).users[fessId("admin")]?.roles).toEqual([fessId("admin")]);
    expect(await routes()).toEqual({ "DELETE /api/admin/role/setting/:id": 1 });
    // Deleting what is already gone succeeds.
    await h.engine.destroy(state);
  });

  it("never overwrites an existing role: create fails naming adopt and the record is unchanged; adopt takes it over", async () => {
    await h.admin.mutate<FessState>((s) => {
      s.roles[fessId("shared")] = { name: "shared", attributes: { owner: "ldap-sync" } };
    });
    const error = await rejection(h.engine.up(KIND, { name: "shared", attributes: { owner: "pulumi" } }));
    expect(error.message).toMatch(/^fess: role shared already exists on .* \(hint: set adopt: true/);
    expect(await role("shared")).toEqual({ name: "shared", attributes: { owner: "ldap-sync" } });
    expect((await h.admin.requests()).writes).toBe(0);

    const adopted = await h.engine.up(KIND, { name: "shared", attributes: { owner: "pulumi" }, adopt: true });
    expect(adopted.op).toBe("create");
    expect(adopted.state.id).toBe(fessId("shared"));
    expect(await role("shared")).toEqual({ name: "shared", attributes: { owner: "pulumi" } });
  });

  it("adopts a role that matches the program without writing anything", async () => {
    await h.admin.mutate<FessState>((s) => {
      s.roles[fessId("matching")] = { name: "matching", attributes: { k: "v" } };
    });
    await h.admin.resetRequests();
    const adopted = await h.engine.up(KIND, { name: "matching", attributes: { k: "v" }, adopt: true });
    expect(adopted.op).toBe("create");
    expect((await h.admin.requests()).writes).toBe(0);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: "r".repeat(101) }, "name"],
    [{ name: "ok", attributes: { name: "other" } }, "attributes.name"],
    [{ name: "ok", attributes: { password: "secret" } }, "attributes.password"],
    [{ name: "ok", attributes: { roles: "x" } }, "attributes.roles"],
    [{ name: "ok", attributes: { level: 2 } }, "attributes.level"],
  ])("rejects %j at check time naming %s, sending nothing", async (inputs, property) => {
    const error = await rejection(h.engine.up(KIND, inputs));
    expect(error).toBeInstanceOf(CheckFailed);
    expect((error as CheckFailed).failures.map((f) => f.property)).toContain(property);
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("accepts a name of exactly 100 characters", async () => {
    const name = "n".repeat(100);
    await h.engine.up(KIND, { name });
    expect((await role(name))?.name).toBe(name);
  });

  it("fails once, clearly and without retrying, with a token that lacks admin-api", async () => {
    const guest = await h.admin.op<FessAccessToken>("underPrivilegedToken");
    const other = await h.withConfig({ "fess:token": guest.token });
    try {
      const error = await rejection(other.engine.up(KIND, { name: "refused" }));
      expect(error.message).toMatch(
        /^fess: GET \/api\/admin\/role\/setting\/\S+ → 200: Unauthorized request\. \(hint: the token is invalid or expired, or lacks the admin-api permission/,
      );
      expect(error.message).not.toContain(guest.token);
      expect((await h.admin.requests()).total).toBe(1);
      // The refusal is remembered: another resource fails at once, without asking again.
      await expect(other.engine.up("fess:Group", { name: "refused" })).rejects.toThrow(/Unauthorized request/);
      expect((await h.admin.requests()).total).toBe(1);
      expect(await role("refused")).toBeUndefined();
    } finally {
      await other.stop();
    }
  });

  it("says fess:url must be the server root when it points elsewhere", async () => {
    const other = await h.withConfig({ "fess:url": `${h.sandbox.clientUrl}/api/admin` });
    try {
      await expect(other.engine.up(KIND, { name: "misdirected" })).rejects.toThrow(
        /^fess: GET \/api\/admin\/api\/admin\/role\/setting\/\S+ → 404: expected JSON, got: <!DOCTYPE html>.*\(hint: is fess:url the root of a Fess server\?\)$/,
      );
      expect((await h.admin.requests()).writes).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it("says where to set the token when none is configured, sending nothing", async () => {
    const other = await h.withConfig({ "fess:token": "" });
    try {
      await expect(other.engine.up(KIND, { name: "tokenless" })).rejects.toThrow(
        /^fess: no token configured for .* \(hint: set fess:token .*FESS_TOKEN/,
      );
      expect((await h.admin.requests()).total).toBe(0);
    } finally {
      await other.stop();
    }
  });
});
