import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ScenariState } from "../../sandbox/scenari";
import { CheckFailed, rejection, type ResourceState } from "../support/provider";
import { startScenariHarness, type ScenariHarness } from "../support/scenariHarness";

const KIND = "scenari:User";

let h: ScenariHarness;
beforeAll(async () => {
  h = await startScenariHarness();
  for (const account of ["authors", "readers"]) await h.admin.op("putAccount", { account, userType: "group" });
});
afterAll(async () => h?.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.admin.resetRequests();
});

const stored = async (account: string) => (await h.admin.state<ScenariState>()).accounts.find((a) => a.account === account);

/** Logging in (a ping with Basic credentials) proves a password was set, without reading it anywhere. */
async function canLogIn(login: string, password: string): Promise<boolean> {
  const res = await fetch(`${h.sandbox.clientUrl}/script/u/ping?cdaction=Ping`, {
    headers: { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}` },
  });
  return res.status === 200;
}

/** The `cdaction` of every request the provider sent since the last reset. */
async function actions(): Promise<string[]> {
  return (await h.admin.requests()).entries.map((e) => `${e.method} ${new URLSearchParams(e.query).get("cdaction") ?? "?"}`);
}

describe("ScenariUser", () => {
  const ALICE = {
    account: "alice",
    firstName: "Alice",
    lastName: "Martin",
    email: "alice@univ.example",
    nickNames: ["amartin", "alice.martin"],
    groups: ["readers", "authors"],
    grantedRoles: ["main:reader"],
    password: "Corr3ct-Horse-Battery",
  };
  let alice: ResourceState;

  it("creates a user in one request, password included, who can then log in by account or nick name", async () => {
    const { state, op } = await h.engine.up(KIND, ALICE);
    expect(op).toBe("create");
    alice = state;
    expect(state.id).toBe("alice");
    expect(await actions()).toEqual(["POST CreateUser"]);
    expect(await stored("alice")).toMatchObject({
      userType: "user",
      firstName: "Alice",
      lastName: "Martin",
      groups: ["readers", "authors"],
      grantedRoles: ["main:reader"],
    });
    expect(await canLogIn("alice", ALICE.password)).toBe(true);
    expect(await canLogIn("amartin", ALICE.password)).toBe(true);
    expect(state.outputs).toMatchObject({
      nickNames: ["alice.martin", "amartin"],
      groups: ["authors", "readers"],
      disabled: false,
      inheritedRoles: [],
    });
  });

  it("never puts the password in the outputs, yet an unchanged program diffs empty with no request", async () => {
    expect(JSON.stringify(alice.outputs)).not.toContain(ALICE.password);
    expect(String(alice.outputs.passwordDigest)).toMatch(/^scrypt2\$/);
    await h.admin.resetRequests();
    const reordered = {
      ...ALICE,
      nickNames: ["amartin", "alice.martin"].reverse(),
      groups: ["authors", "readers"],
      grantedRoles: ["main:reader", "main:reader"],
    };
    expect(await h.engine.preview(KIND, reordered, alice)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("detects a new password and sets it", async () => {
    const next = await h.engine.up(KIND, { ...ALICE, password: "N3w-Passphrase-2027" }, alice);
    expect(next.op).toBe("update");
    expect(await actions()).toEqual(["POST UpdateUser"]);
    expect(await canLogIn("alice", "N3w-Passphrase-2027")).toBe(true);
    expect(await canLogIn("alice", ALICE.password)).toBe(false);
    alice = next.state;
  });

  it("updates in place with only the changed props; an empty string clears a name", async () => {
    const inputs = {
      ...ALICE,
      password: "N3w-Passphrase-2027",
      lastName: "",
      email: "a.martin@univ.example",
      groups: ["authors"],
      grantedRoles: ["main:author"],
    };
    const next = await h.engine.up(KIND, inputs, alice);
    expect(next.op).toBe("update");
    expect(await actions()).toEqual(["POST UpdateUser"]);
    const user = await stored("alice");
    expect(user).toMatchObject({ firstName: "Alice", email: "a.martin@univ.example", groups: ["authors"], grantedRoles: ["main:author"] });
    expect(user?.lastName).toBeUndefined();
    // The password was not sent again: it did not change.
    expect(await canLogIn("alice", "N3w-Passphrase-2027")).toBe(true);
    expect(await h.engine.preview(KIND, inputs, next.state)).toBe("same");
    alice = next.state;
  });

  it("leaves unmanaged lists alone, and empties them when given []", async () => {
    const { grantedRoles: _roles, groups: _groups, ...unmanaged } = alice.inputs;
    const same = await h.engine.up(KIND, unmanaged, alice);
    expect(same.op).toBe("same");
    const emptied = await h.engine.up(KIND, { ...unmanaged, grantedRoles: [], groups: [] }, alice);
    expect(emptied.op).toBe("update");
    const user = await stored("alice");
    expect(user?.grantedRoles ?? []).toEqual([]);
    expect(user?.groups ?? []).toEqual([]);
    alice = emptied.state;
  });

  it("disables and re-enables a user: a disabled user cannot log in", async () => {
    const disabled = await h.engine.up(KIND, { ...alice.inputs, disabled: true }, alice);
    expect(await canLogIn("alice", "N3w-Passphrase-2027")).toBe(false);
    const enabled = await h.engine.up(KIND, { ...alice.inputs, disabled: false }, disabled.state);
    expect(await canLogIn("alice", "N3w-Passphrase-2027")).toBe(true);
    alice = enabled.state;
  });

  it("reports drift on refresh, including roles inherited from groups, and puts the declaration back", async () => {
    const declared = { account: "bob", firstName: "Bob", groups: ["authors"], grantedRoles: ["main:reader"] };
    const { state } = await h.engine.up(KIND, declared);
    await h.admin.op("patchAccount", { account: "authors", props: { grantedRoles: ["main:author"] } });
    await h.admin.op("patchAccount", { account: "bob", props: { firstName: "Robert", grantedRoles: ["main:admin"], isDisabled: true } });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs).toMatchObject({
      firstName: "Robert",
      grantedRoles: ["main:admin"],
      disabled: true,
      inheritedRoles: ["main:author"],
    });
    const again = await h.engine.up(KIND, declared, refreshed);
    expect(again.op).toBe("update");
    expect(await stored("bob")).toMatchObject({ firstName: "Bob", grantedRoles: ["main:reader"], isDisabled: false });
    expect(await h.engine.preview(KIND, declared, again.state)).toBe("same");
  });

  it("drops a user deleted out of band on refresh, and up recreates it", async () => {
    const { state } = await h.engine.up(KIND, { account: "carol" });
    await h.admin.op("deleteAccount", { account: "carol" });
    expect(await h.engine.refresh(state)).toBeUndefined();
    expect((await h.engine.up(KIND, { account: "carol" })).op).toBe("create");
  });

  it("replaces the user on a new account, dropping the old one", async () => {
    const { state } = await h.engine.up(KIND, { account: "dave", firstName: "Dave" });
    const next = await h.engine.up(KIND, { account: "dave.b", firstName: "Dave" }, state);
    expect(next.op).toBe("replace");
    expect(await stored("dave")).toBeUndefined();
    expect(await stored("dave.b")).toMatchObject({ firstName: "Dave" });
  });

  it("deletes with DropUser", async () => {
    const { state } = await h.engine.up(KIND, { account: "erin" });
    await h.admin.resetRequests();
    await h.engine.destroy(state);
    expect(await actions()).toEqual(["POST DropUser"]);
    expect(await stored("erin")).toBeUndefined();
    // Already gone: nothing to do, no error.
    await h.engine.destroy(state);
  });

  it("fails loudly when dropping against a URL that is not the chain portlet", async () => {
    const { state } = await h.engine.up(KIND, { account: "wrong-url" });
    // The stack configured with the server's root: its credentials go there, and only there.
    const wrong = await h.withConfig({ "scenari:url": h.sandbox.url });
    try {
      const error = await rejection(wrong.engine.destroy({ ...state, outputs: { ...state.outputs, serverUrl: h.sandbox.url } }));
      expect(error.message).toMatch(/cdaction=DropUser.* → 404: Not Found \(hint: scenari:url must be the chain portlet's URL/);
    } finally {
      await wrong.stop();
    }
    expect(await stored("wrong-url")).toBeDefined();
  });

  it("fails on an existing account unless adopt, then adopts it and sets what the program declares", async () => {
    await h.admin.op("putAccount", { account: "frank", userType: "user", firstName: "Old", grantedRoles: ["main:admin"] });
    const declared = { account: "frank", firstName: "Frank", grantedRoles: ["main:reader"], password: "Fr4nk-Lloyd-Wright" };
    const error = await rejection(h.engine.up(KIND, declared));
    expect(error.message).toMatch(/^scenari: user frank already exists on .* \(hint: set adopt: true/);
    expect(error.message).not.toContain(declared.password);
    const adopted = await h.engine.up(KIND, { ...declared, adopt: true });
    expect(adopted.state.id).toBe("frank");
    expect(await stored("frank")).toMatchObject({ firstName: "Frank", grantedRoles: ["main:reader"] });
    expect(await canLogIn("frank", declared.password)).toBe(true);
    expect((await h.admin.state<ScenariState>()).accounts.filter((a) => a.account === "frank")).toHaveLength(1);
  });

  it("says plainly that an account held by a group cannot be a user, with or without adopt", async () => {
    for (const adopt of [false, true]) {
      const error = await rejection(h.engine.up(KIND, { account: "authors", firstName: "X", adopt }));
      expect(error.message).toBe(
        "scenari: account authors is a group on the server, so it cannot be a user (hint: users and groups share one namespace of accounts: choose another account name)",
      );
    }
    expect((await stored("authors"))?.userType).toBe("group");
  });

  it("reports in-band refusals as one-line errors: a nick name in use, an unknown group", async () => {
    const nick = await rejection(h.engine.up(KIND, { account: "gina", nickNames: ["amartin"], password: "Gina-Secret-Pass-1" }));
    expect(nick.message).toBe(
      "scenari: POST /scenarichain-server/script/u/adminUsers?cdaction=CreateUser&param=gina → 200: failedAccountConflict (NickConflictException): Nick name 'amartin' is already used by account 'alice'",
    );
    const group = await rejection(h.engine.up(KIND, { account: "gina", groups: ["nobody"], password: "Gina-Secret-Pass-1" }));
    expect(group.message).toMatch(/→ 200: failedInvalidDatas \(UnknownGroupException\): Unknown group 'nobody'$/);
    for (const error of [nick, group]) expect(error.message).not.toContain("Gina-Secret-Pass-1");
    expect(await stored("gina")).toBeUndefined();
  });

  it.each([
    [{ account: "has space" }, "account", /letters, digits/],
    [{ account: "élodie" }, "account", /letters, digits/],
    [{ account: "a/b" }, "account", /letters, digits/],
    [{ account: "-lead" }, "account", /must not start/],
    [{ account: "" }, "account", /empty/],
    [{ account: "x", email: "not-an-email" }, "email", /email/],
    [{ account: "x", disabled: "true" }, "disabled", /boolean/],
    [{ account: "x", nickNames: ["with space"] }, "nickNames[0]", /letters, digits/],
    [{ account: "x", password: "" }, "password", /empty/],
    [{ account: "x", grantedRoles: [""] }, "grantedRoles[0]", /empty/],
    [{ account: "x", userType: "group" }, "", /userType/],
  ])("rejects %j at check time, with nothing sent", async (inputs, property, reason) => {
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure).toBeInstanceOf(CheckFailed);
    const failures = (failure as CheckFailed).failures;
    if (property) expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.map((f) => f.reason).join(" ")).toMatch(reason);
    expect((await h.admin.requests()).total).toBe(0);
  });
});
