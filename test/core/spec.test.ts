import { z } from "zod";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UNKNOWN, providerMethods, type ResourceSpec } from "../../providers/core/spec";

/** A spec's client calls, which diff and a URL-only update never make. */
const notCalled = {
  client: () => undefined,
  create: () => Promise.reject(new Error("not called")),
  read: () => Promise.reject(new Error("not called")),
  update: () => Promise.reject(new Error("not called")),
  delete: () => Promise.reject(new Error("not called")),
  find: () => Promise.reject(new Error("not called")),
};

/**
 * A spec whose server derives the id from the name, as Fess does; nothing
 * here sends a request, since diff is pure.
 */
const spec: ResourceSpec<{ name: string; note?: string }, { name: string }, undefined> = {
  app: "fess",
  kind: "fess:Test",
  schemaVersion: 1,
  inputs: z.object({ name: z.string(), note: z.string().optional() }).strict(),
  replaceOn: ["name"],
  idFor: (input) => (typeof input.name === "string" && input.name !== UNKNOWN ? `id-${input.name}` : undefined),
  describe: (input) => `test ${input.name}`,
  ...notCalled,
};
const { diff } = providerMethods(spec);
const olds = (name: string) => ({ name, schemaVersion: 1, serverUrl: "https://fess.example" });

describe("diff with idFor", () => {
  it("replaces when the program's name maps to another id", async () => {
    expect(await diff("id-staff", olds("staff"), { name: "teachers" })).toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
  });

  it("updates in place when the object at this id was renamed behind Pulumi's back", async () => {
    // Refresh read the name `renamed` at id-staff; the program still says staff.
    expect(await diff("id-staff", olds("renamed"), { name: "staff" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});

describe("a server's URL", () => {
  const { update } = providerMethods(spec);
  // The URL from the environment, as from stack config: nothing else in the inputs changes.
  const at = (url: string) => {
    vi.stubEnv("FESS_URL", url);
    return { name: "staff" };
  };
  afterEach(() => void vi.unstubAllEnvs());

  it("compares canonically: scheme and host case, default port and trailing slash change nothing", async () => {
    for (const url of ["https://fess.example", "HTTPS://Fess.Example/", "https://fess.example:443", "https://FESS.example:443//"]) {
      expect(await diff("id-staff", olds("staff"), at(url)), url).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    }
  });

  it("is where to reach the object, not its identity: a new one is an update in place", async () => {
    for (const url of ["https://search.example", "http://fess.example", "https://fess.example:8443", "https://fess.example/fess"]) {
      expect(await diff("id-staff", olds("staff"), at(url)), url).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });

  it("given in a resource's connection, a new one is an update in place too", async () => {
    const on = (url: string) => ({ ...olds("staff"), serverUrl: url, connection: { url, token: "t" } });
    const news = { name: "staff", connection: { url: "https://search.example/", token: "t" } };
    expect(await diff("id-staff", on("https://fess.example"), news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs } = (await update("id-staff", on("https://fess.example"), news)) as { outs: Record<string, unknown> };
    expect(outs).toMatchObject({ serverUrl: "https://search.example", connection: news.connection });
  });

  it("an update that only moves the URL sends nothing and records the new one", async () => {
    // spec.update rejects if called: the update must not reach the server.
    const { outs } = (await update("id-staff", olds("staff"), at("https://Search.Example:443/"))) as { outs: Record<string, unknown> };
    expect(outs).toMatchObject({ name: "staff", serverUrl: "https://search.example" });
  });
});

describe("an input that names another resource's object", () => {
  const parent = providerMethods({ ...spec, kind: "fess:Parent" });
  const childSpec: ResourceSpec<{ name: string; parentId: string }, { name: string }, undefined> = {
    app: "fess",
    kind: "fess:Child",
    schemaVersion: 1,
    inputs: z.object({ name: z.string(), parentId: z.string() }).strict(),
    replaceOn: ["parentId"],
    references: { parentId: "fess:Parent" },
    describe: (input) => `child ${input.name}`,
    ...notCalled,
  };
  const child = providerMethods(childSpec);
  const childOlds = (parentId: string) => ({ ...olds("c"), parentId });

  it("left unknown by a preview, replaces unless this process saw that object kept", async () => {
    expect((await child.diff("c", childOlds("p1"), { name: "c", parentId: UNKNOWN })).replaces).toEqual(["parentId"]);
    // The parent's update keeps its object (p1); one replaced (p2) gets a new id.
    expect((await parent.diff("p1", olds("staff"), { name: "staff", note: "new" })).replaces).toEqual([]);
    expect((await parent.diff("p2", olds("staff"), { name: "teachers" })).replaces).toEqual(["name"]);
    expect(await child.diff("c", childOlds("p1"), { name: "c", parentId: UNKNOWN })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await child.diff("c", childOlds("p2"), { name: "c", parentId: UNKNOWN })).replaces).toEqual(["parentId"]);
  });
});
