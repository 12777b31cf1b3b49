/** Resource and variable names from natural keys: readable, collision-free, and stable when other keys appear. */
import { describe, expect, it } from "vitest";
import { resourceNames, variableNames } from "../../providers/generate/names";

describe("resourceNames", () => {
  it("keeps a safe key as it is and gives an unsafe one a digest of the exact key", () => {
    const names = resourceNames(["m.durand", "jean@iut.example", "IUT\\noe7", "Hôpital Nord"]);
    expect(names.get("m.durand")).toBe("m.durand");
    expect(names.get("jean@iut.example")).toBe("jean@iut.example");
    expect(names.get("IUT\\noe7")).toMatch(/^IUT_noe7_[0-9a-f]{8}$/);
    expect(names.get("Hôpital Nord")).toMatch(/^Hopital_Nord_[0-9a-f]{8}$/);
  });

  it("keeps keys that clean to the same text apart, and a name never depends on the other keys", () => {
    const alone = resourceNames(["a\\b"]);
    const together = resourceNames(["a b", "a\\b", "a_b", "a/b"]);
    expect(new Set(together.values()).size).toBe(4);
    expect(together.get("a\\b")).toBe(alone.get("a\\b"));
    expect(together.get("a_b")).toBe("a_b");
  });
});

describe("variableNames", () => {
  it("cleans keys into identifiers, adding a digest only where cleaned forms clash", () => {
    const names = variableNames("group", ["auteurs-bio", "2024", "a-b", "a.b", "IUT building B, extension"]);
    expect(names.get("IUT building B, extension")).toBe("group_IUT_building_B_extension");
    expect(names.get("auteurs-bio")).toBe("group_auteurs_bio");
    expect(names.get("2024")).toBe("group_2024");
    expect(names.get("a-b")).toMatch(/^group_a_b_[0-9a-f]{8}$/);
    expect(names.get("a.b")).toMatch(/^group_a_b_[0-9a-f]{8}$/);
    expect(names.get("a-b")).not.toBe(names.get("a.b"));
  });
});
