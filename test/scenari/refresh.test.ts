/**
 * Batched refresh of Scenari accounts through the real dynamic-provider
 * process: users and groups are read from one `adminUsers List`, not one
 * `Display` each, and refresh stays correct (drift seen, a vanished account
 * gone, an account the list leaves out still read).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScenariState } from "../../sandbox/scenari";
import type { ResourceState } from "../support/provider";
import { startScenariHarness, type ScenariHarness } from "../support/scenariHarness";

let h: ScenariHarness;
const all: ResourceState[] = [];

beforeAll(async () => {
  h = await startScenariHarness();
  for (const account of ["staff", "authors"]) {
    all.push((await h.engine.up("scenari:Group", { account, groupName: account, grantedRoles: ["main:reader"] })).state);
  }
  for (let i = 0; i < 8; i++) {
    const user = {
      account: `user${i}`,
      firstName: "User",
      lastName: `N${i}`,
      email: `user${i}@univ.example`,
      nickNames: [`u${i}`],
      groups: ["staff"],
      grantedRoles: ["main:author"],
      password: "Corr3ct-Horse-Battery",
    };
    all.push((await h.engine.up("scenari:User", user)).state);
  }
});
afterAll(async () => h?.stop());

const refreshAll = () => Promise.all(all.map((s) => h.engine.refresh(s)));

/** The `cdaction` of every request the provider sent since the last reset. */
async function actions(): Promise<string[]> {
  return (await h.admin.requests()).entries.map((e) => `${e.method} ${new URLSearchParams(e.query).get("cdaction") ?? "?"}`);
}

describe("Scenari batched refresh", () => {
  it("reads every user and group from one list, with outputs unchanged", async () => {
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    expect(await actions()).toEqual(["GET List"]);
    all.forEach((s, i) => {
      expect(refreshed[i]?.outputs, s.id).toEqual(s.outputs);
    });
  });

  it("sees drift, drops a vanished account and reads alone one the list leaves out, after a write forgot the list", async () => {
    await h.admin.mutate<ScenariState>((s) => {
      const find = (account: string) => s.accounts.find((a) => a.account === account);
      find("user1")!.firstName = "Changed";
      find("user3")!.isHidden = true;
      s.accounts = s.accounts.filter((a) => a.account !== "user2");
    });
    // A write through the client: the list loaded by the previous test must not serve this refresh.
    all[1] = (
      await h.engine.up("scenari:Group", { account: "authors", groupName: "Authors", grantedRoles: ["main:reader"] }, all[1])
    ).state;
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    expect((await actions()).sort()).toEqual(["GET Display", "GET Display", "GET List"]);
    expect(refreshed[1]?.outputs.groupName).toBe("Authors");
    expect(refreshed[3]?.outputs.firstName).toBe("Changed");
    expect(refreshed[4]).toBeUndefined();
    expect(refreshed[5]?.outputs).toEqual(all[5]?.outputs);
  });
});
