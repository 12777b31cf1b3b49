import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fessId, type FessState } from "../../sandbox/fess";
import { FESS_VERSIONS, startFessHarness, type FessHarness } from "../support/fessHarness";
import { CheckFailed, rejection } from "../support/provider";

const KIND = "fess:Group";

describe.each(FESS_VERSIONS)("FessGroup against Fess $version", ({ version, create, update }) => {
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
  const group = async (name: string) => (await server()).groups[fessId(name)];
  const routes = async () => (await h.admin.requests()).byRoute;

  it("creates a group with a numeric gidNumber, with this version's create verb, and an unchanged program sends nothing", async () => {
    const { state, op } = await h.engine.up(KIND, { name: "students", attributes: { gidNumber: "2001", description: "All students" } });
    expect(op).toBe("create");
    expect(state.id).toBe(fessId("students"));
    expect(await group("students")).toEqual({ name: "students", attributes: { gidNumber: "2001", description: "All students" } });
    expect(await routes()).toEqual({ "GET /api/admin/group/setting/:id": 1, [`${create} /api/admin/group/setting`]: 1 });

    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, { name: "students", attributes: { description: "All students", gidNumber: "2001" } }, state)).toBe(
      "same",
    );
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("updates attributes in place, sending the full record with this version's update verb", async () => {
    const { state } = await h.engine.up(KIND, { name: "lab", attributes: { gidNumber: "3000" } });
    await h.admin.mutate<FessState>((s) => {
      s.users[fessId("admin")]!.groups = [fessId("lab")];
    });
    await h.admin.resetRequests();
    const next = await h.engine.up(KIND, { name: "lab", attributes: { gidNumber: "3001" } }, state);
    expect(next.op).toBe("update");
    expect(await group("lab")).toEqual({ name: "lab", attributes: { gidNumber: "3001" } });
    expect((await server()).users[fessId("admin")]?.groups).toEqual([fessId("lab")]);
    expect(await routes()).toEqual({ "GET /api/admin/group/setting/:id": 1, [`${update} /api/admin/group/setting`]: 1 });
  });

  it("replaces the group when its name changes", async () => {
    const { state } = await h.engine.up(KIND, { name: "year-1" });
    const next = await h.engine.up(KIND, { name: "first-year" }, state);
    expect(next.op).toBe("replace");
    expect(next.state.id).toBe(fessId("first-year"));
    expect(await group("year-1")).toBeUndefined();
    expect(await group("first-year")).toBeDefined();
  });

  it("follows drift: attributes put back after refresh, a deleted group dropped and created again", async () => {
    const { state } = await h.engine.up(KIND, { name: "alumni", attributes: { gidNumber: "4000" } });
    await h.admin.mutate<FessState>((s) => {
      s.groups[fessId("alumni")]!.attributes = { gidNumber: "4999" };
    });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.attributes).toEqual({ gidNumber: "4999" });
    const back = await h.engine.up(KIND, { name: "alumni", attributes: { gidNumber: "4000" } }, refreshed);
    expect(back.op).toBe("update");
    expect((await group("alumni"))?.attributes).toEqual({ gidNumber: "4000" });

    await h.admin.mutate<FessState>((s) => {
      delete s.groups[fessId("alumni")];
    });
    expect(await h.engine.refresh(back.state)).toBeUndefined();
    expect((await h.engine.up(KIND, { name: "alumni", attributes: { gidNumber: "4000" } })).op).toBe("create");
  });

  it("deletes the group, and Fess takes it from every user in it", async () => {
    const { state } = await h.engine.up(KIND, { name: "guests" });
    await h.admin.mutate<FessState>((s) => {
      s.users[fessId("admin")]!.groups = [fessId("guests")];
    });
    await h.engine.destroy(state);
    expect(await group("guests")).toBeUndefined();
    expect((await server()).users[fessId("admin")]?.groups).toEqual([]);
  });

  it("never overwrites an existing group without adopt, and adopts it with", async () => {
    await h.admin.mutate<FessState>((s) => {
      s.groups[fessId("staff")] = { name: "staff", attributes: { gidNumber: "100" } };
    });
    await expect(h.engine.up(KIND, { name: "staff", attributes: { gidNumber: "200" } })).rejects.toThrow(
      /^fess: group staff already exists on .*adopt: true/,
    );
    expect(await group("staff")).toEqual({ name: "staff", attributes: { gidNumber: "100" } });
    expect((await h.admin.requests()).writes).toBe(0);

    const adopted = await h.engine.up(KIND, { name: "staff", attributes: { gidNumber: "200" }, adopt: true });
    expect(adopted.op).toBe("create");
    expect(await group("staff")).toEqual({ name: "staff", attributes: { gidNumber: "200" } });
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "g".repeat(101) }, "name"],
    [{ name: "ok", attributes: { gidNumber: "staff" } }, "attributes.gidNumber"],
    [{ name: "ok", attributes: { gidNumber: "1,000" } }, "attributes.gidNumber"],
    [{ name: "ok", attributes: { gidNumber: "12.5" } }, "attributes.gidNumber"],
    [{ name: "ok", attributes: { gidNumber: "9223372036854775808" } }, "attributes.gidNumber"],
    [{ name: "ok", attributes: { groups: "x" } }, "attributes.groups"],
  ])("rejects %j at check time naming %s, sending nothing", async (inputs, property) => {
    const error = await rejection(h.engine.up(KIND, inputs));
    expect(error).toBeInstanceOf(CheckFailed);
    expect((error as CheckFailed).failures.map((f) => f.property)).toContain(property);
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("accepts the largest and a negative gidNumber Fess can store", async () => {
    await h.engine.up(KIND, { name: "edge", attributes: { gidNumber: "9223372036854775807" } });
    await h.engine.up(KIND, { name: "negative", attributes: { gidNumber: "-1" } });
    expect((await group("edge"))?.attributes.gidNumber).toBe("9223372036854775807");
    expect((await group("negative"))?.attributes.gidNumber).toBe("-1");
  });
});
