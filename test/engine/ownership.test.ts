/**
 * What an object is, and who holds it, under the real Pulumi engine, for
 * each application.
 *
 * A server's URL is where to reach it, not part of what an object is: the
 * same server renamed (a host alias, as after a DNS rename) is an update
 * that sends nothing, with or without `adopt`, and every object stays on the
 * server. Before, the rename replaced every resource; with `adopt` the
 * replacements took the live objects over and the engine then deleted them
 * as "the originals".
 *
 * A delete never removes an object another resource of the stack now holds:
 * a resource renamed without an alias that adopts its object, a replacement
 * that adopts it, a second resource adopting it and the first one removed
 * in a later `up`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { Sandbox } from "../../sandbox/core/server";
import { endpointOf } from "../../sandbox/core/server";
import { createDrofusSandbox } from "../../sandbox/drofus";
import type { DrofusState } from "../../sandbox/drofus/state";
import { createFessSandbox } from "../../sandbox/fess";
import type { FessState } from "../../sandbox/fess/state";
import { createScenariSandbox, type ScenariState } from "../../sandbox/scenari";
import { createScodocSandbox } from "../../sandbox/scodoc";
import type { ScodocState } from "../../sandbox/scodoc/model";
import { createEngineStack, failureOutput, pkg, pulumi, type EngineStack, type Program } from "../support/engine";
import { stackConfig } from "../support/stackConfig";

/** How a program declares the stack's resources. */
interface Shape {
  /** `adopt: true` on every resource, as `generate` writes them. */
  adopt: boolean;
  /** The Pulumi names' prefixes: the resources are declared once under each. */
  prefixes?: string[];
}

interface Case {
  app: "scodoc" | "fess" | "drofus" | "scenari";
  // biome-ignore lint/suspicious/noExplicitAny: four applications' states
  sandbox(): Sandbox<any>;
  /** The program; it declares `resources` resources. */
  program(shape: Shape): Program;
  resources: number;
  /** What the server holds of what the program declares, read out of band. */
  holds(admin: SandboxAdmin): Promise<unknown>;
}

const cases: Case[] = [
  {
    app: "scodoc",
    sandbox: () => createScodocSandbox(),
    program:
      ({ adopt, prefixes = [""] }) =>
      async () => {
        for (const p of prefixes) {
          const rt = new pkg.ScodocDepartement(`${p}rt`, { acronym: "RT", adopt });
          const tutor = new pkg.ScodocRole(`${p}tutor`, { name: "Tuteur", permissions: ["ScoView"], adopt });
          new pkg.ScodocUser(`${p}alice`, {
            userName: "alice",
            nom: "Martin",
            roles: [{ role: tutor.name, departement: rt.acronym }],
            adopt,
          });
        }
      },
    resources: 3,
    async holds(admin) {
      const st = await admin.state<ScodocState>();
      const alice = st.users.find((u) => u.user_name === "alice");
      return {
        departements: st.departements.map((d) => d.acronym).sort(),
        roles: st.roles.map((r) => r.name).filter((n) => n === "Tuteur"),
        alice: alice?.active,
        grants: st.grants.filter((g) => g.user_id === alice?.id).map((g) => [st.roles.find((r) => r.id === g.role_id)?.name, g.dept]),
      };
    },
  },
  {
    app: "fess",
    sandbox: () => createFessSandbox(),
    program:
      ({ adopt, prefixes = [""] }) =>
      async () => {
        for (const p of prefixes) {
          const staff = new pkg.FessRole(`${p}staff`, { name: "staff", adopt });
          const team = new pkg.FessGroup(`${p}team`, { name: "team", adopt });
          new pkg.FessUser(`${p}alice`, { name: "alice", password: "Quokka-Meadow-8841", roles: [staff.name], groups: [team.name], adopt });
        }
      },
    resources: 3,
    async holds(admin) {
      const st = await admin.state<FessState>();
      return {
        roles: Object.values(st.roles)
          .map((r) => r.name)
          .sort(),
        groups: Object.values(st.groups)
          .map((g) => g.name)
          .sort(),
        // The password is left out: adopting sets it again, under a new salt.
        alice: Object.values(st.users)
          .filter((u) => u.name === "alice")
          .map((u) => [u.roles, u.groups]),
      };
    },
  },
  {
    app: "drofus",
    sandbox: () => createDrofusSandbox(),
    program:
      ({ adopt, prefixes = [""] }) =>
      async () => {
        for (const p of prefixes) {
          const project = new pkg.DrofusProject(`${p}wing`, {
            name: "Hospital wing",
            description: "New wing",
            builder: "Builders Ltd",
            ownerId: 5,
            projectTypeId: 1,
            database: { newFromTemplate: "dev-template", name: "wing-db" },
            adopt,
          });
          new pkg.DrofusProjectUser(`${p}lead`, {
            projectId: project.projectId,
            username: "ingrid.solberg",
            firstName: "Ingrid",
            lastName: "Solberg",
            email: "ingrid@arch.example",
            rights: { room: "full", equipment: "read" },
            adopt,
          });
        }
      },
    resources: 2,
    async holds(admin) {
      const st = await admin.state<DrofusState>();
      const wing = st.projects.find((p) => p.name === "Hospital wing");
      return { wing: wing?.active, members: st.projectUsers.filter((m) => m.project_id === wing?.id).map((m) => m.username) };
    },
  },
  {
    app: "scenari",
    sandbox: () => createScenariSandbox(),
    program:
      ({ adopt, prefixes = [""] }) =>
      async () => {
        for (const p of prefixes) {
          const authors = new pkg.ScenariGroup(`${p}authors`, { account: "authors", groupName: "Auteurs", adopt });
          const alice = new pkg.ScenariUser(`${p}alice`, { account: "alice", firstName: "Alice", groups: [authors.account], adopt });
          new pkg.ScenariWorkspace(`${p}course`, {
            alias: "algebra",
            title: "Algèbre 1",
            model: { key: "Opale", version: "5", lang: "fr-FR" },
            roles: pulumi
              .all([authors.account, alice.account])
              .apply(([group, author]) => ({ [group]: { allowed: ["main:author"] }, [author]: { allowed: ["main:reader"] } })),
            adopt,
          });
        }
      },
    resources: 3,
    async holds(admin) {
      const st = await admin.state<ScenariState>();
      const course = st.wsps.find((w) => w.alias === "algebra");
      return {
        accounts: st.accounts
          .map((a) => a.account)
          .filter((a) => a === "alice" || a === "authors")
          .sort(),
        course: course && !course.trashed,
        roles: course?.roleNodes.find((n) => n.refUri === "")?.entries,
      };
    },
  },
];

