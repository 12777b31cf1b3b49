/**
 * Scenari's reader: groups, users and workspaces with their root role maps,
 * read through the package's own client.
 */
import type { ResolvedConnection } from "../core/connection";
import { typeOf, textOf, setOf } from "../scenari/accounts";
import { scenariClient, type ScenariAccountRecord, type ScenariWorkspaceRecord } from "../scenari/client";
import { roleMapFromServer } from "../scenari/roleMap";
import { byKey, Ref, type Declaration, type GeneratedStack, type LeftOut, type ReadOptions, type Value } from "./model";
import { resourceNames, variableNames } from "./names";

/** The kinds `--only` accepts for Scenari. */
export const SCENARI_KINDS = ["group", "user", "workspace"] as const;

/** Parents first, then by name: a group's declaration refers to its parents' resources, declared above it. */
function parentsFirst(groups: readonly ScenariAccountRecord[]): ScenariAccountRecord[] {
  const pending = new Map(groups.map((g) => [g.account, g]));
  const out: ScenariAccountRecord[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((g) => setOf(g.groups).every((p) => !pending.has(p) || p === g.account));
    // The server refuses cycles; should one exist anyway, the rest is written in name order rather than looping.
    const next = ready.length > 0 ? ready : [...pending.values()];
    for (const g of next) {
      out.push(g);
      pending.delete(g.account);
    }
  }
  return out;
}

/** A workspace's key: its alias on a database backend, its code on a file system. */
function keyOf(w: ScenariWorkspaceRecord): string | undefined {
  return w.backEnd === "fs" ? w.wspCd : (w.alias ?? undefined);
}

