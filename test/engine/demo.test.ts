/** `npm run demo` is the README's first command: prove it works, as a user runs it. */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

it("the demo creates the stack on fresh sandboxes, shows it, and ends converged", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [resolve(ROOT, "scripts/demo.js")], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  expect(stdout).toMatch(/Resources:\s+\+ \d+ created/);
  expect(stdout).toMatch(/m\.durand\s+Marie Durand\s+RT\s+true\s+ChefDept_RT,Enseignant_RT,Enseignant_GEII/);
  // The final `preview --expect-no-changes` passed.
  expect(stdout).toMatch(/Resources:\s+\d+ unchanged\s*$/);
}, 300_000);
