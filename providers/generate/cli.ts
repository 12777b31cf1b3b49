#!/usr/bin/env node
/**
 * `pulumi-access-as-code generate <app>`: read a live server and write a
 * Pulumi program that adopts what it holds (see README, "Bringing an
 * existing server under Pulumi"). Progress goes to stderr, the summary to stdout.
 *
 * Credentials come from the environment (`SCODOC_PASSWORD`, ...), never from
 * a flag: a flag would sit in the shell history and the process list. Stack
 * config is not readable outside a Pulumi run, so it is not consulted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveConnection, type ConnectionArgs } from "../core/connection";
import type { AppName } from "../core/errors";
import { GENERATORS } from "./apps";
import { countOf, type GeneratedStack } from "./model";
import { renderProject } from "./render";

const USAGE = `usage: pulumi-access-as-code generate <app> [--url URL] [--username NAME] [--out DIR]
                                   [--only KIND=KEY,KEY...]... [--include-builtin]

apps: ${Object.keys(GENERATORS).join(", ")}
The URL and credentials come from the flags or the environment (e.g. SCODOC_URL,
SCODOC_USERNAME, SCODOC_PASSWORD); passwords and tokens only from the environment.`;

class UsageError extends Error {}

/** The version the generated package.json asks for: this package's own. */
function ownVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "pulumi-access-as-code" && pkg.version) return pkg.version;
  }
  return "0.1.0";
}

interface Parsed {
  app: string;
  url?: string;
  username?: string;
  out: string;
  only: Map<string, Set<string>>;
  includeBuiltin: boolean;
  /** The command as written into the generated files: no URL, no output folder, so two runs compare equal. */
  command: string;
}

function parse(argv: readonly string[]): Parsed {
  if (argv.some((a) => /^--(password|token)(=|$)/.test(a))) {
    throw new UsageError("passwords and tokens are read from the environment only (e.g. SCODOC_PASSWORD), never from a flag");
  }
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      url: { type: "string" },
      username: { type: "string" },
      out: { type: "string" },
      only: { type: "string", multiple: true },
      "include-builtin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) throw new UsageError("");
  const [verb, app, ...rest] = positionals;
  if (verb !== "generate" || app === undefined || rest.length > 0) throw new UsageError("expected: generate <app>");
  const generator = GENERATORS[app];
  if (!generator) throw new UsageError(`no generator for ${app}; known: ${Object.keys(GENERATORS).join(", ")}`);
  const only = new Map<string, Set<string>>();
  for (const item of values.only ?? []) {
    const at = item.indexOf("=");
    const kind = item.slice(0, at);
    if (at < 1 || !generator.kinds.includes(kind))
      throw new UsageError(`--only ${item}: expected KIND=KEY,KEY... with KIND one of ${generator.kinds.join(", ")}`);
    const keys = only.get(kind) ?? new Set<string>();
    for (const key of item.slice(at + 1).split(",")) if (key !== "") keys.add(key);
    only.set(kind, keys);
  }
  const onlyFlags = [...only.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, keys]) => ` --only ${kind}=${[...keys].sort().join(",")}`)
    .join("");
  return {
    app,
    ...(values.url ? { url: values.url } : {}),
    ...(values.username ? { username: values.username } : {}),
    out: resolve(values.out ?? `${app}-access`),
    only,
    includeBuiltin: values["include-builtin"],
    command: `npx pulumi-access-as-code generate ${app}${onlyFlags}${values["include-builtin"] ? " --include-builtin" : ""}`,
  };
}

function summary(stack: GeneratedStack, out: string, files: readonly string[]): string {
  const lines = [`${stack.app}: wrote ${files.join(", ")} to ${out}`];
  lines.push(
    `declared: ${Object.entries(stack.counts)
      .map(([kind, n]) => countOf(n, kind))
      .join(", ")}`,
  );
  for (const l of stack.leftOut) lines.push(`left out: ${l.what} (${l.names.length}: ${l.names.join(", ")}): ${l.why}`);
  lines.push(
    `before \`pulumi up\`, set: ${stack.configKeys.map((k) => (k.secret ? `${k.key} (secret)` : k.key)).join(", ")}; see ${join(out, "README.md")}`,
  );
  return lines.join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message ? `generate: ${message}\n\n` : ""}${USAGE}\n`);
    return error instanceof UsageError && message === "" ? 0 : 2;
  }
  const generator = GENERATORS[parsed.app]!;
  try {
    // Credentials go only to the URL configured beside them: on this command line, that is --url, unless the
    // environment names a server of its own (then they stay with it, and --url gets none).
    const envUrl = `${parsed.app.toUpperCase()}_URL`;
    if (parsed.url && !process.env[envUrl]) process.env[envUrl] = parsed.url;
    const input: ConnectionArgs = { ...(parsed.url ? { url: parsed.url } : {}), ...(parsed.username ? { username: parsed.username } : {}) };
    const connection = resolveConnection(parsed.app as AppName, input);
    const stack = await generator.read(connection, {
      only: parsed.only,
      includeBuiltin: parsed.includeBuiltin,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    const files = renderProject(stack, {
      command: parsed.command,
      projectName: `${parsed.app}-access`,
      packageVersion: ownVersion(),
      url: connection.http.baseUrl,
    });
    mkdirSync(parsed.out, { recursive: true });
    for (const [name, text] of files) writeFileSync(join(parsed.out, name), text);
    process.stdout.write(`${summary(stack, parsed.out, [...files.keys()])}\n`);
    return 0;
  } catch (error) {
    // The package's errors never carry a credential (core/errors.ts); a message is all a user needs.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`generate: ${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
