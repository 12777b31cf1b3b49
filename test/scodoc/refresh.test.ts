/**
 * Batched refresh through the real dynamic-provider process: reading many
 * ScoDoc resources costs one list request per kind, not one GET each, and
 * stays correct (drift seen, a vanished object gone, no stale read after a write).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScodocState } from "../../sandbox/scodoc/model";
import type { ResourceState } from "../support/provider";
import { startScodocHarness, type ScodocHarness } from "../support/scodocHarness";

let h: ScodocHarness;
const N = 40;
let users: ResourceState[] = [];
let roles: ResourceState[] = [];
let depts: ResourceState[] = [];

beforeAll(async () => {
  h = await startScodocHarness();
  depts = await Promise.all(["R1", "R2", "R3"].map(async (acronym) => (await h.engine.up("scodoc:Departement", { acronym })).state));
  roles = await Promise.all(
    ["Tut1", "Tut2"].map(async (name) => (await h.engine.up("scodoc:Role", { name, permissions: ["ScoView"] })).state),
  );
  users = [];
  for (let i = 0; i < N; i++) {
    users.push((await h.engine.up("scodoc:User", { userName: `u${i}`, nom: `N${i}`, roles: [{ role: "Tut1", departement: "R1" }] })).state);
  }
});
afterAll(async () => h?.stop());

/** Refresh everything at once, as the engine does with its parallelism. */
async function refreshAll(): Promise<(ResourceState | undefined)[]> {
  return Promise.all([...depts, ...roles, ...users].map((s) => h.engine.refresh(s)));
}

describe("ScoDoc batched refresh", () => {
  it("reads many resources with one list request per kind", async () => {
    // A write first, so no list loaded earlier in this process can serve the refresh.
    users[0] = (await h.engine.up("scodoc:User", { ...users[0]!.inputs, nom: "Fresh" }, users[0])).state;
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    const counts = await h.admin.requests();
    const gets = Object.fromEntries(Object.entries(counts.byRoute).filter(([route]) => route.startsWith("GET")));
    expect(gets).toEqual({ "GET /ScoDoc/api/departements": 1, "GET /ScoDoc/api/roles": 1, "GET /ScoDoc/api/users/query": 1 });
    expect(counts.writes).toBe(0);
    expect(refreshed.every((r) => r !== undefined)).toBe(true);
    expect(refreshed.at(-N)?.outputs.nom).toBe("Fresh");
  });

  it("sees drift and drops a vanished object, with a single GET for the id the list lacks", async () => {
    await h.admin.op("editUser", { user_name: "u1", nom: "Drifted" });
    await h.admin.op("deleteUser", { user_name: "u2" });
    await h.admin.op("editDepartement", { acronym: "R2", visible: false });
    // A write through the client forgets the list loaded by the previous test.
    users[3] = (await h.engine.up("scodoc:User", { ...users[3]!.inputs, nom: "Three" }, users[3])).state;
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    const byRoute = (await h.admin.requests()).byRoute;
    const at = (i: number) => refreshed[depts.length + roles.length + i];
    expect(at(1)?.outputs.nom).toBe("Drifted");
    expect(at(2)).toBeUndefined();
    expect(refreshed[1]?.outputs.visible).toBe(false);
    expect(byRoute["GET /ScoDoc/api/users/query"]).toBe(1);
    // The one user the list did not hold was asked for alone, and found gone.
    expect(byRoute["GET /ScoDoc/api/user/:uid"]).toBe(1);
  });

  it("an update right after a read is not served the list from before it", async () => {
    const u5 = (await h.engine.refresh(users[5]!))!;
    const updated = (
      await h.engine.up("scodoc:User", { ...users[5]!.inputs, nom: "Updated", roles: [{ role: "Tut2", departement: "R3" }] }, u5)
    ).state;
    expect(updated.outputs.nom).toBe("Updated");
    expect(updated.outputs.roles).toEqual([{ role: "Tut2", departement: "R3" }]);
    const again = await h.engine.refresh(updated);
    expect(again?.outputs.nom).toBe("Updated");
    expect(again?.outputs.roles).toEqual([{ role: "Tut2", departement: "R3" }]);
    const server = await h.admin.state<ScodocState>();
    expect(server.users.find((u) => u.user_name === "u5")?.nom).toBe("Updated");
  });
});
