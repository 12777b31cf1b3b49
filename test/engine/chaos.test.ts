/**
 * Fess and Scenari under the real Pulumi CLI against a server that
 * misbehaves (503, 429 with Retry-After, connection resets, some of them
 * after the change was made, latency jitter): the same chaos as ScoDoc's and
 * dRofus's in faults.test.ts. Both applications have creates that cannot be
 * replayed blindly (Fess's create overwrites, Scenari's answers a conflict
 * or, for a workspace, makes a second one), so an `up` must converge in a
 * single run to exactly the declaration, checked against the sandbox's own
 * state, with nothing duplicated or left behind.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SandboxAdmin } from "../../sandbox/core/admin";
import type { FaultConfig, FaultRule } from "../../sandbox/core/faults";
import { endpointOf, type Sandbox } from "../../sandbox/core/server";
import { createFessSandbox } from "../../sandbox/fess";
import type { FessState } from "../../sandbox/fess/state";
import { createScenariSandbox, type ScenariState } from "../../sandbox/scenari";
import { createEngineStack, pkg, pulumi, type EngineStack } from "../support/engine";
import { stackConfig } from "../support/stackConfig";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Random faults on every route, plus the targeted ones a test names. */
function chaos(seed: number, rules: readonly FaultRule[]): FaultConfig {
  return { seed, jitterMs: 15, errorRate: 0.05, rateLimitedRate: 0.05, retryAfterSeconds: 1, resetRate: 0.02, rules };
}

/** A started sandbox with its admin channel and its state before the test, and a stack on it; all removed after the test. */
async function start<S>(sandbox: Sandbox<S>): Promise<{ admin: SandboxAdmin; seed: S; stack: EngineStack }> {
  const started = await sandbox.start();
  cleanups.push(() => started.stop());
  const admin = new SandboxAdmin(started.url);
  const seed = await admin.state<S>();
  const stack = await createEngineStack({ config: stackConfig(endpointOf(started)) });
  cleanups.push(() => stack.cleanup());
  return { admin, seed, stack };
}

/** The run was not a quiet one that proves nothing: faults happened, some of them after the server made the change. */
async function expectFaults(admin: SandboxAdmin, atLeast: number): Promise<void> {
  const log = await admin.requests();
  expect(log.faults).toBeGreaterThan(atLeast);
  expect(log.entries.filter((e) => e.fault?.includes("after the change")).length).toBeGreaterThanOrEqual(3);
}

const sorted = (xs: Iterable<string>) => [...xs].sort();
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("Fess under chaos, through the real Pulumi CLI", () => {
  const roles = names("chaos-role-", 4);
  const groups = names("chaos-group-", 4);
  const users = names("chaos.user", 48);
  const userRoles = (i: number) => sorted([roles[i % roles.length] as string, roles[(i + 1) % roles.length] as string]);
  const userGroup = (i: number) => groups[i % groups.length] as string;

  const program = async () => {
    const r = roles.map((name) => new pkg.FessRole(name, { name }));
    const g = groups.map((name) => new pkg.FessGroup(name, { name, attributes: { gidNumber: "5200" } }));
    users.forEach((name, i) => {
      new pkg.FessUser(name, {
        name,
        password: `Chaos-${i}-Pelican-Drift!`,
        roles: [r[i % r.length]!.name, r[(i + 1) % r.length]!.name],
        groups: [g[i % g.length]!.name],
      });
    });
  };

  it("an up converges in a single run, and the server holds exactly the declaration", async () => {
    const { admin, seed, stack } = await start(
      createFessSandbox({
        faults: chaos(11, [
          { method: "POST", path: "^/api/admin/role/setting$", reset: true, after: true, times: 1 },
          { method: "POST", path: "^/api/admin/group/setting$", reset: true, after: true, times: 1 },
          { method: "POST", path: "^/api/admin/user/setting$", reset: true, after: true, times: 4 },
          { method: "POST", path: "^/api/admin/user/setting$", status: 503, after: true, times: 2 },
        ]),
      }),
    );
    const up = await stack.up(program);
    expect(up.changes).toEqual({ create: roles.length + groups.length + users.length + 1 });
    await expectFaults(admin, 10);

    const st = await admin.state<FessState>();
    const nameOf = (kind: "roles" | "groups", id: string) => st[kind][id]?.name ?? `unknown ${id}`;
    expect(sorted(Object.values(st.roles).map((r) => r.name))).toEqual(sorted([...Object.values(seed.roles).map((r) => r.name), ...roles]));
    expect(sorted(Object.values(st.groups).map((g) => g.name))).toEqual(
      sorted([...Object.values(seed.groups).map((g) => g.name), ...groups]),
    );
    expect(sorted(Object.values(st.users).map((u) => u.name))).toEqual(sorted([...Object.values(seed.users).map((u) => u.name), ...users]));
    for (const [i, name] of users.entries()) {
      const user = Object.values(st.users).find((u) => u.name === name);
      expect(sorted((user?.roles ?? []).map((id) => nameOf("roles", id))), name).toEqual(userRoles(i));
      expect(
        (user?.groups ?? []).map((id) => nameOf("groups", id)),
        name,
      ).toEqual([userGroup(i)]);
      expect((await admin.op<{ ok: boolean }>("verifyPassword", { name, password: `Chaos-${i}-Pelican-Drift!` })).ok, name).toBe(true);
    }
    await stack.previewNoChanges(program);
  }, 240_000);
});

