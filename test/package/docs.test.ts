/**
 * `npm run docs` builds the API reference from the TSDoc comments, and an
 * exported symbol without documentation fails it (typedoc.json turns that
 * warning on and every warning into an error).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ROOT, run } from "../support/consumer";

const out = mkdtempSync(join(tmpdir(), "pulumi-access-docs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it("typedoc.json fails the build on an undocumented export", () => {
  // typedoc.json allows comments; drop the whole-line ones before parsing.
  const text = readFileSync(join(ROOT, "typedoc.json"), "utf8").replace(/^\s*\/\/.*$/gm, "");
  const options = JSON.parse(text) as { validation?: { notDocumented?: boolean }; treatWarningsAsErrors?: boolean };
  expect(options.validation?.notDocumented).toBe(true);
  expect(options.treatWarningsAsErrors).toBe(true);
});

it("npm run docs builds the API reference of the three entry points without a warning", async () => {
  // Into a temporary folder, so that a test run leaves the developer's docs/api alone.
  const { stdout, stderr } = await run("npm", ["run", "docs", "--", "--out", out], { cwd: ROOT, timeoutMs: 120_000 });
  expect(`${stdout}\n${stderr}`).not.toMatch(/\[warning\]|\[error\]/);
  for (const page of ["pulumi-access-as-code.html", "pulumi-access-as-code_runtime.html", "pulumi-access-as-code_sandbox.html"]) {
    expect(existsSync(join(out, "modules", page)), page).toBe(true);
  }
  expect(existsSync(join(out, "classes", "pulumi-access-as-code.ScodocUser.html"))).toBe(true);
}, 120_000);
