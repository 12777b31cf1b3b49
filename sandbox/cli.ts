#!/usr/bin/env node
/**
 * `npm run sandbox`: start every sandbox, print one JSON line per application
 * (url and credentials) and run until SIGTERM or SIGINT.
 *
 * Options: --apps scodoc,fess  --latency-ms 20  --persist-dir DIR
 */
import { parseArgs } from "node:util";
import { startSandboxes } from "./index";
import type { AppName } from "./apps";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apps: { type: "string" },
      "latency-ms": { type: "string" },
      "persist-dir": { type: "string" },
    },
  });
  const latencyMs = values["latency-ms"] === undefined ? undefined : Number(values["latency-ms"]);
  const running = await startSandboxes({
    ...(values.apps ? { apps: values.apps.split(",") as AppName[] } : {}),
    ...(latencyMs ? { faults: { latencyMs } } : {}),
    ...(values["persist-dir"] ? { persistDir: values["persist-dir"] } : {}),
  });
  for (const app of Object.values(running.apps)) process.stdout.write(`${JSON.stringify(app.endpoint)}\n`);
  const stop = () => void running.stop().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
