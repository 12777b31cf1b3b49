import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckFailed, InitFailed, rejection, type ResourceState } from "../support/provider";
import { startScodocHarness, type ScodocHarness } from "../support/scodocHarness";

interface UserRow {
  id: number;
  user_name: string;
  active: boolean;
  nom: string | null;
  email: string | null;
  dept: string | null;
}
interface State {
  departements: { acronym: string }[];
  roles: { id: number; name: string }[];
  users: UserRow[];
  grants: { user_id: number; role_id: number; dept: string | null }[];
}

let h: ScodocHarness;
const DEPTS = ["RT", "GEII"];

beforeAll(async () => {
  h = await startScodocHarness();
  for (const acronym of DEPTS) await h.engine.up("scodoc:Departement", { acronym });
});
afterAll(async () => h?.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.admin.resetRequests();
});

const KIND = "scodoc:User";

async function serverUser(userName: string): Promise<{ user: UserRow | undefined; grants: string[] }> {
  const s = await h.admin.state<State>();
  const user = s.users.find((u) => u.user_name === userName);
  const grants = s.grants
    .filter((g) => g.user_id === user?.id)
    .map((g) => `${s.roles.find((r) => r.id === g.role_id)?.name}_${g.dept ?? ""}`)
    .sort();
  return { user, grants };
}

/** Logging in with the password proves it was set, without reading it anywhere. */
async function canLogIn(userName: string, password: string): Promise<boolean> {
  const res = await fetch(`${h.sandbox.clientUrl}/ScoDoc/api/tokens`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${userName}:${password}`).toString("base64")}` },
  });
  return res.status === 200;
}

