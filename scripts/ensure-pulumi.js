#!/usr/bin/env node
// Find or build the Pulumi CLI that the integration tests and the demo drive.
//
// Why this exists: the project's machines reach only the npm registry, PyPI,
// the Go module proxy and Debian's packages. The official installers
// (get.pulumi.com, GitHub releases) are out of reach there, so the engine is
// built from source through the Go module proxy and cached outside the clone,
// where a later checkout (a fresh CI clone on the same machine) reuses it.
//
// The CLI version is the version of the installed `@pulumi/pulumi` npm package,
// so package.json's devDependency is the single place that pins it.
//
// Routes, first success wins:
//   1. `pulumi` and `pulumi-language-nodejs` already on PATH.
//   2. An earlier result cached in
//      ${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-access-as-code/pulumi-v<version>/bin/
//      (or an official install of the same version in ~/.pulumi/versions/, the
//      cache shared by the npm `pulumi` package and the Automation API).
//   3. A build from the Go module proxy, staged beside the cache and renamed
//      into place at the end, so an interrupted build never leaves a half cache.
//   4. The official `pulumi` npm package (a lazy downloader), only after a quick
//      probe shows its download host is reachable.
//
// Usage:
//   node scripts/ensure-pulumi.js                 ensure, then report on stderr
//   node scripts/ensure-pulumi.js --print-bin-dir  same, and print the bin dir on stdout
//   const { ensurePulumi, pulumiEnv } = require("./scripts/ensure-pulumi.js");
//
// Plain CommonJS without dependencies: it runs before the TypeScript build.
// POSIX only (the dynamic-provider plugin it installs is a sh script).
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const REPO_ROOT = path.resolve(__dirname, "..");
const LOG_PREFIX = "[ensure-pulumi]";

const CLI = "pulumi";
const LANGUAGE_HOST = "pulumi-language-nodejs";
// The engine runs dynamic providers through this plugin. It is a small sh
// script that the CLI release bundles and that `@pulumi/pulumi` ships at its
// package root; the engine finds it next to `pulumi` or on PATH, and otherwise
// tries to download it (which fails on our machines).
const DYNAMIC_PLUGIN = "pulumi-resource-pulumi-nodejs";
const CACHED_FILES = [CLI, LANGUAGE_HOST, DYNAMIC_PLUGIN];

// Written last into a staged cache directory: its presence means the
// directory was completed (it only ever appears through an atomic rename).
const BUILD_INFO = "build-info.json";

const GO_MODULES = {
  pkg: "github.com/pulumi/pulumi/pkg/v3",
  sdk: "github.com/pulumi/pulumi/sdk/v3",
  cliPackage: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
  // Since v3.69.0 the Node.js language host is its own Go module, which is
  // never tagged, so it can only be fetched by commit (a pseudo-version).
  languageHost: "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
  versionVariable: "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version",
};

// Fallback language host: up to v3.68.0 it was a package inside the tagged
// sdk/v3 module. Our Go module proxy refuses the untagged module ("403 This
// module version is not available"), so this is the newest one it serves.
// Checked with CLI 3.248.0 and @pulumi/pulumi 3.248.0: stack init, up,
// preview --expect-no-changes, refresh and destroy of a project with a
// dynamic resource all work. The host mostly launches @pulumi/pulumi's own
// `cmd/run`, and the CLI falls back from GetRequiredPackages (unknown to this
// host) to GetRequiredPlugins. Automation API inline programs need no
// language host binary at all (the SDK serves that role in-process).
const LEGACY_LANGUAGE_HOST = {
  sdkVersion: "3.68.0",
  package: "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
};

// Commit of the release tag v<version>, used when the proxy does not report
// the commit of sdk/v3@v<version> (its .info "Origin" is optional, and ours
// omits it). 3.248.0: as recorded for tag v3.248.0 by the Homebrew formula.
const RELEASE_COMMITS = {
  "3.248.0": "a88168d865b7fd428e5a929cc54aeceaf72d203f",
};

// Flags of the upstream release build (.goreleaser.yml): a static, stripped
// binary whose `pulumi version` reports the version we pinned.
const GO_BUILD_TAGS = "osusergo,grpcnotrace";