/** The same server under another name: `localhost` for `127.0.0.1`, and back. */
function alias(url: string): string {
  return url.includes("//127.0.0.1") ? url.replace("//127.0.0.1", "//localhost") : url.replace("//localhost", "//127.0.0.1");
}

describe.each(cases)("$app: what an object is and who holds it", (c) => {
  // biome-ignore lint/suspicious/noExplicitAny: four applications' states
  let sandbox: Awaited<ReturnType<Sandbox<any>["start"]>>;
  let admin: SandboxAdmin;
  let s: EngineStack;
  let url: string;
  let held: unknown;

  beforeAll(async () => {
    sandbox = await c.sandbox().start();
    admin = new SandboxAdmin(sandbox.url);
    const endpoint = endpointOf(sandbox);
    url = endpoint.url;
    s = await createEngineStack({ config: stackConfig(endpoint) });
    expect((await s.up(c.program({ adopt: false }))).changes).toEqual({ create: c.resources + 1 });
    held = await c.holds(admin);
  });
  afterAll(async () => {
    await s?.cleanup();
    await sandbox?.stop();
  });

  /** Point the stack at the server's other name and check the rename is recorded in place, sending nothing. */
  async function rename(program: Program): Promise<void> {
    url = alias(url);
    await s.stack.setConfig(`${c.app}:url`, { value: url });
    expect((await s.preview(program)).changes).toEqual({ update: c.resources, same: 1 });

    await admin.resetRequests();
    const up = await s.up(program);
    expect(up.changes).toEqual({ update: c.resources, same: 1 });
    expect((await admin.requests()).total).toBe(0);
    await s.previewNoChanges(program);

    const recorded = (await s.resources()).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.outputs?.serverUrl);
    expect(recorded).toEqual(Array(c.resources).fill(url));
    // Refresh reads every object at the new name and finds it.
    expect((await s.refresh()).changes).toEqual({ same: c.resources + 1 });
    expect(await c.holds(admin)).toEqual(held);
  }

  it("is an update in place that sends nothing, and every object stays", async () => {
    await rename(c.program({ adopt: false }));
  });

  it("a renamed URL with adopt on every resource too", async () => {
    await rename(c.program({ adopt: true }));
  });

  const dynamic = (r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/");
  const NOT_DELETED = "is not deleted: another resource of the stack now holds it";

  /** The stack converged: nothing to do, refresh finds every object, and the server holds what it held. */
  async function converged(program: Program): Promise<void> {
    await s.previewNoChanges(program);
    expect((await s.refresh()).changes).toEqual({ same: c.resources + 1 });
    expect(await c.holds(admin)).toEqual(held);
  }

  it("a resource renamed without an alias, adopting its object, keeps it on the server", async () => {
    const renamed = c.program({ adopt: true, prefixes: ["renamed-"] });
    const up = await s.up(renamed);
    expect(up.changes).toEqual({ create: c.resources, delete: c.resources, same: 1 });
    expect(up.stdout).toContain(NOT_DELETED);
    await converged(renamed);
  });

  it("a replacement that adopts its object keeps it on the server", async () => {
    const program = c.program({ adopt: true, prefixes: ["renamed-"] });
    const urns = (await s.resources()).filter(dynamic).map((r) => r.urn);
    const up = await s.up(program, { replace: urns });
    expect(up.changes).toEqual({ replace: c.resources, same: 1 });
    expect(up.stdout).toContain(NOT_DELETED);
    await converged(program);
  });

  it("an object two resources hold stays when one of them goes, in a later up", async () => {
    const both = await s.up(c.program({ adopt: true, prefixes: ["renamed-", "again-"] }));
    expect(both.changes).toEqual({ create: c.resources, same: c.resources + 1 });
    // Another process, and the holder is no new resource: its diff, which runs before any delete, says it holds the object.
    const again = c.program({ adopt: true, prefixes: ["again-"] });
    const up = await s.up(again);
    expect(up.changes).toEqual({ delete: c.resources, same: c.resources + 1 });
    expect(up.stdout).toContain(NOT_DELETED);
    await converged(again);
  });

  it("a resource removed with no other holder is still deleted", async () => {
    const up = await s.up(async () => undefined);
    expect(up.changes).toEqual({ delete: c.resources, same: 1 });
    expect(up.stdout).not.toContain(NOT_DELETED);
    expect(await c.holds(admin)).not.toEqual(held);
  });
});

