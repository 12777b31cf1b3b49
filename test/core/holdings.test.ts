import { describe, expect, it } from "vitest";
import { heldByAnother, hold, isHeld, moved } from "../../providers/core/holdings";

describe("the objects a deployment's resources hold", () => {
  it("are known by kind, canonical server URL and id", () => {
    hold("fess:Role", "https://Fess.Example:443/", "c3RhZmY=", "h1");
    expect(isHeld("fess:Role", "https://fess.example", "c3RhZmY=")).toBe(true);
    expect(isHeld("fess:Group", "https://fess.example", "c3RhZmY=")).toBe(false);
    expect(isHeld("fess:Role", "https://other.example", "c3RhZmY=")).toBe(false);
    expect(isHeld("fess:Role", "https://fess.example", "dGVhbQ==")).toBe(false);
  });

  it("are held by another resource only under another holder's name", () => {
    hold("fess:Group", "https://fess.example", "dGVhbQ==", "h1");
    // The resource that holds it, deleted (`up --replace` made a new object): nobody else holds it.
    expect(heldByAnother("fess:Group", "https://fess.example", "dGVhbQ==", "h1")).toBe(false);
    expect(heldByAnother("fess:Group", "https://fess.example", "dGVhbQ==", "h2")).toBe(true);
    // A state written before holders had names cannot be told apart from the holder: kept.
    expect(heldByAnother("fess:Group", "https://fess.example", "dGVhbQ==", undefined)).toBe(true);
    expect(heldByAnother("fess:Group", "https://fess.example", "b3RoZXI=", undefined)).toBe(false);
    hold("fess:User", "https://fess.example", "YWxpY2U=", undefined);
    expect(heldByAnother("fess:User", "https://fess.example", "YWxpY2U=", "h3")).toBe(true);
  });

  it("are held under both names of a server a resource moved to, recorded before or after the move", () => {
    hold("scodoc:Role", "http://127.0.0.1:8080", "7", "a");
    moved("http://127.0.0.1:8080", "http://localhost:8080/");
    hold("scodoc:Role", "http://localhost:8080", "8", "b");
    for (const url of ["http://127.0.0.1:8080", "http://localhost:8080"]) {
      expect(heldByAnother("scodoc:Role", url, "7", "z"), url).toBe(true);
      expect(heldByAnother("scodoc:Role", url, "8", "z"), url).toBe(true);
    }
    // Renamed back: no loop, still one server.
    moved("http://localhost:8080", "http://127.0.0.1:8080");
    expect(isHeld("scodoc:Role", "http://127.0.0.1:8080", "8")).toBe(true);
  });
});
