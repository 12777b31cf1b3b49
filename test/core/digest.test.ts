import { describe, expect, it } from "vitest";
import { digestSecret, matchesDigest } from "../../providers/core/digest";

/** A digest of "Harbor-Lantern-42" as the package's first cost (scrypt1) wrote it into states. */
const SCRYPT1_DIGEST = "scrypt1$MDEyMzQ1Njc4OWFiY2RlZg$tkRxtvSYnE2_Rg6knYkeez_UBN8HvNmGpGCHaDr2MHI";

describe("password digests", () => {
  it("tells the same password from another, and salts each digest", async () => {
    const first = await digestSecret("Harbor-Lantern-42");
    const second = await digestSecret("Harbor-Lantern-42");
    expect(first).toMatch(/^scrypt2\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("Harbor-Lantern-42");
    expect(await matchesDigest("Harbor-Lantern-42", first)).toBe(true);
    expect(await matchesDigest("Harbor-Lantern-43", first)).toBe(false);
  });

  it("still verifies a digest of an earlier cost, so an upgrade shows no password change", async () => {
    expect(await matchesDigest("Harbor-Lantern-42", SCRYPT1_DIGEST)).toBe(true);
    expect(await matchesDigest("Harbor-Lantern-4", SCRYPT1_DIGEST)).toBe(false);
  });

  it.each([undefined, 42, "", "scrypt2", "scrypt2$$", "md5$abc$def", "toString$MDEy$tkRx", "scrypt1$MDEyMzQ1Njc4OWFiY2RlZg$"])(
    "is false for %j, which is not one of its digests",
    async (digest) => {
      expect(await matchesDigest("Harbor-Lantern-42", digest)).toBe(false);
    },
  );

  it("hashes without holding up the event loop", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all(Array.from({ length: 20 }, (_, i) => digestSecret(`password-${i}`)));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
