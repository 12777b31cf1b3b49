import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serializeProviders } from "../support/provider";

const SECRET_PASSWORD = "Zebra-Quartz-Lantern-42";
const SECRET_TOKEN = "tok-1f2e3d4c5b6a";
const connection = { url: "https://scodoc.example.com", username: "deploy", password: SECRET_PASSWORD, token: SECRET_TOKEN };

const texts = serializeProviders({
  ScodocDepartement: { acronym: "RT", connection },
  ScodocRole: { name: "Ens", connection },
  ScodocUser: { userName: "alice", password: SECRET_PASSWORD, connection },
});

describe("the serialized provider stored in every resource's state", () => {
  it("exists for every kind", () => {
    expect(Object.keys(texts).sort()).toEqual(["scodoc:Departement", "scodoc:Role", "scodoc:User"]);
  });

  it.each(Object.entries(texts))("%s is under 2 KB", (_kind, text) => {
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
  });

  it.each(Object.entries(texts))("%s captures no credential or input value", (_kind, text) => {
    for (const secret of [SECRET_PASSWORD, SECRET_TOKEN, "deploy", "scodoc.example.com", "alice"]) expect(text).not.toContain(secret);
  });

  // The text is compared by the engine on every run: a change would show every
  // existing resource as changed. Only the kind may differ.
  it.each(Object.entries(texts))("%s never changes (golden copy)", (kind, text) => {
    const golden = readFileSync(join(__dirname, "provider.golden.js"), "utf8");
    expect(text).toBe(golden.replace("{{KIND}}", kind));
  });
});
