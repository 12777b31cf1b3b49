/**
 * Credentials stay with their server, under the real Pulumi engine, for each
 * application. A listener stands for a server that collects what it is sent:
 * a resource whose `connection` names it without credentials of its own is
 * refused at preview (and at up), whether the stack's credentials come from
 * the stack config or the environment; a server that redirects to it is not
 * followed; and a URL that cannot work is refused at preview. The listener
 * receives no request at all.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import { endpointOf, type Sandbox } from "../../sandbox/core/server";
import { createDrofusSandbox } from "../../sandbox/drofus";
import { createFessSandbox } from "../../sandbox/fess";
import { createScenariSandbox } from "../../sandbox/scenari";
import { createScodocSandbox } from "../../sandbox/scodoc";
import type { ConnectionArgs } from "../../providers/index";
import { createEngineStack, failureOutput, pkg, type EngineStack, type Program } from "../support/engine";
import { stackConfig } from "../support/stackConfig";

interface Case {
  app: "scodoc" | "fess" | "drofus" | "scenari";
  // biome-ignore lint/suspicious/noExplicitAny: four applications' states
  sandbox(): Sandbox<any>;
  /** One resource, on the given connection when there is one. */
  program(connection?: ConnectionArgs): Program;
}

const cases: Case[] = [
  {
    app: "scodoc",
    sandbox: () => createScodocSandbox(),
    program: (connection) => async () => void new pkg.ScodocDepartement("rt", { acronym: "RT", ...(connection ? { connection } : {}) }),
  },
  {
    app: "fess",
    sandbox: () => createFessSandbox(),
    program: (connection) => async () => void new pkg.FessRole("staff", { name: "staff", ...(connection ? { connection } : {}) }),
  },
  {
    app: "drofus",
    sandbox: () => createDrofusSandbox(),
    program: (connection) => async () =>
      void new pkg.DrofusProjectUser("lead", {
        projectId: 399,
        username: "ingrid.solberg",
        rights: { room: "read" },
        ...(connection ? { connection } : {}),
      }),
  },
  {
    app: "scenari",
    sandbox: () => createScenariSandbox(),
    program: (connection) => async () =>
      void new pkg.ScenariGroup("authors", { account: "authors", ...(connection ? { connection } : {}) }),
  },
];

/** A server that answers 200 to anything and keeps every request's headers. */
let listener: Server;
let listenerUrl: string;
const received: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  listener = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
});

describe.each(cases)("$app: credentials stay with their server", (c) => {
  // biome-ignore lint/suspicious/noExplicitAny: four applications' states
  let sandbox: Awaited<ReturnType<Sandbox<any>["start"]>>;
  let admin: SandboxAdmin;
  const stacks: EngineStack[] = [];

  beforeAll(async () => {
    sandbox = await c.sandbox().start();
    admin = new SandboxAdmin(sandbox.url);
  });
  afterAll(async () => {
    for (const s of stacks) await s.cleanup();
    await sandbox?.stop();
  });

  async function stack(options: Parameters<typeof createEngineStack>[0]): Promise<EngineStack> {
    const s = await createEngineStack(options);
    stacks.push(s);
    return s;
  }

  /** Preview and up both refuse the program at check, naming `property`, and nothing is sent anywhere. */
  async function refused(s: EngineStack, program: Program, property: string, reason: RegExp): Promise<void> {
    received.length = 0;
    await admin.resetRequests();
    for (const run of [() => s.preview(program), () => s.up(program)]) {
      const output = await failureOutput(run);
      expect(output).toContain(`property ${property} value`);
      expect(output).toMatch(reason);
    }
    expect(received).toEqual([]);
    expect((await admin.requests()).total).toBe(0);
  }

  it("a connection to another server without its own credentials is refused at preview: stack config", async () => {
    const s = await stack({ config: stackConfig(endpointOf(sandbox)) });
    await refused(s, c.program({ url: listenerUrl }), "connection", /is not the stack's .* server .*: give connection\.\w+/);
  });

  it("the same with the credentials in the environment", async () => {
    const endpoint = endpointOf(sandbox);
    const env: Record<string, string> = {};
    for (const [key, entry] of Object.entries(stackConfig(endpoint))) env[key.replace(":", "_").toUpperCase()] = entry.value;
    const s = await stack({ config: {}, env });
    await refused(s, c.program({ url: listenerUrl }), "connection", /is not the stack's .* server .*: give connection\.\w+/);
  });

  it("a server that redirects elsewhere is not followed: one error, nothing sent there", async () => {
    const s = await stack({ config: stackConfig(endpointOf(sandbox)) });
    received.length = 0;
    await admin.setFaults({ rules: [{ path: ".*", redirectTo: listenerUrl, times: 1000 }] });
    try {
      const output = await failureOutput(() => s.up(c.program()));
      expect(output).toMatch(
        new RegExp(
          `${c.app}: \\w+ \\S+ → 307: the server redirects to ${listenerUrl}/\\S*, which is not followed \\(hint: set ${c.app}:url`,
        ),
      );
    } finally {
      await admin.clearFaults();
    }
    expect(received).toEqual([]);
  });

  it("a URL that cannot work is refused at preview, in a connection or in the stack config", async () => {
    const s = await stack({ config: stackConfig(endpointOf(sandbox)) });
    await refused(s, c.program({ url: "ftp://127.0.0.1/" }), "connection.url", /must be an http or https URL, got ftp:\/\/…/);
    await s.stack.setConfig(`${c.app}:url`, { value: "ftp://127.0.0.1/" });
    await refused(s, c.program(), "connection", new RegExp(`${c.app}:url in the stack config must be an http or https URL`));
  });
});