describe("Scenari under chaos, through the real Pulumi CLI", () => {
  const groups = names("chaos-group-", 4);
  const users = names("chaos-user-", 40);
  const workspaces = names("chaos-course-", 4);
  const groupOf = (i: number) => groups[i % groups.length] as string;

  const program = async () => {
    const g = groups.map((account) => new pkg.ScenariGroup(account, { account, groupName: account, grantedRoles: ["main:reader"] }));
    const u = users.map(
      (account, i) =>
        new pkg.ScenariUser(account, {
          account,
          firstName: "Chaos",
          lastName: account,
          password: `Chaos-${i}-Osprey-Lantern!`,
          groups: [g[i % g.length]!.account],
        }),
    );
    workspaces.forEach((alias, i) => {
      new pkg.ScenariWorkspace(alias, {
        alias,
        title: `Course ${i}`,
        model: { key: "Opale", version: "5", lang: "fr-FR" },
        roles: pulumi.all([u[i]!.account, g[i % g.length]!.account]).apply(([author, readers]) => ({
          [author]: { allowed: ["main:author"] },
          [readers]: { allowed: ["main:reader"] },
        })),
      });
    });
  };

  it("an up converges in a single run, and the server holds exactly the declaration", async () => {
    const { admin, seed, stack } = await start(
      createScenariSandbox({
        faults: chaos(13, [
          // Account creates and updates, and workspace creates: made, then the connection drops.
          { method: "POST", path: "/adminUsers$", reset: true, after: true, times: 4 },
          { method: "PUT", path: "/adminWsp$", reset: true, after: true, times: 2 },
          { method: "POST", path: "/wspSrc$", status: 503, after: true, times: 2 },
        ]),
      }),
    );
    const up = await stack.up(program);
    expect(up.changes).toEqual({ create: groups.length + users.length + workspaces.length + 1 });
    await expectFaults(admin, 5);

    const st = await admin.state<ScenariState>();
    const seeded = new Set(seed.accounts.map((a) => a.account));
    const made = st.accounts.filter((a) => !seeded.has(a.account));
    expect(sorted(made.map((a) => `${a.userType} ${a.account}`))).toEqual(
      sorted([...groups.map((g) => `group ${g}`), ...users.map((u) => `user ${u}`)]),
    );
    for (const [i, account] of users.entries()) {
      expect(made.find((a) => a.account === account)?.groups, account).toEqual([groupOf(i)]);
    }
    const wsps = st.wsps.filter((w) => !w.trashed && !seed.wsps.some((s) => s.wspCd === w.wspCd));
    expect(sorted(wsps.map((w) => `${w.alias} ${w.title}`))).toEqual(sorted(workspaces.map((alias, i) => `${alias} Course ${i}`)));
    for (const [i, alias] of workspaces.entries()) {
      const root = wsps.find((w) => w.alias === alias)?.roleNodes.find((n) => n.refUri === "");
      const entries = (root?.entries ?? []).map((e) => `${e.account}: ${sorted(e.allowedRoles ?? []).join(" ")}`);
      expect(sorted(entries), alias).toEqual(sorted([`${users[i]}: main:author`, `${groupOf(i)}: main:reader`]));
    }
    await stack.previewNoChanges(program);
  }, 240_000);
});
