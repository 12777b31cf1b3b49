import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const VENV = join(ROOT, ".venv");

/**
 * A project-local Python virtual environment holding the applications' own
 * clients (fessctl, scenaripy-api), created on first use and reused after.
 * Installation failures throw: the conformance tests must fail loudly, never skip.
 *
 * @param packages pip requirement strings, e.g. `"fessctl==0.3.1"`
 * @returns the venv's python and its bin directory
 */
export function ensureVenv(packages: readonly string[]): { python: string; bin: string } {
  const bin = join(VENV, "bin");
  const python = join(bin, "python");
  if (!existsSync(python)) execFileSync("python3", ["-m", "venv", VENV], { stdio: "pipe" });
  const marker = join(VENV, ".installed.json");
  const installed = new Set<string>(existsSync(marker) ? (JSON.parse(readFileSync(marker, "utf8")) as string[]) : []);
  const missing = packages.filter((p) => !installed.has(p));
  if (missing.length > 0) {
    try {
      execFileSync(python, ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", ...missing], {
        stdio: "pipe",
        timeout: 600_000,
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
      throw new Error(`could not install ${missing.join(" ")} into ${VENV}: ${stderr.trim()}`);
    }
    for (const p of missing) installed.add(p);
    writeFileSync(marker, JSON.stringify([...installed].sort()));
  }
  return { python, bin };
}