/**
 * Fess's create is an upsert: two resources declaring one user (or role)
 * both reported "created", the server kept one object with the last
 * password, and removing either later deleted what the other declared.
 */
describe("Fess twins: two resources of one object in one program", () => {
  // biome-ignore lint/suspicious/noExplicitAny: four applications' states
  let sandbox: Awaited<ReturnType<Sandbox<any>["start"]>>;
  let admin: SandboxAdmin;
  let s: EngineStack;
  const PASSWORDS: Record<string, string> = { alice: "Quokka-Meadow-8841", "alice-again": "Heron-Glacier-5127" };
  /** The resources each object is declared by: the role staff, then the user alice. */
  const twins = (roles: string[], users: string[]) => async () => {
    for (const r of roles) new pkg.FessRole(r, { name: "staff" });
    for (const u of users) new pkg.FessUser(u, { name: "alice", password: PASSWORDS[u] as string });
  };
  /** Which resource made each object. */
  const makers: Record<string, string> = {};

  beforeAll(async () => {
    sandbox = await createFessSandbox().start();
    admin = new SandboxAdmin(sandbox.url);
    s = await createEngineStack({ config: stackConfig(endpointOf(sandbox)) });
  });
  afterAll(async () => {
    await s?.cleanup();
    await sandbox?.stop();
  });

  it("the second create of each object fails naming both resources, and the server holds the first's", async () => {
    const output = await failureOutput(() => s.up(twins(["staff", "staff-again"], ["alice", "alice-again"])));
    // Which twin's create ran first is the engine's choice: each object was made by one and refused to the other.
    const refused = new Map<string, [string, string]>();
    for (const m of output.matchAll(
      /resource "([\w-]+)" cannot create (role staff|user alice): resource "([\w-]+)" of this stack made or adopted it/g,
    )) {
      refused.set(m[2] as string, [m[1] as string, m[3] as string]);
    }
    expect([...refused.keys()].sort()).toEqual(["role staff", "user alice"]);
    expect([...(refused.get("role staff") ?? [])].sort()).toEqual(["staff", "staff-again"]);
    expect([...(refused.get("user alice") ?? [])].sort()).toEqual(["alice", "alice-again"]);
    makers.role = refused.get("role staff")?.[1] as string;
    makers.user = refused.get("user alice")?.[1] as string;

    const st = await admin.state<FessState>();
    expect(Object.values(st.roles).filter((r) => r.name === "staff")).toHaveLength(1);
    expect((await admin.op<{ ok: boolean }>("verifyPassword", { name: "alice", password: PASSWORDS[makers.user] })).ok).toBe(true);
    const held = (await s.resources()).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.urn.split("::").pop());
    expect(held.sort()).toEqual([makers.role, makers.user].sort());
  });

  it("declared once, the program converges and the objects stay", async () => {
    const once = twins([makers.role as string], [makers.user as string]);
    expect((await s.up(once)).changes).toEqual({ same: 3 });
    await s.previewNoChanges(once);
    const st = await admin.state<FessState>();
    expect(Object.values(st.roles).filter((r) => r.name === "staff")).toHaveLength(1);
    expect(Object.values(st.users).filter((u) => u.name === "alice")).toHaveLength(1);
  });
});
