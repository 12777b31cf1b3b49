import { describe, expect, it } from "vitest";
import { createOnce, released } from "../../providers/core/creates";
import { InvalidInput } from "../../providers/core/errors";

/** A create of `fess:User alice` by the resource `name`; `made` is what it had made when it fails after a first step. */
function claim(name: string | undefined, made?: string) {
  return { app: "fess" as const, kind: "fess:User", serverUrl: "https://fess.example", object: "user alice", name, made: () => made };
}

/** A create that makes the object `id`. */
const makes = (id: string, who: string) => async () => ({ id, who });

describe("one create per server object in a run", () => {
  it("runs the twins' creates one at a time and refuses the second, naming both, without calling it", async () => {
    const calls: string[] = [];
    const slow = (who: string) => async () => {
      calls.push(`${who} start`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      calls.push(`${who} end`);
      return { id: "YWxpY2U=", who };
    };
    const [first, second] = await Promise.allSettled([
      createOnce(claim("alice-1"), slow("alice-1")),
      createOnce(claim("alice-2"), slow("alice-2")),
    ]);
    expect(first).toEqual({ status: "fulfilled", value: { id: "YWxpY2U=", who: "alice-1" } });
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
    await expect(createOnce(claim("alice-2"), makes("YWxpY2U=", "again"))).resolves.toMatchObject({ who: "again" });
  });

  it("lets the next create run when the first failed without making the object", async () => {
    const object = { ...claim("bob-1"), object: "user bob" };
    await expect(createOnce(object, () => Promise.reject(new Error("503")))).rejects.toThrow("503");
    await expect(createOnce({ ...claim("bob-2"), object: "user bob" }, makes("Ym9i", "made"))).resolves.toMatchObject({ who: "made" });
  });

  it("refuses the next create when the first failed after making the object", async () => {
    const dave = (name: string, made?: string) => ({ ...claim(name, made), object: "user dave" });
    await expect(createOnce(dave("dave-1", "ZGF2ZQ=="), () => Promise.reject(new Error("grant refused")))).rejects.toThrow("grant refused");
    await expect(createOnce(dave("dave-2"), makes("ZGF2ZQ==", "second"))).rejects.toThrow(
      /resource "dave-1" of this stack made or adopted it/,
    );
  });

  it("lets a resource create its object again (its own replacement), and an unnamed caller too", async () => {
    const carol = (name: string | undefined) => ({ ...claim(name), object: "user carol" });
    await createOnce(carol("carol"), makes("Y2Fyb2w=", "first"));
    await expect(createOnce(carol("carol"), makes("Y2Fyb2w=", "replacement"))).resolves.toMatchObject({ who: "replacement" });
    await expect(createOnce(carol(undefined), makes("Y2Fyb2w=", "unnamed"))).resolves.toMatchObject({ who: "unnamed" });
  });
});
