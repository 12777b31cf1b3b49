import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const VENV = join(ROOT, ".venv");

export interface VenvOptions {
  /**
   * The Python version the packages need, as "major.minor" (fessctl requires
   * 3.13, newer than the machine's python3). The venv is then a separate one,
   * `.venv-py<version>`, made from that interpreter.
   */
  readonly python?: string;
}

/**
 * A project-local Python virtual environment holding the applications' own
 * clients (fessctl, scenaripy-api), created on first use and reused after.
 * Installation failures throw: the conformance tests must fail loudly, never skip.
 *
 * @param packages pip requirement strings, e.g. `"fessctl==0.3.1"`
 * @returns the venv's python and its bin directory
 */
export function ensureVenv(packages: readonly string[], options: VenvOptions = {}): { python: string; bin: string } {
  const venv = options.python === undefined ? VENV : join(ROOT, `.venv-py${options.python}`);
  const bin = join(venv, "bin");
  const python = join(bin, "python");
  if (!existsSync(python)) {
    const interpreter = options.python === undefined ? "python3" : findPython(options.python);
    execFileSync(interpreter, ["-m", "venv", venv], { stdio: "pipe" });
  }
  const marker = join(venv, ".installed.json");
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
      throw new Error(`could not install ${missing.join(" ")} into ${venv}: ${stderr.trim()}`);
    }
    for (const p of missing) installed.add(p);
    writeFileSync(marker, JSON.stringify([...installed].sort()));
  }
  return { python, bin };
}

/**
 * An interpreter of exactly this "major.minor": `python3.13` on the PATH, or
 * else one of pyenv's installs, whose shims refuse a version that is not the
 * selected one.
 */
function findPython(version: string): string {
  const pyenvVersions = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  const installed = existsSync(pyenvVersions) ? readdirSync(pyenvVersions).filter((v) => v === version || v.startsWith(`${version}.`)) : [];
  const candidates = [
    `python${version}`,
    ...installed
      .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
      .map((v) => join(pyenvVersions, v, "bin", `python${version}`)),
  ];
  for (const candidate of candidates) {
    try {
      const found = execFileSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { stdio: "pipe" });
      if (found.toString().trim() === version) return candidate;
    } catch {
      // Not there, or a shim that refuses: try the next one.
    }
  }
  throw new Error(`no Python ${version} interpreter found (tried ${candidates.join(", ")})`);
}
