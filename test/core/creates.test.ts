import { describe, expect, it } from "vitest";
import { createOnce, released } from "../../providers/core/creates";
import { InvalidInput } from "../../providers/core/errors";

/** A create of `fess:User alice` by the resource `name`, which makes `id` (or fails without making anything). */
function claim(name: string | undefined, id: string | undefined) {
  return { app: "fess" as const, kind: "fess:User", serverUrl: "https://fess.example", object: "user alice", name, made: () => id };
}

describe("one create per server object in a run", () => {
  it("runs the twins' creates one at a time and refuses the second, naming both, without calling it", async () => {
    const calls: string[] = [];
    const slow = (who: string) => async () => {
      calls.push(`${who} start`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      calls.push(`${who} end`);
      return who;
    };
    const [first, second] = await Promise.allSettled([
      createOnce(claim("alice-1", "YWxpY2U="), slow("alice-1")),
      createOnce(claim("alice-2", "YWxpY2U="), slow("alice-2")),
    ]);
    expect(first).toEqual({ status: "fulfilled", value: "alice-1" });
    expect(second.status).toBe("rejected");
    const error = (second as PromiseRejectedResult).reason as InvalidInput;
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toBe(
      'fess: resource "alice-2" cannot create user alice: resource "alice-1" of this stack made or adopted it in this run, and one object has one owner ' +
        "(hint: declare the object once: remove one of the two resources, or give one another natural key)",
    );
    expect(calls).toEqual(["alice-1 start", "alice-1 end"]);
    // Deleted since (or read as gone): creating it again is a new object's create.
    released("fess:User", "https://fess.example", "YWxpY2U=");
    await expect(createOnce(claim("alice-2", "YWxpY2U="), async () => "again")).resolves.toBe("again");
  });

  it("lets the next create run when the first failed without making the object", async () => {
    const object = { ...claim("bob-1", undefined), object: "user bob" };
    await expect(createOnce(object, () => Promise.reject(new Error("503")))).rejects.toThrow("503");
    await expect(createOnce({ ...claim("bob-2", "Ym9i"), object: "user bob" }, async () => "made")).resolves.toBe("made");
  });

  it("lets a resource create its object again (its own replacement), and an unnamed caller too", async () => {
    const carol = (name: string | undefined) => ({ ...claim(name, "Y2Fyb2w="), object: "user carol" });
    await createOnce(carol("carol"), async () => "first");
    await expect(createOnce(carol("carol"), async () => "replacement")).resolves.toBe("replacement");
    await expect(createOnce(carol(undefined), async () => "unnamed")).resolves.toBe("unnamed");
  });
});