describe("ScodocUser", () => {
  let alice: ResourceState;

  it("creates a user with a password and grants across departements", async () => {
    const { state, op } = await h.engine.up(KIND, {
      userName: "alice",
      nom: "Martin",
      prenom: "Alice",
      email: "alice@iut.example",
      dept: "RT",
      password: "Corr3ct-Horse-Battery",
      roles: [{ role: "Ens", departement: "RT" }, { role: "Secr", departement: "GEII" }, { role: "Observateur" }],
    });
    expect(op).toBe("create");
    alice = state;
    const { user, grants } = await serverUser("alice");
    expect(user).toMatchObject({ nom: "Martin", email: "alice@iut.example", dept: "RT", active: true });
    expect(grants).toEqual(["Ens_RT", "Observateur_", "Secr_GEII"]);
    expect(await canLogIn("alice", "Corr3ct-Horse-Battery")).toBe(true);
    expect(state.outputs.userId).toBe(user?.id);
    expect(state.id).toBe(String(user?.id));
  });

  it("never puts the password in the outputs, yet an unchanged program diffs empty with no request", async () => {
    expect(JSON.stringify(alice.outputs)).not.toContain("Corr3ct-Horse-Battery");
    expect(alice.outputs).not.toHaveProperty("password");
    expect(String(alice.outputs.passwordDigest)).toMatch(/^scrypt2\$/);
    await h.admin.resetRequests();
    const same = await h.engine.preview(
      KIND,
      {
        userName: "alice",
        nom: "Martin",
        prenom: "Alice",
        email: "alice@iut.example",
        dept: "RT",
        password: "Corr3ct-Horse-Battery",
        // Reordered: a set.
        roles: [{ role: "Observateur" }, { role: "Secr", departement: "GEII" }, { role: "Ens", departement: "RT" }],
      },
      alice,
    );
    expect(same).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("detects a new password and sets it", async () => {
    const next = await h.engine.up(KIND, { ...alice.inputs, password: "N3w-Passphrase-2027" }, alice);
    expect(next.op).toBe("update");
    expect(await canLogIn("alice", "N3w-Passphrase-2027")).toBe(true);
    expect(await canLogIn("alice", "Corr3ct-Horse-Battery")).toBe(false);
    alice = next.state;
  });

  it("treats grants as authoritative: an out-of-band grant is removed, a missing one re-added", async () => {
    await h.admin.op("grantRole", { user_name: "alice", role_name: "Admin", dept: "RT" });
    await h.admin.op("revokeRole", { user_name: "alice", role_name: "Observateur", dept: null });
    const refreshed = await h.engine.refresh(alice);
    expect(refreshed?.outputs.roles).toEqual([
      { role: "Admin", departement: "RT" },
      { role: "Ens", departement: "RT" },
      { role: "Secr", departement: "GEII" },
    ]);
    const back = await h.engine.up(KIND, { ...alice.inputs, password: "N3w-Passphrase-2027" }, refreshed);
    expect(back.op).toBe("update");
    expect((await serverUser("alice")).grants).toEqual(["Ens_RT", "Observateur_", "Secr_GEII"]);
    alice = back.state;
  });

  it("updates fields in place and leaves unmanaged grants alone", async () => {
    const { state } = await h.engine.up(KIND, { userName: "bob", nom: "Durand", roles: [{ role: "Ens", departement: "RT" }] });
    // roles omitted: not managed any more, so the grant stays.
    const next = await h.engine.up(KIND, { userName: "bob", nom: "Durand-Petit" }, state);
    expect(next.op).toBe("update");
    const { user, grants } = await serverUser("bob");
    expect(user?.nom).toBe("Durand-Petit");
    expect(grants).toEqual(["Ens_RT"]);
    // [] removes them all.
    await h.engine.up(KIND, { userName: "bob", nom: "Durand-Petit", roles: [] }, next.state);
    expect((await serverUser("bob")).grants).toEqual([]);
  });

  it("replaces on a new userName, deactivating the old login", async () => {
    const { state } = await h.engine.up(KIND, { userName: "carol", roles: [{ role: "Ens" }] });
    const next = await h.engine.up(KIND, { userName: "carol.dupont", roles: [{ role: "Ens" }] }, state);
    expect(next.op).toBe("replace");
    expect((await serverUser("carol")).user?.active).toBe(false);
    expect((await serverUser("carol")).grants).toEqual([]);
    expect((await serverUser("carol.dupont")).grants).toEqual(["Ens_"]);
  });

  it("converges after a role is renamed out of band", async () => {
    const { state } = await h.engine.up(KIND, { userName: "dave", roles: [{ role: "Secr", departement: "RT" }] });
    await h.engine.up("scodoc:Role", { name: "Scolarite", adopt: true });
    await h.admin.mutate<State>((s) => {
      const secr = s.roles.find((r) => r.name === "Secr");
      const scol = s.roles.find((r) => r.name === "Scolarite");
      for (const g of s.grants)
        if (g.role_id === secr?.id && s.users.find((u) => u.id === g.user_id)?.user_name === "dave") g.role_id = scol!.id;
    });
    const refreshed = await h.engine.refresh(state);
    const next = await h.engine.up(KIND, { userName: "dave", roles: [{ role: "Secr", departement: "RT" }] }, refreshed);
    expect(next.op).toBe("update");
    expect((await serverUser("dave")).grants).toEqual(["Secr_RT"]);
  });

  it("deletes by deactivating and removing grants; retain leaves the user as is", async () => {
    const { state } = await h.engine.up(KIND, { userName: "erin", roles: [{ role: "Ens", departement: "GEII" }] });
    await h.engine.destroy(state);
    expect((await serverUser("erin")).user?.active).toBe(false);
    expect((await serverUser("erin")).grants).toEqual([]);

    const kept = await h.engine.up(KIND, { userName: "frank", roles: [{ role: "Ens" }], deletionPolicy: "retain" });
    await h.admin.resetRequests();
    await h.engine.destroy(kept.state);
    expect((await h.admin.requests()).writes).toBe(0);
    expect((await serverUser("frank")).user?.active).toBe(true);
    expect((await serverUser("frank")).grants).toEqual(["Ens_"]);
  });

  it("sends a create again while its connection drops before the server has it, then has exactly one user", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "/user/create$", reset: true, times: 2 }] });
    await h.admin.resetRequests();
    const { op } = await h.engine.up(KIND, { userName: "hedy", roles: [{ role: "Ens", departement: "RT" }] });
    expect(op).toBe("create");
    expect((await h.admin.requests()).byRoute["POST /ScoDoc/api/user/create"]).toBe(3);
    expect((await h.admin.state<State>()).users.filter((u) => u.user_name === "hedy")).toHaveLength(1);
    expect((await serverUser("hedy")).grants).toEqual(["Ens_RT"]);
  });

  it("takes over the user a create made when its answer was lost, without sending it again", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "/user/create$", reset: true, after: true }] });
    await h.admin.resetRequests();
    const { op } = await h.engine.up(KIND, { userName: "ida", roles: [{ role: "Ens", departement: "RT" }] });
    expect(op).toBe("create");
    expect((await h.admin.requests()).byRoute["POST /ScoDoc/api/user/create"]).toBe(1);
    expect((await h.admin.state<State>()).users.filter((u) => u.user_name === "ida")).toHaveLength(1);
    expect((await serverUser("ida")).grants).toEqual(["Ens_RT"]);
  });

  it("records a user whose grant failed, and the next up finishes with exactly one user", async () => {
    await h.admin.setFaults({ rules: [{ method: "POST", path: "/user/\\d+/role/.*/add", status: 500, times: 1 }] });
    const inputs = {
      userName: "grace",
      password: "Gr4ce-Hopper-1906",
      roles: [
        { role: "Ens", departement: "RT" },
        { role: "Admin", departement: "GEII" },
      ],
    };
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure).toBeInstanceOf(InitFailed);
    const init = failure as InitFailed;
    expect(init.message).toMatch(/^scodoc: POST \/ScoDoc\/api\/user\/\d+\/role\/Ens\/add\/departement\/RT → 500/);
    expect(init.message.split("\n")).toHaveLength(1);
    expect(init.id).toBe(String((await serverUser("grace")).user?.id));
    expect(init.properties.__provider).toBe(h.texts[KIND]);
    expect(JSON.stringify(init.properties)).not.toContain("Gr4ce-Hopper-1906");

    // What the engine keeps: the id, the recorded outputs, the inputs.
    const checked = await h.provider.check({}, { ...inputs, __provider: h.texts[KIND] });
    const recorded: ResourceState = { kind: KIND, id: init.id, inputs: checked.inputs, outputs: init.properties };
    const next = await h.engine.up(KIND, inputs, recorded);
    expect(next.op).toBe("update");
    expect((await h.admin.state<State>()).users.filter((u) => u.user_name === "grace")).toHaveLength(1);
    expect((await serverUser("grace")).grants).toEqual(["Admin_GEII", "Ens_RT"]);
    expect(await canLogIn("grace", "Gr4ce-Hopper-1906")).toBe(true);
  });

  it("refuses a weak password with a one-line error and the user recorded, not lost", async () => {
    const failure = await rejection(h.engine.up(KIND, { userName: "heidi", password: "aaaa1111" }));
    expect(failure).toBeInstanceOf(InitFailed);
    expect((failure as Error).message).toMatch(/→ 400: user_password: invalid password \(hint: ScoDoc refused the password as too weak/);
    expect((failure as Error).message).not.toContain("aaaa1111");
    expect((await h.admin.state<State>()).users.filter((u) => u.user_name === "heidi")).toHaveLength(1);
  });

  it("refuses a grant on an unknown departement or role before writing anything", async () => {
    for (const roles of [[{ role: "Ens", departement: "NOPE" }], [{ role: "Nope" }]]) {
      await h.admin.resetRequests();
      const error = await rejection(h.engine.up(KIND, { userName: "ivan", roles }));
      expect(error.message).toMatch(/^scodoc: roles\[0\]\.(departement|role): no (departement NOPE|role Nope) on the server/);
      const counts = await h.admin.requests();
      expect(counts.writes - (counts.byRoute["POST /ScoDoc/api/tokens"] ?? 0)).toBe(0);
    }
    expect((await serverUser("ivan")).user).toBeUndefined();
  });

  it("fails on a duplicate userName unless adopt, then adopts it", async () => {
    await h.admin.mutate<State>((s) => {
      s.users.push({ ...(s.users[0] as object), id: 777, user_name: "judy", nom: "Old", token: null } as unknown as UserRow);
    });
    await expect(h.engine.up(KIND, { userName: "judy", nom: "New" })).rejects.toThrow(/user judy already exists.*adopt: true/);
    const adopted = await h.engine.up(KIND, { userName: "judy", nom: "New", adopt: true });
    expect(adopted.state.id).toBe("777");
    expect((await serverUser("judy")).user?.nom).toBe("New");
    expect((await h.admin.state<State>()).users.filter((u) => u.user_name === "judy")).toHaveLength(1);
  });

  it("adopts through the list narrowed to the user's nom when the program gives it", async () => {
    await h.admin.mutate<State>((s) => {
      s.users.push({ ...(s.users[0] as object), id: 778, user_name: "kim", nom: "Lefebvre", token: null } as unknown as UserRow);
    });
    await h.admin.resetRequests();
    const adopted = await h.engine.up(KIND, { userName: "kim", nom: "Lefebvre", adopt: true });
    expect(adopted.state.id).toBe("778");
    const lists = (await h.admin.requests()).entries.filter((e) => e.path.endsWith("/users/query"));
    expect(lists.map((e) => e.query)).toEqual(["?starts_with=Lefebvre"]);
  });

  it("drops a user deleted out of band on refresh", async () => {
    const { state } = await h.engine.up(KIND, { userName: "ken" });
    await h.admin.op("deleteUser", { user_name: "ken" });
    expect(await h.engine.refresh(state)).toBeUndefined();
  });

  it.each([
    [{ userName: "has space" }, "userName"],
    [{ userName: "x", deletionPolicy: "delete" }, "deletionPolicy"],
    [{ userName: "x", roles: [{ departement: "RT" }] }, "roles[0].role"],
    [{ userName: "x", roles: [{ role: "Ens_RT" }] }, "roles[0].role"],
    [{ userName: "x", email: "not-an-email" }, "email"],
    [{ userName: "x", dateExpiration: "next year" }, "dateExpiration"],
    [{ userName: "x", active: "true" }, "active"],
  ])("rejects %j at check time naming %s", async (inputs, property) => {
    const error = await rejection(h.engine.up(KIND, inputs));
    expect(error).toBeInstanceOf(CheckFailed);
    expect((error as CheckFailed).failures.map((f) => f.property)).toContain(property);
    expect((await h.admin.requests()).total).toBe(0);
  });
});

describe("ScodocUser dateExpiration", () => {
  it("accepts ScoDoc's own spelling with an offset, and one instant never diffs under another spelling", async () => {
    const { state } = await h.engine.up(KIND, { userName: "olga", dateExpiration: "2027-08-31T02:00:00+02:00" });
    await h.admin.resetRequests();
    for (const same of ["2027-08-31", "2027-08-31T00:00:00", "2027-08-31T00:00:00Z", "2027-08-31 00:00:00", "2027-08-31T00:00:00+00:00"]) {
      expect(await h.engine.preview(KIND, { userName: "olga", dateExpiration: same }, state)).toBe("same");
    }
    expect(await h.engine.preview(KIND, { userName: "olga", dateExpiration: "2027-09-01" }, state)).toBe("update");
    expect((await h.admin.requests()).total).toBe(0);
  });
});