export async function readScenari(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack> {
  const client = scenariClient(connection);
  const keep = (kind: string, key: string) => options.only.get(kind)?.has(key) ?? true;
  const leftOut: LeftOut[] = [];

  options.progress("scenari: reading accounts");
  const accounts = (await client.listAccounts()).sort(byKey((a) => a.account));
  options.progress(`scenari: ${accounts.length} accounts (hidden system accounts are not listed); reading workspaces`);
  const allWsps = (await client.listWorkspaces()).filter((w) => !w.trashed);
  const self = connection.username;
  const builtin = (a: ScenariAccountRecord) => a.isReadOnly === true || a.account === self;
  const dropped = accounts.filter((a) => !options.includeBuiltin && builtin(a)).map((a) => a.account);
  if (dropped.length > 0) {
    leftOut.push({
      what: "system and own accounts",
      why: "read-only accounts belong to the server, and the stack logs in with its own (--include-builtin keeps them)",
      names: dropped,
    });
  }
  const kept = accounts.filter((a) => options.includeBuiltin || !builtin(a));
  const groups = parentsFirst(kept.filter((a) => typeOf(a) === "group" && keep("group", a.account)));
  const users = kept.filter((a) => typeOf(a) === "user" && keep("user", a.account));

  const unkeyed = allWsps.filter((w) => keyOf(w) === undefined).map((w) => w.wspCd);
  if (unkeyed.length > 0)
    leftOut.push({
      what: "workspaces without an alias",
      why: "a ScenariWorkspace on a database backend is known by its alias; give them one in Scenari",
      names: unkeyed,
    });
  const wsps = allWsps.filter((w) => keyOf(w) !== undefined && keep("workspace", keyOf(w)!)).sort(byKey((w) => keyOf(w)!));

  const total = wsps.length;
  const roleMaps = new Map<string, ReturnType<typeof roleMapFromServer>>();
  for (const [i, w] of wsps.entries()) {
    roleMaps.set(w.wspCd, roleMapFromServer(await client.roles(w.wspCd)));
    if ((i + 1) % 10 === 0 || i + 1 === total) options.progress(`scenari: role maps ${i + 1}/${total}`);
  }

  const groupNames = resourceNames(groups.map((g) => g.account));
  const groupVars = variableNames(
    "group",
    groups.map((g) => g.account),
  );
  const userNames = resourceNames(users.map((u) => u.account));
  const userVars = variableNames(
    "user",
    users.map((u) => u.account),
  );
  const wspNames = resourceNames(wsps.map((w) => keyOf(w)!));
  const groupRef = (account: string): Value => {
    const v = groupVars.get(account);
    return v ? new Ref(v, "account") : account;
  };
  // Sets: written sorted, so that the output does not depend on the server's order.
  const sorted = (values: readonly string[] | null | undefined) => setOf(values).sort(byKey((s: string) => s));

  const groupDecls: Declaration[] = groups.map((g) => ({
    className: "ScenariGroup",
    resourceName: groupNames.get(g.account)!,
    variable: groupVars.get(g.account)!,
    args: {
      account: g.account,
      groupName: textOf(g.groupName) ?? undefined,
      email: textOf(g.email) ?? undefined,
      // Memberships and global roles are access: always declared, so the program owns them.
      groups: sorted(g.groups).map(groupRef),
      grantedRoles: sorted(g.grantedRoles),
      adopt: true,
    },
  }));
  const userDecls: Declaration[] = users.map((u) => {
    const nickNames = sorted(u.nickNames);
    return {
      className: "ScenariUser",
      resourceName: userNames.get(u.account)!,
      variable: userVars.get(u.account)!,
      args: {
        account: u.account,
        firstName: textOf(u.firstName) ?? undefined,
        lastName: textOf(u.lastName) ?? undefined,
        email: textOf(u.email) ?? undefined,
        nickNames: nickNames.length > 0 ? nickNames : undefined,
        groups: sorted(u.groups).map(groupRef),
        grantedRoles: sorted(u.grantedRoles),
        // `disabled` defaults to false in the resource: a disabled account must say so.
        disabled: u.isDisabled === true ? true : undefined,
        adopt: true,
      },
    };
  });
  const wspDecls: Declaration[] = wsps.map((w) => {
    const fs = w.backEnd === "fs";
    const roles = roleMaps.get(w.wspCd) ?? {};
    // A role map is keyed by account names, which cannot be outputs: dependsOn orders the creates instead.
    const waits = Object.keys(roles)
      .map((a) => groupVars.get(a) ?? userVars.get(a))
      .filter((v): v is string => v !== undefined);
    const flag = (name: string) => (w.props[name] === undefined ? undefined : w.props[name] === "true");
    const { wspType, wspOptions } = w.model;
    const args: Record<string, Value | undefined> = {
      ...(fs ? { code: w.wspCd } : { alias: w.alias ?? undefined }),
      title: w.title,
      description: w.props.desc ? w.props.desc : undefined,
      model: {
        key: wspType.key,
        ...(wspType.version ? { version: wspType.version } : {}),
        ...(wspType.lang ? { lang: wspType.lang } : {}),
        options: [...new Set(wspOptions.map((o) => o.key))].sort(byKey((s: string) => s)),
      },
      skins: !fs && w.skins.length > 0 ? [...w.skins].sort(byKey((s: string) => s)) : undefined,
      publicWsp: fs ? undefined : flag("publicWsp"),
      airIt: fs ? undefined : flag("airIt"),
      extIt: fs ? undefined : flag("extIt"),
      mirror: fs ? undefined : flag("mirror"),
      // The root role map is authoritative when declared: always written, even empty.
      roles: Object.fromEntries(
        Object.entries(roles).map(
          ([account, e]) => [account, e.denied ? { allowed: e.allowed, denied: e.denied } : { allowed: e.allowed }] as [string, Value],
        ),
      ),
      adopt: true,
    };
    return {
      className: "ScenariWorkspace",
      resourceName: wspNames.get(keyOf(w)!)!,
      args,
      ...(waits.length > 0 ? { dependsOn: [...new Set(waits)] } : {}),
    };
  });

  return {
    app: "scenari",
    sections: [
      { title: "Groups", declarations: groupDecls },
      { title: "Users", declarations: userDecls },
      { title: "Workspaces and their root role maps", declarations: wspDecls },
    ],
    configKeys: [
      { key: "scenari:url", secret: false, why: "the Scenari server" },
      { key: "scenari:username", secret: false, why: "an administrator account" },
      { key: "scenari:password", secret: true, why: "its password" },
    ],
    leftOut,
    counts: { groups: groupDecls.length, users: userDecls.length, workspaces: wspDecls.length },
    notes: [
      "Passwords: Scenari never returns them, and a user's password input is optional, so none is declared; add `password: config.requireSecret(...)` to a user to manage it.",
      "Only each workspace's root role map is declared; role maps on spaces inside a workspace are left as they are.",
      "Workspaces in the trash are not declared.",
    ],
  };
}
