import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckFailed, rejection } from "../support/provider";
import { startScodocHarness, type ScodocHarness } from "../support/scodocHarness";

interface State {
  roles: { id: number; name: string; permissions: string[] }[];
  users: { id: number; user_name: string }[];
  grants: { user_id: number; role_id: number; dept: string | null }[];
}

let h: ScodocHarness;
beforeAll(async () => {
  h = await startScodocHarness();
});
afterAll(async () => h?.stop());
beforeEach(async () => h.admin.resetRequests());

const KIND = "scodoc:Role";
const role = async (name: string) => (await h.admin.state<State>()).roles.find((r) => r.name === name);

describe("ScodocRole", () => {
  it("creates with a permission set whose order never diffs", async () => {
    const { state, op } = await h.engine.up(KIND, { name: "Tuteur", permissions: ["ScoView", "EnsView"] });
    expect(op).toBe("create");
    expect(state.id).toBe(String((await role("Tuteur"))?.id));
    expect(new Set((await role("Tuteur"))?.permissions)).toEqual(new Set(["ScoView", "EnsView"]));
    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, { name: "Tuteur", permissions: ["EnsView", "ScoView"] }, state)).toBe("same");
    expect(await h.engine.preview(KIND, { name: "Tuteur", permissions: ["EnsView", "ScoView", "ScoView"] }, state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("changes permissions in place", async () => {
    const { state } = await h.engine.up(KIND, { name: "Jury", permissions: ["ScoView"] });
    const next = await h.engine.up(KIND, { name: "Jury", permissions: ["ScoView", "EditAllNotes"] }, state);
    expect(next.op).toBe("update");
    expect(new Set((await role("Jury"))?.permissions)).toEqual(new Set(["ScoView", "EditAllNotes"]));
  });

  it("renames in place, keeping the id and every user's grants", async () => {
    const { state } = await h.engine.up(KIND, { name: "Vacataire", permissions: ["ScoView"] });
    await h.admin.mutate<State>((s) => {
      s.users.push({ ...(s.users[0] as object), id: 900, user_name: "vac1", token: null } as State["users"][number]);
      s.grants.push({ user_id: 900, role_id: Number(state.id), dept: "TAPI" });
    });
    const renamed = await h.engine.up(KIND, { name: "Intervenant", permissions: ["ScoView"] }, state);
    expect(renamed.op).toBe("update");
    expect(renamed.state.id).toBe(state.id);
    const s = await h.admin.state<State>();
    expect(s.roles.find((r) => r.id === Number(state.id))?.name).toBe("Intervenant");
    expect(s.grants.filter((g) => g.user_id === 900)).toEqual([{ user_id: 900, role_id: Number(state.id), dept: "TAPI" }]);
  });

  it("follows a role renamed out of band, by id", async () => {
    const { state } = await h.engine.up(KIND, { name: "Stagiaire", permissions: ["ScoView"] });
    await h.admin.op("editRole", { role_name: "Stagiaire", new_name: "Apprenti" });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.name).toBe("Apprenti");
    const back = await h.engine.up(KIND, { name: "Stagiaire", permissions: ["ScoView"] }, refreshed);
    expect(back.op).toBe("update");
    expect(await role("Stagiaire")).toBeDefined();
    expect(await role("Apprenti")).toBeUndefined();
  });

  it("rejects an unknown permission with the server's list, changing nothing", async () => {
    const error = await rejection(h.engine.up(KIND, { name: "Bad", permissions: ["ScoView", "MakeCoffee"] }));
    expect(error.message).toMatch(/^scodoc: permissions: unknown permission MakeCoffee \(hint: this server knows .*EnsView.*ScoView/);
    expect(await role("Bad")).toBeUndefined();
    const counts = await h.admin.requests();
    expect(counts.writes - (counts.byRoute["POST /ScoDoc/api/tokens"] ?? 0)).toBe(0);
  });

  it("deletes the role and, as ScoDoc does, its grants", async () => {
    const { state } = await h.engine.up(KIND, { name: "Ephemere" });
    await h.engine.destroy(state);
    expect(await role("Ephemere")).toBeUndefined();
  });

  it("adopts an existing role and brings its permissions to the declared set", async () => {
    await h.engine.up(KIND, { name: "Existing", permissions: ["ScoView"] });
    await expect(h.engine.up(KIND, { name: "Existing" })).rejects.toThrow(/role Existing already exists.*adopt/);
    const adopted = await h.engine.up(KIND, { name: "Existing", permissions: ["EnsView"], adopt: true });
    expect(adopted.op).toBe("create");
    expect((await role("Existing"))?.permissions).toEqual(["EnsView"]);
    expect((await h.admin.state<State>()).roles.filter((r) => r.name === "Existing")).toHaveLength(1);
  });

  it.each([
    [{ name: "Resp_RT" }, "name"],
    [{ name: "Resp,RT" }, "name"],
    [{ name: "" }, "name"],
    [{ name: "Ok", permissions: "ScoView" }, "permissions"],
    [{ name: "Ok", permissions: [""] }, "permissions[0]"],
  ])("rejects %j at check time naming %s", async (inputs, property) => {
    const error = await rejection(h.engine.up(KIND, inputs));
    expect(error).toBeInstanceOf(CheckFailed);
    expect((error as CheckFailed).failures.map((f) => f.property)).toContain(property);
    expect((await h.admin.requests()).total).toBe(0);
  });
});
