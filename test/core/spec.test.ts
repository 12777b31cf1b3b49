import { z } from "zod";
import { describe, expect, it } from "vitest";
import { UNKNOWN, providerMethods, type ResourceSpec } from "../../providers/core/spec";

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
  client: () => undefined,
  create: () => Promise.reject(new Error("not called")),
  read: () => Promise.reject(new Error("not called")),
  update: () => Promise.reject(new Error("not called")),
  delete: () => Promise.reject(new Error("not called")),
  find: () => Promise.reject(new Error("not called")),
};
const { diff } = providerMethods(spec);
const olds = (name: string) => ({ name, schemaVersion: 1, serverUrl: "https://fess.example" });

describe("diff with idFor", () => {
  it("replaces when the program's name maps to another id", async () => {
    expect(await diff("id-staff", olds("staff"), { name: "teachers" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it("updates in place when the object at this id was renamed behind Pulumi's back", async () => {
    // Refresh read the name `renamed` at id-staff; the program still says staff.
    expect(await diff("id-staff", olds("renamed"), { name: "staff" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });
});
