/**
 * Batched refresh of dRofus resources through the real dynamic-provider
 * process: projects come from one list request, the people of memberships
 * from one list of users, memberships from the project index when it lists
 * them (the documentation says it does, its sample shows none; otherwise
 * each is read alone), and refresh stays correct.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrofusState } from "../../sandbox/drofus/state";
import { indexListingMembers } from "../support/drofusIndex";
import type { ResourceState } from "../support/provider";
import { startDrofusHarness, type DrofusHarness } from "../support/drofusHarness";

let h: DrofusHarness;
const projects: ResourceState[] = [];
const members: ResourceState[] = [];
const MEMBERS = 12;

const projectInputs = (i: number) => ({
  name: `Batch ${i}`,
  description: "refresh",
  builder: "Byggmester AS",
  ownerId: 5,
  projectTypeId: 1,
  database: { newFromTemplate: "dev-template", name: `batch${i}` },
});

beforeAll(async () => {
  h = await startDrofusHarness();
  for (let i = 0; i < 3; i++) projects.push((await h.engine.up("drofus:Project", projectInputs(i))).state);
  for (let i = 0; i < MEMBERS; i++) {
    const username = `member.${i}`;
    const projectId = Number(projects[i % 3]!.id);
    members.push(
      (
        await h.engine.up("drofus:ProjectUser", {
          projectId,
          username,
          firstName: "M",
          lastName: `N${i}`,
          email: `${username}@arkitekt.example`,
          rights: { room: 1 },
        })
      ).state,
    );
  }
});
afterAll(async () => h?.stop());

const refreshAll = () => Promise.all([...projects, ...members].map((s) => h.engine.refresh(s)));

describe("dRofus batched refresh", () => {
  it("reads every project from one list and every member's person from one list of users, with outputs unchanged", async () => {
    await h.admin.resetRequests();
    const refreshed = await refreshAll();
    const byRoute = (await h.admin.requests()).byRoute;
    const count = (pattern: RegExp) =>
      Object.entries(byRoute)
        .filter(([r]) => pattern.test(r))
        .reduce((n, [, c]) => n + c, 0);
    expect(count(/^GET .*\/projects$/)).toBe(1);
    expect(count(/^GET .*\/projects\/[^/]+$/)).toBe(0);
    expect(count(/^GET .*\/users$/)).toBe(1);
    expect(count(/^GET .*\/users\/[^/]+$/)).toBe(0);
    expect(count(/^GET .*\/project_users\/[^/]+$/)).toBe(MEMBERS);
    // What the lists say is what a read of each object alone said at create.
    [...projects, ...members].forEach((s, i) => {
      expect(refreshed[i]?.outputs, s.id).toEqual(s.outputs);
    });
  });

  it("sees drift and drops a vanished project after a write forgot the list", async () => {
    await h.admin.op("patchProject", { id: Number(projects[0]!.id), name: "Renamed in the web UI" });
    await h.admin.op("removeProject", { id: Number(projects[1]!.id) });
    // A write through the client: the list loaded by the previous test must not serve this refresh.
    projects[2] = (await h.engine.up("drofus:Project", { ...projectInputs(2), description: "changed" }, projects[2])).state;
    const [p0, p1, p2] = await Promise.all(projects.map((s) => h.engine.refresh(s)));
    expect(p0?.outputs.name).toBe("Renamed in the web UI");
    expect(p1).toBeUndefined();
    expect(p2?.outputs.description).toBe("changed");
  });
});

describe.each(["beside", "inside"] as const)("dRofus refresh when the project index lists project users %s the projects", (placement) => {
  it("reads every membership from the index, and asks alone only for one it does not list", async () => {
    // The members of the project removed by the previous test are gone with it.
    const live = (await Promise.all(members.map((s) => h.engine.refresh(s)))).filter((s): s is ResourceState => s !== undefined);
    expect(live.length).toBeGreaterThan(1);
    const [gone, ...kept] = live as [ResourceState, ...ResourceState[]];
    const [username, projectId] = gone.id.split(",");
    await h.admin.mutate<DrofusState>((st) => {
      st.projectUsers = st.projectUsers.filter((m) => !(m.username === username && m.project_id === Number(projectId)));
    });
    // A write through the client: the index loaded before must not serve this refresh.
    projects[2] = (await h.engine.up("drofus:Project", { ...projectInputs(2), description: `listed ${placement}` }, projects[2])).state;
    await h.admin.setFaults(indexListingMembers(await h.admin.state<DrofusState>(), placement));
    await h.admin.resetRequests();
    const [goneNow, ...keptNow] = await Promise.all(live.map((s) => h.engine.refresh(s)));
    const byRoute = (await h.admin.requests()).byRoute;
    expect(byRoute["GET /projects"]).toBe(1);
    expect(byRoute["GET /project_users/:id"]).toBe(1);
    expect(goneNow).toBeUndefined();
    keptNow.forEach((s, i) => {
      expect(s?.outputs, kept[i]?.id).toEqual(kept[i]?.outputs);
    });
    // Put it back, so that the next placement starts from the same members.
    const index = members.findIndex((m) => m.id === gone.id);
    members[index] = (await h.engine.up("drofus:ProjectUser", members[index]!.inputs)).state;
  });
});