// Bounds so that nothing waits forever (a stuck proxy, a stuck lock holder).
const MINUTE_MS = 60 * 1000;
const GO_FETCH_TIMEOUT_MS = 15 * MINUTE_MS;
const GO_BUILD_TIMEOUT_MS = 45 * MINUTE_MS;
const LOCK_WAIT_TIMEOUT_MS = 60 * MINUTE_MS;
const LOCK_POLL_MS = 2000;
const DOWNLOAD_PROBE_TIMEOUT_MS = 8000;
const NPM_INSTALLER_TIMEOUT_MS = 10 * MINUTE_MS;

// Releases of the npm `pulumi` package that honour PULUMI_VERSION (it exists
// from 3.250.0 only, so it cannot be pinned to our version directly).
const NPM_INSTALLER_SPEC = "pulumi@>=3.250.0 <4";
const NPM_DOWNLOAD_PROBE_URL = "https://get.pulumi.com/install.sh";

/** A route that did not work: which step, why, and how to fix it. */
class StepError extends Error {
  constructor(step, reason, fix) {
    super(`${step}: ${reason}`);
    this.name = "StepError";
    this.step = step;
    this.reason = reason;
    this.fix = fix;
  }
}

function log(message) {
  process.stderr.write(`${LOG_PREFIX} ${message}\n`);
}

