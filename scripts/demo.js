#!/usr/bin/env node
// `npm run demo`: start the sandboxes, `pulumi up` the demo stack (Pulumi.yaml,
// examples/demo/) on a local file backend, show what now exists on each
// server (read back through the applications' own APIs), check that a second
// preview is empty, and stop the sandboxes. Each run starts from scratch: the
// sandboxes are new, so is the stack's state (in .pulumi-state/ and
// Pulumi.demo.yaml, both ignored).
"use strict";

const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { ensurePulumi, pulumiEnv } = require("./ensure-pulumi.js");
const { startSandboxes } = require("../dist/sandbox");
const { showDrofus, showFess, showScenari, showScodoc } = require("./demo/show");

const ROOT = path.resolve(__dirname, "..");
const STATE = path.join(ROOT, ".pulumi-state");

function pulumi(env, args, { quiet = false, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", args, {
      cwd: ROOT,
      env,
      stdio: [input === undefined ? "ignore" : "pipe", quiet ? "pipe" : "inherit", "inherit"],
    });
    if (input !== undefined) child.stdin.end(input);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi ${args.join(" ")} exited with ${code}`))));
  });
}

async function main() {
  const cli = ensurePulumi();
  fs.rmSync(STATE, { recursive: true, force: true });
  // The stack's settings (salt, config) belong to the previous run's state.
  fs.rmSync(path.join(ROOT, "Pulumi.demo.yaml"), { force: true });
  fs.mkdirSync(STATE, { recursive: true });
  const env = pulumiEnv({
    PULUMI_BACKEND_URL: `file://${STATE}`,
    // A demo stack on a throwaway local backend: the passphrase only guards this folder.
    PULUMI_CONFIG_PASSPHRASE: "access-demo",
  });

  const sandboxes = await startSandboxes();
  try {
    console.log(`Pulumi ${cli.version}; sandboxes: ${Object.keys(sandboxes.apps).join(", ")}`);
    await pulumi(env, ["stack", "init", "demo"], { quiet: true });
    for (const { endpoint } of Object.values(sandboxes.apps)) {
      await pulumi(env, ["config", "set", `${endpoint.app}:url`, endpoint.url], { quiet: true });
      if (endpoint.username) await pulumi(env, ["config", "set", `${endpoint.app}:username`, endpoint.username], { quiet: true });
      // Secrets go through stdin, never on a command line.
      if (endpoint.password)
        await pulumi(env, ["config", "set", "--secret", `${endpoint.app}:password`], { quiet: true, input: endpoint.password });
      if (endpoint.token) await pulumi(env, ["config", "set", "--secret", `${endpoint.app}:token`], { quiet: true, input: endpoint.token });
    }
    await pulumi(env, ["config", "set", "--secret", "directorPassword"], {
      quiet: true,
      input: `Demo-${randomBytes(9).toString("base64url")}`,
    });

    await pulumi(env, ["up", "--yes", "--skip-preview"]);

    console.log("\nWhat the servers now hold, read back through their own APIs:\n");
    const scodoc = sandboxes.apps.scodoc;
    if (scodoc) await showScodoc(scodoc.endpoint);
    const fess = sandboxes.apps.fess;
    if (fess) await showFess(fess.endpoint);
    const drofus = sandboxes.apps.drofus;
    if (drofus) await showDrofus(drofus.endpoint);
    const scenari = sandboxes.apps.scenari;
    if (scenari) await showScenari(scenari.endpoint);

    console.log("\nThe stack is converged: a second preview expects no change.\n");
    await pulumi(env, ["preview", "--expect-no-changes"]);
  } finally {
    await sandboxes.stop();
  }
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exit(1);
});
