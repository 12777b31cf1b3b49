/**
 * The refresh snapshot: concurrent readers share one load, a write forgets
 * it (even one that lands while a load is in flight), it expires, and a
 * failed load is not kept.
 */
import { describe, expect, it } from "vitest";
import { Snapshot } from "../../providers/core/snapshot";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("Snapshot", () => {
  it("coalesces concurrent readers into one load and serves later readers from it", async () => {
    let loads = 0;
    const gate = deferred<void>();
    const snap = new Snapshot(
      async () => {
        loads++;
        await gate.promise;
        return new Map([
          [1, "a"],
          [2, "b"],
        ]);
      },
      { ttlMs: 1000 },
    );
    const readers = [snap.get(1), snap.get(2), snap.get(3)];
    gate.resolve();
    expect(await Promise.all(readers)).toEqual(["a", "b", undefined]);
    expect(await snap.get(2)).toBe("b");
    expect(loads).toBe(1);
  });

  it("loads again after a write, and never keeps a load that a write overtook", async () => {
    let version = 0;
    const gates: ReturnType<typeof deferred<void>>[] = [];
    const snap = new Snapshot(
      async () => {
        const seen = version;
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return new Map([[1, seen]]);
      },
      { ttlMs: 60_000 },
    );
    const early = snap.get(1);
    version = 1;
    snap.invalidate(); // a write lands while the first list is loading
    const late = snap.get(1);
    for (const g of gates) g.resolve();
    expect(await early).toBe(0); // this reader came before the write
    expect(await late).toBe(1); // this one after it: a new load
    expect(gates).toHaveLength(2);
    const third = snap.get(1);
    gates.at(-1)?.resolve();
    expect(await third).toBe(1);
    expect(gates).toHaveLength(2);
  });

  it("expires after its time to live", async () => {
    let now = 0;
    let loads = 0;
    const snap = new Snapshot(async () => new Map([[1, ++loads]]), { ttlMs: 100, now: () => now });
    expect(await snap.get(1)).toBe(1);
    now = 99;
    expect(await snap.get(1)).toBe(1);
    now = 100;
    expect(await snap.get(1)).toBe(2);
  });

  it("does not keep a failed load", async () => {
    let calls = 0;
    const snap = new Snapshot(
      async () => {
        calls++;
        if (calls === 1) throw new Error("boom");
        return new Map([[1, "ok"]]);
      },
      { ttlMs: 60_000 },
    );
    await expect(snap.get(1)).rejects.toThrow("boom");
    expect(await snap.get(1)).toBe("ok");
  });
});