// ---------------------------------------------------------------------------
// Small helpers

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name, pathValue = process.env.PATH || "") {
  for (const dir of pathValue.split(path.delimiter)) {
    if (dir && path.isAbsolute(dir)) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

// Synchronous sleep without a busy loop (the whole script is synchronous so
// that callers such as a test setup can simply call ensurePulumi()).
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lastLines(text, count) {
  const lines = String(text || "")
    .trimEnd()
    .split("\n");
  return lines.slice(-count).join("\n");
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/**
 * Runs a command and captures its output, shown only on failure: `go get`
 * alone prints hundreds of lines. ENSURE_PULUMI_VERBOSE=1 also shows each
 * command and its diagnostics.
 */
function run(command, args, { cwd, env, timeoutMs, step, fix }) {
  const verbose = process.env.ENSURE_PULUMI_VERBOSE === "1";
  const shown = `${command} ${args.join(" ")}`;
  if (verbose) log(`$ ${shown}`);
  const result = childProcess.spawnSync(command, args, {
    cwd,
    env,
    timeout: timeoutMs,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (verbose && result.stderr) process.stderr.write(result.stderr);
  if (result.error) {
    const why =
      result.error.code === "ETIMEDOUT"
        ? `timed out after ${seconds(timeoutMs)}`
        : result.error.code === "ENOENT"
          ? `${command} not found`
          : result.error.message;
    throw new StepError(step, `\`${shown}\` failed: ${why}`, fix);
  }
  if (result.status !== 0) {
    const output = lastLines(`${result.stdout || ""}${result.stderr || ""}`, 30);
    throw new StepError(step, `\`${shown}\` exited with ${result.status ?? result.signal}${output ? `:\n${output}` : ""}`, fix);
  }
  return result.stdout || "";
}

// ---------------------------------------------------------------------------
// What to get, and where it lives

/** The installed @pulumi/pulumi: its directory and version (= the CLI version). */
function pulumiSdk() {
  let manifest;
  try {
    manifest = require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] });
  } catch {
    throw new StepError(
      "reading the pinned version",
      `@pulumi/pulumi is not installed under ${REPO_ROOT}`,
      "run `npm ci` (or `npm install`) in the repository first",
    );
  }
  return { dir: path.dirname(manifest), version: readJson(manifest).version };
}

function cacheLayout(version) {
  // XDG says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = process.env.XDG_CACHE_HOME;
  const cacheHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  const parent = path.join(cacheHome, "pulumi-access-as-code");
  const name = `pulumi-v${version}`;
  const root = path.join(parent, name);
  return {
    parent,
    root,
    binDir: path.join(root, "bin"),
    lockDir: path.join(parent, `${name}.lock`),
    stagingPrefix: path.join(parent, `.staging-${name}-`),
  };
}

function hasAllBinaries(binDir) {
  return CACHED_FILES.every((name) => isExecutableFile(path.join(binDir, name)));
}

// ---------------------------------------------------------------------------
// Step 1: PATH

function fromPath(version) {
  const pulumiPath = findOnPath(CLI);
  if (!pulumiPath) return null;
  if (!findOnPath(LANGUAGE_HOST)) {
    log(`ignoring ${pulumiPath}: ${LANGUAGE_HOST} is not on PATH`);
    return null;
  }
  const result = childProcess.spawnSync(pulumiPath, ["version"], {
    encoding: "utf8",
    timeout: 30 * 1000,
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  if (result.status !== 0) {
    log(`ignoring ${pulumiPath}: \`pulumi version\` failed`);
    return null;
  }
  const actual = result.stdout.trim().replace(/^v/, "");
  // Used anyway: whoever put it on PATH chose it deliberately.
  if (actual !== version) {
    log(`warning: ${pulumiPath} is v${actual}, @pulumi/pulumi pins v${version}`);
  }
  return { binDir: path.dirname(pulumiPath), pulumiPath, version: actual, source: "found on PATH" };
}

// ---------------------------------------------------------------------------
// Step 2: caches

function fromCache(layout) {
  if (!hasAllBinaries(layout.binDir)) return null;
  let info;
  try {
    info = readJson(path.join(layout.root, BUILD_INFO));
  } catch {
    return null; // not made by us (or damaged): rebuild rather than trust it
  }
  return {
    binDir: layout.binDir,
    pulumiPath: path.join(layout.binDir, CLI),
    version: info.version,
    source: info.source === "go-build" ? "cached build" : `cached ${info.source}`,
  };
}

// ~/.pulumi/versions/<version>/bin is where the npm `pulumi` package and the
// Automation API's PulumiCommand.install() put official releases; using one
// that is already there costs nothing and avoids a build.
function fromOfficialInstall(version) {
  const home = process.env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
  const binDir = path.join(home, "versions", version, "bin");
  if (!hasAllBinaries(binDir)) return null;
  return { binDir, pulumiPath: path.join(binDir, CLI), version, source: "official install" };
}

// ---------------------------------------------------------------------------
// Populating the cache (steps 3 and 4) under a lock

/**
 * One process per machine populates a given version; others wait for it
 * instead of starting a second multi-minute build. The lock is a directory
 * (mkdir is atomic) that records its owner, so a lock left by a killed run is
 * recognised as stale and taken over.
 */
function acquireLock(layout) {
  const ownerFile = path.join(layout.lockDir, "owner.json");
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(layout.lockDir);
      const owner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
      fs.writeFileSync(ownerFile, JSON.stringify(owner));
      return () => fs.rmSync(layout.lockDir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    if (isStaleLock(layout.lockDir, ownerFile)) {
      log(`removing stale lock ${layout.lockDir}`);
      fs.rmSync(layout.lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new StepError(
        "3. waiting for another build",
        `${layout.lockDir} is still held after ${seconds(LOCK_WAIT_TIMEOUT_MS)}`,
        `check that no build is running, then delete ${layout.lockDir}`,
      );
    }
    if (!announced) {
      log(`another process is preparing ${layout.root}; waiting for it (lock ${layout.lockDir})`);
      announced = true;
    }
    sleep(LOCK_POLL_MS);
  }
}

function isStaleLock(lockDir, ownerFile) {
  let owner;
  try {
    owner = readJson(ownerFile);
  } catch {
    // The owner writes owner.json right after mkdir: give it a moment.
    try {
      return Date.now() - fs.statSync(lockDir).mtimeMs > MINUTE_MS;
    } catch {
      return false; // the lock vanished meanwhile: just retry
    }
  }
  // No build takes this long; also covers a shared home seen from another
  // host (its pid cannot be checked here) and a pid reused after a crash.
  if (Date.now() - Date.parse(owner.startedAt) > 2 * LOCK_WAIT_TIMEOUT_MS) return true;
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH";
  }
}

/** Removes staging directories left by interrupted runs on this host. */
function removeAbandonedStaging(layout) {
  let entries = [];
  try {
    entries = fs.readdirSync(layout.parent);
  } catch {
    return;
  }
  const prefix = path.basename(layout.stagingPrefix);
  for (const entry of entries) {
    if (entry.startsWith(prefix)) {
      // We hold the lock, so no other process is using a staging directory.
      fs.rmSync(path.join(layout.parent, entry), { recursive: true, force: true });
    }
  }
}

/**
 * Creates the staging area: `root/` becomes the cache directory through a
 * single rename (same file system, hence atomic), `work/` holds scratch Go
 * modules and is deleted with the rest.
 */
function makeStaging(layout) {
  const staging = fs.mkdtempSync(layout.stagingPrefix);
  const stagedRoot = path.join(staging, "root");
  fs.mkdirSync(path.join(stagedRoot, "bin"), { recursive: true });
  fs.mkdirSync(path.join(staging, "work"));
  return { staging, stagedRoot, stagedBin: path.join(stagedRoot, "bin"), work: path.join(staging, "work") };
}

function copyDynamicPlugin(sdkDir, binDir) {
  const target = path.join(binDir, DYNAMIC_PLUGIN);
  fs.copyFileSync(path.join(sdkDir, DYNAMIC_PLUGIN), target);
  fs.chmodSync(target, 0o755);
}

/** Writes the marker last, then renames the staged root into place. */
function commitStaging(layout, stagedRoot, info) {
  fs.writeFileSync(path.join(stagedRoot, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  try {
    fs.renameSync(stagedRoot, layout.root);
  } catch (error) {
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    // Something is already there. Keep it if complete; replace it otherwise.
    if (fromCache(layout)) return;
    const aside = `${layout.stagingPrefix}broken-${process.pid}`;
    fs.renameSync(layout.root, aside);
    fs.renameSync(stagedRoot, layout.root);
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

function populateCache(layout, sdk, failures) {
  fs.mkdirSync(layout.parent, { recursive: true });
  const release = acquireLock(layout);
  try {
    // Whoever held the lock before us may have just finished the job.
    const cached = fromCache(layout);
    if (cached) return cached;
    removeAbandonedStaging(layout);
    for (const route of [buildWithGo, installWithNpmPackage]) {
      try {
        const found = route(layout, sdk);
        // Say why the earlier routes were skipped (if all fail, the caller
        // reports every failure once).
        for (const failure of failures) log(`note: ${failure.message}`);
        return found;
      } catch (error) {
        if (!(error instanceof StepError)) throw error;
        failures.push(error);
      }
    }
    return null;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------
// Step 3: build from the Go module proxy

/**
 * Environment for the throwaway build modules.
 * - GOSUMDB=off: the checksum database is not reachable from our machines
 *   (sum.golang.org answers 404), so downloads are trusted to the configured
 *   proxy; an explicit GOSUMDB in the environment wins.
 * - -mod=mod: let go get/build record what they resolve in the scratch go.mod.
 * - GOWORK=off: a go.work above the cache directory must not leak in.
 * - CGO_ENABLED=0: static binaries like the upstream release, no C compiler needed.
 */
function goEnv() {
  const flags = (process.env.GOFLAGS || "").split(/\s+/).filter((f) => f && !f.startsWith("-mod="));
  return {
    ...process.env,
    GOSUMDB: process.env.GOSUMDB || "off",
    GOFLAGS: [...flags, "-mod=mod"].join(" "),
    GOWORK: "off",
    GO111MODULE: "on",
    CGO_ENABLED: process.env.CGO_ENABLED || "0",
  };
}

function goTool(args, cwd, step, fix, timeoutMs = GO_FETCH_TIMEOUT_MS) {
  return run("go", args, { cwd, env: goEnv(), timeoutMs, step, fix });
}

const PROXY_FIX =
  "check that the Go module proxy is reachable: `go env GOPROXY` must not be off, and `go mod download -json <the module@version above>` must work";

/**
 * `go mod download -json` of one module version. Returns the parsed JSON
 * (Dir, GoMod, Origin...) or throws a StepError carrying the proxy's answer.
 */
function goDownload(moduleAtVersion, cwd, step) {
  const result = childProcess.spawnSync("go", ["mod", "download", "-json", moduleAtVersion], {
    cwd,
    env: goEnv(),
    encoding: "utf8",
    timeout: GO_FETCH_TIMEOUT_MS,
  });
  let info = {};
  try {
    info = JSON.parse(result.stdout);
  } catch {
    // fall through: reported below
  }
  if (result.status !== 0 || info.Error || !info.GoMod) {
    const why = info.Error || lastLines(result.stderr, 5) || result.error?.message || "no output";
    throw new StepError(step, `cannot download ${moduleAtVersion}: ${why}`, PROXY_FIX);
  }
  return info;
}

/**
 * Upstream builds each binary inside the pulumi repository, where the go.mod
 * of the main module carries replace directives (e.g. atotto/clipboard =>
 * tgummerer/clipboard). Go ignores replace directives of dependencies, which is
 * why `go install ...@version` refuses to build, so we copy the non-local ones
 * into our scratch module. Local ones (../sdk) point into the repository and
 * are covered by requiring the matching released module instead.
 */
function copyUpstreamReplaces(goModFile, moduleDir, step) {
  const parsed = JSON.parse(goTool(["mod", "edit", "-json", goModFile], moduleDir, step, PROXY_FIX));
  const args = [];
  for (const { Old: from, New: to } of parsed.Replace || []) {
    if (!to.Version) continue; // a filesystem path inside the pulumi repository
    const old = from.Version ? `${from.Path}@${from.Version}` : from.Path;
    args.push(`-replace=${old}=${to.Path}@${to.Version}`);
  }
  if (args.length > 0) goTool(["mod", "edit", ...args], moduleDir, step, PROXY_FIX);
}

function newScratchModule(work, name, step) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  goTool(["mod", "init", `local/${name}`], dir, step, PROXY_FIX);
  return dir;
}

function goBuild(moduleDir, pkg, versionLabel, output, step) {
  const ldflags = `-s -w -X ${GO_MODULES.versionVariable}=v${versionLabel}`;
  goTool(
    ["build", "-trimpath", "-tags", GO_BUILD_TAGS, "-ldflags", ldflags, "-o", output, pkg],
    moduleDir,
    step,
    "see the compiler output above; a newer Go may be needed (the pulumi go.mod states its minimum)",
    GO_BUILD_TIMEOUT_MS,
  );
}

function buildCli(work, version, binDir) {
  const step = "3a. building pulumi from the Go module proxy";
  const dir = newScratchModule(work, "pulumi-cli", step);
  const pkgModule = goDownload(`${GO_MODULES.pkg}@v${version}`, dir, step);
  copyUpstreamReplaces(pkgModule.GoMod, dir, step);
  // sdk/v3 is named too: pkg's go.mod requires it through a local replace, so
  // its own requirement may be older than the release.
  goTool(["get", `${GO_MODULES.cliPackage}@v${version}`, `${GO_MODULES.sdk}@v${version}`], dir, step, PROXY_FIX);
  goBuild(dir, GO_MODULES.cliPackage, version, path.join(binDir, CLI), step);
}

/** The commit of release tag v<version>, or null if unknown. */
function releaseCommit(version, cwd, step) {
  try {
    const sdkModule = goDownload(`${GO_MODULES.sdk}@v${version}`, cwd, step);
    if (sdkModule.Origin && /^[0-9a-f]{40}$/.test(sdkModule.Origin.Hash || "")) return sdkModule.Origin.Hash;
  } catch {
    // the table below is the fallback
  }
  return RELEASE_COMMITS[version] || null;
}

/**
 * The language host of the same release: the untagged module at the release
 * commit. Its go.mod requires pkg/sdk through local replaces (and even a
 * placeholder version), so we pin every version of both to the release.
 */
function buildMatchingLanguageHost(work, version, binDir) {
  const step = "3b. building pulumi-language-nodejs (same release)";
  const dir = newScratchModule(work, "pulumi-language-nodejs", step);
  const commit = releaseCommit(version, dir, step);
  if (!commit) {
    throw new StepError(step, `commit of release v${version} unknown`, "add it to RELEASE_COMMITS");
  }
  const hostModule = goDownload(`${GO_MODULES.languageHost}@${commit}`, dir, step);
  const pkgModule = goDownload(`${GO_MODULES.pkg}@v${version}`, dir, step);
  copyUpstreamReplaces(pkgModule.GoMod, dir, step);
  copyUpstreamReplaces(hostModule.GoMod, dir, step);
  goTool(
    ["mod", "edit", `-replace=${GO_MODULES.pkg}=${GO_MODULES.pkg}@v${version}`, `-replace=${GO_MODULES.sdk}=${GO_MODULES.sdk}@v${version}`],
    dir,
    step,
    PROXY_FIX,
  );
  goTool(["get", `${GO_MODULES.languageHost}@${hostModule.Version}`], dir, step, PROXY_FIX);
  goBuild(dir, GO_MODULES.languageHost, version, path.join(binDir, LANGUAGE_HOST), step);
  return { module: GO_MODULES.languageHost, version: hostModule.Version, matchesCli: true };
}

function buildLegacyLanguageHost(work, binDir) {
  const step = `3c. building pulumi-language-nodejs v${LEGACY_LANGUAGE_HOST.sdkVersion} (fallback)`;
  const { sdkVersion } = LEGACY_LANGUAGE_HOST;
  const dir = newScratchModule(work, "pulumi-language-nodejs-legacy", step);
  const sdkModule = goDownload(`${GO_MODULES.sdk}@v${sdkVersion}`, dir, step);
  copyUpstreamReplaces(sdkModule.GoMod, dir, step);
  goTool(["get", `${LEGACY_LANGUAGE_HOST.package}@v${sdkVersion}`], dir, step, PROXY_FIX);
  goBuild(dir, LEGACY_LANGUAGE_HOST.package, sdkVersion, path.join(binDir, LANGUAGE_HOST), step);
  return { module: GO_MODULES.sdk, version: `v${sdkVersion}`, matchesCli: false };
}

function buildWithGo(layout, sdk) {
  const goVersion = childProcess.spawnSync("go", ["version"], { encoding: "utf8", env: goEnv() });
  if (goVersion.error || goVersion.status !== 0) {
    throw new StepError(
      "3. building from the Go module proxy",
      "`go` is not on PATH",
      "install Go (at least the version stated in pulumi's go.mod, 1.25.11 for 3.248.0) and retry",
    );
  }
  const started = Date.now();
  // Measured on 2 cores: 3-5 min, plus about 1 min and 1.4 GB when the Go
  // module cache is cold.
  log(`building pulumi v${sdk.version} from the Go module proxy (takes minutes, once per machine)`);
  const { staging, stagedRoot, stagedBin, work } = makeStaging(layout);
  try {
    buildCli(work, sdk.version, stagedBin);
    log(`built ${CLI} in ${seconds(Date.now() - started)}`);

    let languageHost;
    try {
      languageHost = buildMatchingLanguageHost(work, sdk.version, stagedBin);
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      log(`${error.reason.split("\n")[0]}; falling back to the v${LEGACY_LANGUAGE_HOST.sdkVersion} language host`);
      languageHost = buildLegacyLanguageHost(work, stagedBin);
    }
    copyDynamicPlugin(sdk.dir, stagedBin);

    const durationMs = Date.now() - started;
    commitStaging(layout, stagedRoot, {
      version: sdk.version,
      source: "go-build",
      languageHost,
      go: goVersion.stdout.trim(),
      builtAt: new Date().toISOString(),
      durationSeconds: Math.round(durationMs / 1000),
    });
    log(`build finished in ${seconds(durationMs)} (language host ${languageHost.version})`);
    return {
      binDir: layout.binDir,
      pulumiPath: path.join(layout.binDir, CLI),
      version: sdk.version,
      source: "built from the Go module proxy",
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Step 4: the official npm `pulumi` package (a lazy downloader)

/**
 * The npm package downloads from get.pulumi.com with no timeout of its own.
 * A separate short-lived probe tells within seconds whether that can work, so
 * on our machines this step fails fast instead of hanging.
 */
function probeDownloadHost(step) {
  const probe = `
    fetch(${JSON.stringify(NPM_DOWNLOAD_PROBE_URL)}, { signal: AbortSignal.timeout(${DOWNLOAD_PROBE_TIMEOUT_MS}) })
      .then((r) => { if (!r.ok) { console.error("HTTP " + r.status); process.exit(1); } process.exit(0); })
      .catch((e) => { console.error((e.cause && (e.cause.code || e.cause.message)) || e.message); process.exit(1); });`;
  const result = childProcess.spawnSync(process.execPath, ["-e", probe], {
    encoding: "utf8",
    timeout: DOWNLOAD_PROBE_TIMEOUT_MS + 5000,
  });
  if (result.status !== 0) {
    const why = (result.stderr || "").trim() || result.error?.code || "no answer";
    throw new StepError(
      step,
      `${NPM_DOWNLOAD_PROBE_URL} is not reachable (${why})`,
      "this step needs internet access; on machines without it, use step 3 (install Go)",
    );
  }
}

function installWithNpmPackage(layout, sdk) {
  const step = "4. official pulumi npm package";
  probeDownloadHost(step);
  const started = Date.now();
  log(`installing the official pulumi v${sdk.version} release through \`npx ${NPM_INSTALLER_SPEC}\``);
  const { staging, stagedRoot, stagedBin } = makeStaging(layout);
  try {
    // PULUMI_HOME sends the download into our staging area, PULUMI_VERSION
    // selects the release (the npm package itself starts at 3.250.0).
    const env = {
      ...process.env,
      PULUMI_HOME: staging,
      PULUMI_VERSION: sdk.version,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      npm_config_yes: "true",
    };
    const fix = "run the same command by hand to see why, or use step 3 (install Go)";
    const output = run("npx", ["--yes", NPM_INSTALLER_SPEC, "version"], {
      cwd: os.tmpdir(),
      env,
      timeoutMs: NPM_INSTALLER_TIMEOUT_MS,
      step,
      fix,
    });
    // The install script shares stdout with the CLI: its version is the last line.
    const printed = lastLines(output, 1).trim();
    if (printed !== `v${sdk.version}`) {
      throw new StepError(step, `installed CLI reports ${printed || "nothing"}, expected v${sdk.version}`, fix);
    }
    const downloadedBin = path.join(staging, "versions", sdk.version, "bin");
    for (const name of [CLI, LANGUAGE_HOST]) {
      if (!isExecutableFile(path.join(downloadedBin, name))) {
        throw new StepError(step, `${name} missing from ${downloadedBin}`, fix);
      }
    }
    fs.rmSync(stagedBin, { recursive: true, force: true });
    fs.renameSync(downloadedBin, stagedBin);
    if (!isExecutableFile(path.join(stagedBin, DYNAMIC_PLUGIN))) copyDynamicPlugin(sdk.dir, stagedBin);
    commitStaging(layout, stagedRoot, {
      version: sdk.version,
      source: "official release",
      installedAt: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
    });
    return {
      binDir: layout.binDir,
      pulumiPath: path.join(layout.binDir, CLI),
      version: sdk.version,
      source: "official release via the npm pulumi package",
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Public API

let memo = null;

/**
 * Returns { binDir, pulumiPath, version, source } for a usable Pulumi CLI,
 * building and caching it when needed. Synchronous; memoised per process.
 * Throws an Error listing every route that failed and how to fix it.
 */
function ensurePulumi() {
  if (memo) return memo;
  const sdk = pulumiSdk();
  const layout = cacheLayout(sdk.version);
  const failures = [];
  const found = fromPath(sdk.version) || fromCache(layout) || fromOfficialInstall(sdk.version) || populateCache(layout, sdk, failures);
  if (!found) {
    const details = failures.map((f) => `  - ${f.message}\n    fix: ${f.fix}`).join("\n");
    throw new Error(
      `no Pulumi CLI v${sdk.version}: none on PATH, none cached in ${layout.binDir}, and every way to get one failed:\n${details}`,
    );
  }
  memo = Object.freeze(found);
  return memo;
}

/**
 * Environment for running the CLI (spawn, or the Automation API, which reads
 * process.env): binDir first on PATH so the engine finds the language host and
 * the dynamic-provider plugin, and no update checks, plugin downloads or
 * version checks that would reach the internet. `extra` wins over the flags.
 */
function pulumiEnv(extra = {}) {
  const { binDir } = ensurePulumi();
  const env = {
    ...process.env,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    ...extra,
  };
  const rest = (env.PATH || "").split(path.delimiter).filter((dir) => dir && dir !== binDir);
  const dirs = [binDir, ...rest];
  // A CLI found on PATH may come without the dynamic-provider plugin; the one
  // shipped with @pulumi/pulumi then serves (appended, so it never shadows).
  if (!findOnPath(DYNAMIC_PLUGIN, dirs.join(path.delimiter))) dirs.push(pulumiSdk().dir);
  env.PATH = dirs.join(path.delimiter);
  return env;
}

module.exports = { ensurePulumi, pulumiEnv };

// ---------------------------------------------------------------------------
// Command line

function main(argv) {
  const printBinDir = argv.includes("--print-bin-dir");
  const unknown = argv.filter((arg) => arg !== "--print-bin-dir");
  if (unknown.length > 0) {
    process.stderr.write(`usage: node scripts/ensure-pulumi.js [--print-bin-dir]\n`);
    return 2;
  }
  try {
    const { binDir, version, source } = ensurePulumi();
    log(`pulumi v${version} (${source}) at ${binDir}`);
    if (printBinDir) process.stdout.write(`${binDir}\n`);
    return 0;
  } catch (error) {
    log(error instanceof StepError ? `${error.message}\n  fix: ${error.fix}` : error.message);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
