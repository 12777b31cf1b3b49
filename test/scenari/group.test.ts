import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ScenariState } from "../../sandbox/scenari";
import { CheckFailed, rejection } from "../support/provider";
import { startScenariHarness, type ScenariHarness } from "../support/scenariHarness";

const KIND = "scenari:Group";

let h: ScenariHarness;
beforeAll(async () => {
  h = await startScenariHarness();
});
afterAll(async () => h?.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.admin.resetRequests();
});

const stored = async (account: string) => (await h.admin.state<ScenariState>()).accounts.find((a) => a.account === account);

async function actions(): Promise<string[]> {
  return (await h.admin.requests()).entries.map((e) => `${e.method} ${new URLSearchParams(e.query).get("cdaction") ?? "?"}`);
}

describe("ScenariGroup", () => {
  it("creates nested groups whose roles their members inherit", async () => {
    const staff = await h.engine.up(KIND, { account: "staff", groupName: "Personnel", grantedRoles: ["main:reader"] });
    await h.admin.resetRequests();
    const { state, op } = await h.engine.up(KIND, {
      account: "authors",
      groupName: "Auteurs",
      email: "authors@univ.example",
      groups: ["staff"],
      grantedRoles: ["main:author"],
    });
    expect(op).toBe("create");
    expect(state.id).toBe("authors");
    expect(await actions()).toEqual(["POST CreateGroup"]);
    expect(await stored("authors")).toMatchObject({
      userType: "group",
      groupName: "Auteurs",
      groups: ["staff"],
      grantedRoles: ["main:author"],
    });
    expect(state.outputs).toMatchObject({ groupName: "Auteurs", inheritedRoles: ["main:reader"] });

    const member = await h.engine.up("scenari:User", { account: "alice", groups: ["authors"] });
    expect(member.state.outputs.inheritedRoles).toEqual(["main:author", "main:reader"]);
    expect(staff.state.outputs.inheritedRoles).toEqual([]);
  });

  it("diffs empty with no request, and updates in place with UpdateGroup", async () => {
    const declared = { account: "editors", groupName: "Éditeurs", grantedRoles: ["main:author", "main:reader"] };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, { ...declared, grantedRoles: ["main:reader", "main:author"] }, state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
    const next = await h.engine.up(KIND, { ...declared, groupName: "Comité éditorial", email: "edit@univ.example" }, state);
    expect(next.op).toBe("update");
    expect(await actions()).toEqual(["POST UpdateGroup"]);
    expect(await stored("editors")).toMatchObject({
      groupName: "Comité éditorial",
      email: "edit@univ.example",
      grantedRoles: ["main:author", "main:reader"],
    });
  });

  it("reports drift on refresh and puts the declaration back", async () => {
    const declared = { account: "reviewers", groupName: "Relecteurs", grantedRoles: ["main:reader"] };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.op("patchAccount", { account: "reviewers", props: { groupName: "Changed", grantedRoles: null } });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs).toMatchObject({ groupName: "Changed", grantedRoles: [] });
    expect((await h.engine.up(KIND, declared, refreshed)).op).toBe("update");
    expect(await stored("reviewers")).toMatchObject({ groupName: "Relecteurs", grantedRoles: ["main:reader"] });
  });

  it("deletes with DropGroup; its members stay, without the membership", async () => {
    const { state } = await h.engine.up(KIND, { account: "temporary" });
    await h.engine.up("scenari:User", { account: "tim", groups: ["temporary"] });
    await h.admin.resetRequests();
    await h.engine.destroy(state);
    expect(await actions()).toEqual(["POST DropGroup"]);
    expect(await stored("temporary")).toBeUndefined();
    expect((await stored("tim"))?.groups ?? []).toEqual([]);
  });

  it("replaces the group on a new account", async () => {
    const { state } = await h.engine.up(KIND, { account: "team-a", groupName: "Team" });
    const next = await h.engine.up(KIND, { account: "team-b", groupName: "Team" }, state);
    expect(next.op).toBe("replace");
    expect(await stored("team-a")).toBeUndefined();
    expect(await stored("team-b")).toMatchObject({ userType: "group", groupName: "Team" });
  });

  it("fails on an existing group unless adopt, then adopts it", async () => {
    await h.admin.op("putAccount", { account: "legacy", userType: "group", groupName: "Old" });
    expect((await rejection(h.engine.up(KIND, { account: "legacy", groupName: "New" }))).message).toMatch(
      /^scenari: group legacy already exists on .*adopt: true/,
    );
    const adopted = await h.engine.up(KIND, { account: "legacy", groupName: "New", adopt: true });
    expect(adopted.state.id).toBe("legacy");
    expect((await stored("legacy"))?.groupName).toBe("New");
  });

  it("refuses an account a user holds: users and groups share one namespace", async () => {
    await h.engine.up("scenari:User", { account: "shared-name" });
    for (const adopt of [false, true]) {
      const error = await rejection(h.engine.up(KIND, { account: "shared-name", groupName: "G", adopt }));
      expect(error.message).toBe(
        "scenari: account shared-name is a user on the server, so it cannot be a group (hint: users and groups share one namespace of accounts: choose another account name)",
      );
    }
    expect((await stored("shared-name"))?.userType).toBe("user");
  });

  it("reports a cycle of groups as the server words it", async () => {
    const { state } = await h.engine.up(KIND, { account: "outer" });
    await h.engine.up(KIND, { account: "inner", groups: ["outer"] });
    const error = await rejection(h.engine.up(KIND, { account: "outer", groups: ["inner"] }, state));
    expect(error.message).toMatch(
      /UpdateGroup&param=outer → 200: failedInvalidDatas \(GroupCycleException\): Group 'inner' would contain itself$/,
    );
  });

  it.each([
    [{ account: "with space" }, "account", /letters, digits/],
    [{ account: "__proto__" }, "account", /__proto__/],
    [{ account: "g", email: "nope" }, "email", /email/],
    [{ account: "g", groups: ["bad/name"] }, "groups[0]", /letters, digits/],
    [{ account: "g", password: "secret" }, "", /password/],
  ])("rejects %j at check time, with nothing sent", async (inputs, property, reason) => {
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure).toBeInstanceOf(CheckFailed);
    const failures = (failure as CheckFailed).failures;
    if (property) expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.map((f) => f.reason).join(" ")).toMatch(reason);
    expect((await h.admin.requests()).total).toBe(0);
  });
});
