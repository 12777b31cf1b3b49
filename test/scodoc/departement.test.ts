import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckFailed, RpcError, rejection } from "../support/provider";
import { startScodocHarness, type ScodocHarness } from "../support/scodocHarness";

interface Dept {
  id: number;
  acronym: string;
  visible: boolean;
}
interface State {
  departements: Dept[];
}

let h: ScodocHarness;
beforeAll(async () => {
  h = await startScodocHarness();
});
afterAll(async () => h?.stop());
beforeEach(async () => h.admin.resetRequests());

const KIND = "scodoc:Departement";
const depts = async () => (await h.admin.state<State>()).departements;

describe("ScodocDepartement", () => {
  it("creates, then an unchanged program diffs empty without a request", async () => {
    const { state, op } = await h.engine.up(KIND, { acronym: "RT" });
    expect(op).toBe("create");
    expect(state.id).toBe("RT");
    expect(state.outputs).toMatchObject({ acronym: "RT", visible: true, forceDestroy: false, schemaVersion: 1 });
    expect(typeof state.outputs.deptId).toBe("number");
    expect((await depts()).filter((d) => d.acronym === "RT")).toHaveLength(1);

    await h.admin.resetRequests();
    expect(await h.engine.preview(KIND, { acronym: "RT" }, state)).toBe("same");
    expect(await h.engine.preview(KIND, { acronym: "RT", visible: true }, state)).toBe("same");
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("updates visible in place and replaces on a new acronym", async () => {
    let { state } = await h.engine.up(KIND, { acronym: "GEII" });
    const updated = await h.engine.up(KIND, { acronym: "GEII", visible: false }, state);
    expect(updated.op).toBe("update");
    expect((await depts()).find((d) => d.acronym === "GEII")?.visible).toBe(false);
    state = updated.state;

    const replaced = await h.engine.up(KIND, { acronym: "GEII2", visible: false }, state);
    expect(replaced.op).toBe("replace");
    const acronyms = (await depts()).map((d) => d.acronym);
    expect(acronyms).toContain("GEII2");
    expect(acronyms).not.toContain("GEII");
  });

  it("refuses to delete a departement holding students unless forceDestroy", async () => {
    const { state } = await h.engine.up(KIND, { acronym: "MMI" });
    await h.admin.op("addStudents", { acronym: "MMI", count: 3 });
    await expect(h.engine.destroy(state)).rejects.toThrow(/MMI holds 3 student.*forceDestroy/);
    expect((await depts()).some((d) => d.acronym === "MMI")).toBe(true);

    await h.admin.resetRequests();
    const forced = await h.engine.up(KIND, { acronym: "MMI", forceDestroy: true }, state);
    expect(forced.op).toBe("update");
    // Flipping forceDestroy changes only what the state remembers: nothing is sent.
    expect((await h.admin.requests()).writes).toBe(0);
    await h.engine.destroy(forced.state);
    expect((await depts()).some((d) => d.acronym === "MMI")).toBe(false);
  });

  it("deletes an empty departement", async () => {
    const { state } = await h.engine.up(KIND, { acronym: "EMPTY" });
    await h.engine.destroy(state);
    expect((await depts()).some((d) => d.acronym === "EMPTY")).toBe(false);
  });

  it("fails on an existing departement unless adopt, then adopts without a duplicate", async () => {
    const created = await h.engine.up(KIND, { acronym: "GMP" });
    expect(created.op).toBe("create");
    await expect(h.engine.up(KIND, { acronym: "GMP" })).rejects.toThrow(/departement GMP already exists.*adopt: true/);
    const adopted = await h.engine.up(KIND, { acronym: "GMP", visible: false, adopt: true });
    expect(adopted.state.id).toBe("GMP");
    const gmp = (await depts()).filter((d) => d.acronym === "GMP");
    expect(gmp).toHaveLength(1);
    expect(gmp[0]?.visible).toBe(false);
  });

  it("reports out-of-band drift on refresh and puts it back on up", async () => {
    const { state } = await h.engine.up(KIND, { acronym: "QLIO" });
    await h.admin.op("editDepartement", { acronym: "QLIO", visible: false });
    const refreshed = await h.engine.refresh(state);
    expect(refreshed?.outputs.visible).toBe(false);
    const again = await h.engine.up(KIND, { acronym: "QLIO" }, refreshed);
    expect(again.op).toBe("update");
    expect((await depts()).find((d) => d.acronym === "QLIO")?.visible).toBe(true);
  });

  it("drops a departement deleted out of band on refresh, and up recreates it", async () => {
    const { state } = await h.engine.up(KIND, { acronym: "CHIM" });
    await h.admin.mutate<State>((s) => {
      s.departements = s.departements.filter((d) => d.acronym !== "CHIM");
    });
    expect(await h.engine.refresh(state)).toBeUndefined();
    const recreated = await h.engine.up(KIND, { acronym: "CHIM" });
    expect(recreated.op).toBe("create");
    expect((await depts()).filter((d) => d.acronym === "CHIM")).toHaveLength(1);
  });

  it.each([
    [{ acronym: "" }, "acronym", /empty/],
    [{ acronym: "R T" }, "acronym", /letters, digits/],
    [{ acronym: "A".repeat(32) }, "acronym", /32/],
    [{ acronym: "RT", visible: "yes" }, "visible", /boolean/],
    [{}, "acronym", /./],
    [{ acronym: "RT", colour: "red" }, "", /colour/],
  ])("rejects %j at check time, naming %s, with nothing sent", async (inputs, property, reason) => {
    const failure = await rejection(h.engine.up(KIND, inputs));
    expect(failure).toBeInstanceOf(CheckFailed);
    const failures = (failure as CheckFailed).failures;
    if (property) expect(failures.map((f) => f.property)).toContain(property);
    expect(failures.map((f) => f.reason).join(" ")).toMatch(reason);
    expect((await h.admin.requests()).total).toBe(0);
  });

  it("tolerates values still unknown at preview time", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await h.engine.preview(KIND, { acronym: unknown, visible: unknown })).toBe("create");
  });

  it("gives one clear error for wrong credentials, without a retry storm", async () => {
    const wrong = await h.withConfig({ "scodoc:password": "not-the-password" });
    try {
      const error = await rejection(wrong.engine.up(KIND, { acronym: "NOPE" }));
      expect(error).toBeInstanceOf(RpcError);
      expect(error.message).toMatch(/^scodoc: POST \/ScoDoc\/api\/tokens → 401: .*\(hint: check the credentials/);
      expect(error.message).not.toContain("not-the-password");
      const counts = await h.admin.requests();
      expect(counts.byRoute["POST /ScoDoc/api/tokens"]).toBe(1);
      expect(counts.writes).toBe(1);
    } finally {
      await wrong.stop();
    }
  });
});

describe("a URL that is not a ScoDoc API", () => {
  it("fails delete and refresh with a configuration error instead of reporting the object gone", async () => {
    const { state } = await h.engine.up(KIND, { acronym: "URLCHK" });
    // The stack configured with that URL: its credentials go there, and only there.
    const wrong = await h.withConfig({ "scodoc:url": `${h.sandbox.url}/not-scodoc` });
    try {
      const elsewhere = { ...state, outputs: { ...state.outputs, serverUrl: `${h.sandbox.url}/not-scodoc` } };
      const error = await rejection(wrong.engine.destroy(elsewhere));
      expect(error.message).toMatch(
        /^scodoc: no ScoDoc API at .*\/not-scodoc: POST \/ScoDoc\/api\/tokens answered 404 \(hint: scodoc:url must be the server's root/,
      );
      await expect(wrong.engine.refresh(elsewhere)).rejects.toThrow(/no ScoDoc API/);
      expect((await h.admin.state<{ departements: { acronym: string }[] }>()).departements.some((x) => x.acronym === "URLCHK")).toBe(true);
    } finally {
      await wrong.stop();
    }
  });
});
