/**
 * Batched refresh of Fess resources through the real dynamic-provider
 * process: each kind is read from its paged list once, not one GET per
 * resource, and refresh stays correct (drift seen, a vanished record gone).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fessId } from "../../providers/fess/client";
import type { FessState } from "../../sandbox/fess";
import type { ResourceState } from "../support/provider";
import { startFessHarness, type FessHarness } from "../support/fessHarness";

let h: FessHarness;
const all: ResourceState[] = [];

beforeAll(async () => {
  h = await startFessHarness("15");
  for (const name of ["r1", "r2", "r3"]) all.push((await h.engine.up("fess:Role", { name })).state);
  for (const name of ["g1", "g2"]) all.push((await h.engine.up("fess:Group", { name, attributes: { gidNumber: "4000" } })).state);
  for (let i = 0; i < 8; i++) {
    all.push(
      (await h.engine.up("fess:User", { name: `user${i}`, password: "Correct-Horse-Battery", roles: ["r1"], groups: ["g1"] })).state,
    );
  }
});
afterAll(async () => h?.stop());

const refreshAll = () => Promise.all(all.map((s) => h.engine.refresh(s)));

describe("Fess batched refresh", () => {
  it("reads each kind from one list, with outputs unchanged", async () => {
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    const byRoute = (await h.admin.requests()).byRoute;
    const count = (pattern: RegExp) =>
      Object.entries(byRoute)
        .filter(([r]) => pattern.test(r))
        .reduce((n, [, c]) => n + c, 0);
    for (const kind of ["role", "group", "user"]) expect(count(new RegExp(`^GET /api/admin/${kind}/settings$`)), kind).toBe(1);
    expect(count(/^GET \/api\/admin\/\w+\/setting\//)).toBe(0);
    all.forEach((s, i) => {
      expect(refreshed[i]?.outputs, s.id).toEqual(s.outputs);
    });
  });

  it("sees drift and drops a vanished record after a write forgot the lists", async () => {
    await h.admin.mutate<FessState>((s) => {
      s.groups[fessId("g1")]!.attributes = { gidNumber: "4999" };
      delete s.roles[fessId("r3")];
    });
    // A write through the client: the lists loaded by the previous test must not serve this refresh.
    all[1] = (await h.engine.up("fess:Role", { name: "r2b" }, all[1])).state;
    const [, r2, r3, g1] = await refreshAll();
    expect(r2?.outputs.name).toBe("r2b");
    expect(r3).toBeUndefined();
    expect(g1?.outputs.attributes).toEqual({ gidNumber: "4999" });
  });
});
