import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serializeProviders } from "../support/provider";

const SECRET_PASSWORD = "Zebra-Quartz-Lantern-42";
const SECRET_TOKEN = "tok-1f2e3d4c5b6a";
const connection = { url: "https://scodoc.example.com", username: "deploy", password: SECRET_PASSWORD, token: SECRET_TOKEN };

/** Every resource class the package exports, each given credentials it must not capture. */
const texts = serializeProviders({ "*": { connection, password: SECRET_PASSWORD, name: "alice", userName: "alice", acronym: "RT" } });

describe("the serialized provider stored in every resource's state", () => {
  it("exists for every kind the runtime dispatches", async () => {
    const { kinds } = await import("../../providers/runtime");
    expect(Object.keys(texts).sort()).toEqual(kinds().sort());
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
