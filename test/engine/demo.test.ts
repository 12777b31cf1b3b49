/** `npm run demo` is the README's first command: prove it works, as a user runs it. */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");

it("the demo creates the stack on fresh sandboxes, shows it, and ends converged", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [resolve(ROOT, "scripts/demo.js")], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stdout).toMatch(/Resources:\s+\+ \d+ created/);
  // One table per application, read back through its own API.
  expect(stdout).toMatch(/m\.durand\s+Marie Durand\s+RT\s+true\s+ChefDept_RT,Enseignant_RT,Enseignant_GEII/);
  expect(stdout).toMatch(/l\.garnier\s+staff,students\s+library/);
  expect(stdout).toMatch(/claire\.moreau\s+Claire Moreau\s+true/);
  expect(stdout).toMatch(/rt-networks\s+\S{22}\s+Réseaux locaux/);
  expect(stdout).toMatch(/geii-circuits\s+a\.petit\s+main:author/);
  // The final `preview --expect-no-changes` passed.
  expect(stdout).toMatch(/Resources:\s+\d+ unchanged\s*$/);
}, 300_000);
