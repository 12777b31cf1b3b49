/**
 * dRofus's reader: projects and their members, through the package's client.
 *
 * What dRofus's API cannot tell shapes the program:
 * - a project's builder and type are write-only: they are
 *   left out (not managed), so adopting a project writes nothing;
 * - a member's rights and add-on flags are write-only: they are not declared
 *   (not managed), so adopting a member writes nothing;
 * - the documentation says the project index lists project users but shows
 *   none: when it lists them, they are read from it; otherwise each
 *   (user, project) pair is asked for, users x projects reads.
 */
import type { ResolvedConnection } from "../core/connection";
import { drofusClient, type DrofusProjectRecord } from "../drofus/client";
import { byKey, Ref, type ConfigKey, type Declaration, type GeneratedStack, type LeftOut, type ReadOptions, type Value } from "./model";
import { resourceNames, variableNames } from "./names";

/** The kinds `--only` accepts for dRofus. */
export const DROFUS_KINDS = ["project", "user"] as const;

/** A project's key: its name within its database (names are unique per database, not per server). */
const keyOf = (p: DrofusProjectRecord) => `${String(p.database_id ?? "")}/${p.name}`;

export async function readDrofus(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack> {
  const client = drofusClient(connection);
  const leftOut: LeftOut[] = [];

  options.progress("drofus: reading projects");
  const index = await client.projectIndex();
  const all = [...index.projects].sort(byKey(keyOf));
  options.progress(`drofus: ${all.length} projects; reading users`);
  const users = (await client.users()).sort(byKey((u) => u.username));
  options.progress(`drofus: ${users.length} users`);

  const onlyProjects = options.only.get("project");
  const onlyUsers = options.only.get("user");
  const undescribed = all.filter((p) => !p.description || p.database_id == null || p.owner_id == null);
  if (undescribed.length > 0) {
    leftOut.push({
      what: "projects without a description, database or owner",
      why: "DrofusProject requires them (dRofus refuses to create a project without a description)",
      names: undescribed.map(keyOf),
    });
  }
  const projects = all.filter((p) => !undescribed.includes(p) && (!onlyProjects || onlyProjects.has(p.name) || onlyProjects.has(keyOf(p))));
  const self = connection.username;
  const candidates = users.filter((u) => (!onlyUsers || onlyUsers.has(u.username)) && (options.includeBuiltin || u.username !== self));
  if (!options.includeBuiltin && self !== undefined && users.some((u) => u.username === self)) {
    leftOut.push({
      what: "the generator's own account's memberships",
      why: "the stack logs in with it (--include-builtin keeps them)",
      names: [self],
    });
  }

  // Sequential on purpose: the HTTP layer caps concurrency per origin anyway, and progress stays readable.
  const members: { project: DrofusProjectRecord; username: string; superuser: boolean | null }[] = [];
  const unlisted = projects.filter((p) => index.members?.get(p.id) === undefined);
  const pairs = unlisted.length * candidates.length;
  let asked = 0;
  for (const project of projects) {
    const listed = index.members?.get(project.id);
    for (const user of candidates) {
      const m = listed ? listed.find((l) => l.username === user.username) : await client.projectUser(user.username, project.id);
      if (m) members.push({ project, username: m.username, superuser: m.superuser ?? null });
      if (!listed && (++asked % 50 === 0 || asked === pairs)) options.progress(`drofus: memberships ${asked}/${pairs} pairs asked`);
    }
  }

  const projectNames = resourceNames(projects.map(keyOf));
  const projectVars = variableNames(
    "project",
    projects.map((p) => p.name),
  );
  const varOf = (p: DrofusProjectRecord) => projectVars.get(p.name)!;
  // dRofus's own key of a membership is `username,projectId`: short, and stable for the project's life.
  const memberKey = (m: { username: string; project: DrofusProjectRecord }) => `${m.username}@${m.project.id}`;
  const memberNames = resourceNames(members.map(memberKey));
  const configKeys: ConfigKey[] = [
    { key: "drofus:url", secret: false, why: "the dRofus admin site" },
    { key: "drofus:username", secret: false, why: "an admin-system account" },
    { key: "drofus:password", secret: true, why: "its password" },
  ];
  const projectDecls: Declaration[] = projects.map((p) => {
    const v = varOf(p);
    return {
      className: "DrofusProject",
      resourceName: projectNames.get(keyOf(p))!,
      variable: v,
      args: {
        name: p.name,
        number: p.no ? p.no : undefined,
        description: p.description!,
        ownerId: p.owner_id!,
        database: { existing: String(p.database_id) },
        // `active` defaults to true: an inactive project must say so.
        active: p.active === false ? false : undefined,
        adopt: true,
      },
    };
  });
  const memberDecls: Declaration[] = members.map((m) => ({
    className: "DrofusProjectUser",
    resourceName: memberNames.get(memberKey(m))!,
    args: {
      projectId: new Ref(varOf(m.project), "projectId"),
      username: m.username,
      ...(m.superuser === null ? {} : { superuser: m.superuser }),
      adopt: true,
    } satisfies Record<string, Value>,
  }));

  return {
    app: "drofus",
    sections: [
      { title: "Projects", declarations: projectDecls },
      { title: "Project members", declarations: memberDecls },
    ],
    configKeys,
    leftOut,
    counts: { projects: projectDecls.length, members: memberDecls.length },
    notes: [
      "Projects' builder and type (`projectTypeId`) are write-only in dRofus: they are not declared, hence not managed, and adoption writes nothing. Declare them to manage them; the next `pulumi up` sends them.",
      "Members' rights (room, equipment, ...) and add-on flags are write-only in dRofus: they are not declared, hence not managed. Declare `rights` on a member to manage them; the next `pulumi up` sends them.",
      "Users' names and email addresses belong to the user, shared by all projects: they are not declared on memberships.",
    ],
  };
}
