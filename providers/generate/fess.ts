/**
 * Fess's reader: roles, groups and users, through the package's client (the
 * list endpoints give whole records, so three paged reads suffice).
 *
 * Passwords: Fess needs one to create a user, but never returns it. An
 * adopted user exists, so the program declares none; the generated README
 * says to add one (from a stack secret) before a user could ever need
 * re-creating, e.g. after it is deleted behind Pulumi's back.
 */
import type { ResolvedConnection } from "../core/connection";
import { fessClient, nameOfFessId, type FessNamedSetting, type FessUserSetting } from "../fess/client";
import { byKey, Ref, type Declaration, type GeneratedStack, type LeftOut, type ReadOptions, type Value } from "./model";
import { resourceNames, variableNames } from "./names";

/** The kinds `--only` accepts for Fess. */
export const FESS_KINDS = ["role", "group", "user"] as const;

/** What a fresh Fess holds (its `role.bulk` and `user.bulk`). */
const BUILTIN = { role: new Set(["admin", "guest"]), group: new Set<string>(), user: new Set(["admin"]) };

function attributesOf(setting: FessNamedSetting): Value | undefined {
  const entries = Object.entries(setting.attributes).sort(byKey(([k]) => k));
  // Empty: left undeclared (unmanaged), like an empty field elsewhere.
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export async function readFess(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack> {
  const client = fessClient(connection);
  const keep = (kind: keyof typeof BUILTIN, name: string) =>
    (options.only.get(kind)?.has(name) ?? true) && (options.includeBuiltin || !BUILTIN[kind].has(name));
  const leftOut: LeftOut[] = [];

  options.progress("fess: reading roles");
  const allRoles = (await client.list("role")).sort(byKey((r) => r.name));
  options.progress(`fess: ${allRoles.length} roles; reading groups`);
  const allGroups = (await client.list("group")).sort(byKey((g) => g.name));
  options.progress(`fess: ${allGroups.length} groups; reading users`);
  const allUsers = (await client.list("user")).sort(byKey((u) => u.name));
  options.progress(`fess: ${allUsers.length} users`);

  const builtin = [
    ...allRoles.map((r) => ["role", r.name] as const),
    ...allGroups.map((g) => ["group", g.name] as const),
    ...allUsers.map((u) => ["user", u.name] as const),
  ]
    .filter(([kind, name]) => !options.includeBuiltin && BUILTIN[kind].has(name))
    .map(([kind, name]) => `${kind} ${name}`);
  if (builtin.length > 0)
    leftOut.push({ what: "built-in objects", why: "every Fess installs them (--include-builtin keeps them)", names: builtin });

  const roles = allRoles.filter((r) => keep("role", r.name));
  const groups = allGroups.filter((g) => keep("group", g.name));
  const users = allUsers.filter((u) => keep("user", u.name));

  const roleVars = variableNames(
    "role",
    roles.map((r) => r.name),
  );
  const groupVars = variableNames(
    "group",
    groups.map((g) => g.name),
  );
  const roleNames = resourceNames(roles.map((r) => r.name));
  const groupNames = resourceNames(groups.map((g) => g.name));
  const userNames = resourceNames(users.map((u) => u.name));

  /** Names the held ids encode, as outputs where declared; undefined when an id encodes no name (set by hand). */
  const held = (ids: readonly string[] | undefined, vars: Map<string, string>): Value[] | undefined => {
    const names = [...new Set(ids ?? [])].map(nameOfFessId);
    if (names.some((n) => n === undefined)) return undefined;
    return (names as string[]).sort(byKey((n: string) => n)).map((n) => (vars.has(n) ? new Ref(vars.get(n)!, "name") : n));
  };
  const unmanaged: string[] = [];

  const named =
    (className: string, namesOf: Map<string, string>, vars: Map<string, string>) =>
    (s: FessNamedSetting): Declaration => ({
      className,
      resourceName: namesOf.get(s.name)!,
      variable: vars.get(s.name)!,
      args: { name: s.name, attributes: attributesOf(s), adopt: true },
    });
  const userDecl = (u: FessUserSetting): Declaration => {
    const userRoles = held(u.roles, roleVars);
    const userGroups = held(u.groups, groupVars);
    if (!userRoles || !userGroups) unmanaged.push(u.name);
    return {
      className: "FessUser",
      resourceName: userNames.get(u.name)!,
      // Authoritative when declared: the program owns every role and group of the user.
      args: { name: u.name, attributes: attributesOf(u), roles: userRoles, groups: userGroups, adopt: true },
    };
  };
  const userDecls = users.map(userDecl);
  if (unmanaged.length > 0) {
    leftOut.push({
      what: "roles or groups of users holding an id that encodes no name",
      why: "declaring them would drop that id; fix it in Fess, then declare them",
      names: unmanaged,
    });
  }

  return {
    app: "fess",
    sections: [
      { title: "Roles", declarations: roles.map(named("FessRole", roleNames, roleVars)) },
      { title: "Groups", declarations: groups.map(named("FessGroup", groupNames, groupVars)) },
      { title: "Users and the roles and groups they hold", declarations: userDecls },
    ],
    configKeys: [
      { key: "fess:url", secret: false, why: "the Fess server" },
      { key: "fess:token", secret: true, why: "an access token with the admin-api permission" },
    ],
    leftOut,
    counts: { roles: roles.length, groups: groups.length, users: users.length },
    notes: [
      "Passwords: Fess never returns them. Adopted users exist, so none is declared; but Fess cannot create a user without one, so give a user `password: config.requireSecret(...)` before it may need re-creating (deleted in Fess, or renamed in the program).",
      "Attributes left empty on the server are not declared, hence not managed.",
    ],
  };
}
