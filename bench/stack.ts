/**
 * The benchmark's Pulumi program, run by the real CLI from a generated
 * project (bench/run.ts). It loads the package by name, from its build
 * output, as a consumer's stack does.
 */
import {
  DROFUS_PROJECT,
  DROFUS_RIGHTS,
  SCENARI_MODEL,
  drofusDeclaration,
  fessDeclaration,
  scenariDeclaration,
  scodocDeclaration,
} from "./declaration";

const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const pkg = require("pulumi-access-as-code") as typeof import("../providers/index");

const config = new pulumi.Config();
const decl = scodocDeclaration(config.requireNumber("n"));

const depts = new Map(decl.departements.map((acronym) => [acronym, new pkg.ScodocDepartement(acronym, { acronym })]));
const roles = new Map(decl.roles.map((name) => [name, new pkg.ScodocRole(name, { name, permissions: decl.permissions })]));
for (const u of decl.users) {
  new pkg.ScodocUser(u.userName, {
    userName: u.userName,
    nom: u.nom,
    prenom: u.prenom,
    // Outputs, not strings: the engine then creates a user after what it names.
    dept: depts.get(u.dept)?.acronym ?? u.dept,
    password: u.password,
    roles: u.grants.map((g) => ({
      role: roles.get(g.role)?.name ?? g.role,
      departement: depts.get(g.departement)?.acronym ?? g.departement,
    })),
  });
}

if (config.getBoolean("drofus")) {
  const d = drofusDeclaration(config.requireNumber("n"));
  const projects = new Map(
    d.projects.map((p, i) => [
      p.name,
      new pkg.DrofusProject(`project${i}`, {
        name: p.name,
        description: DROFUS_PROJECT.description,
        builder: DROFUS_PROJECT.constructor,
        ownerId: DROFUS_PROJECT.ownerId,
        projectTypeId: DROFUS_PROJECT.projectTypeId,
        database: { newFromTemplate: DROFUS_PROJECT.template, name: p.database },
      }),
    ]),
  );
  for (const m of d.members) {
    const project = projects.get(m.project);
    if (!project) throw new Error(`bench: no project ${m.project}`);
    new pkg.DrofusProjectUser(m.username, {
      projectId: project.projectId,
      username: m.username,
      firstName: m.firstName,
      lastName: m.lastName,
      email: m.email,
      rights: { ...DROFUS_RIGHTS },
    });
  }
}

if (config.getBoolean("fess")) {
  const f = fessDeclaration(config.requireNumber("n"));
  const roles = new Map(f.roles.map((name) => [name, new pkg.FessRole(`fess-${name}`, { name })]));
  const groups = new Map(
    f.groups.map((g) => [g.name, new pkg.FessGroup(`fess-${g.name}`, { name: g.name, attributes: { gidNumber: g.gidNumber } })]),
  );
  for (const u of f.users) {
    new pkg.FessUser(`fess-${u.name}`, {
      name: u.name,
      password: u.password,
      roles: u.roles.map((r) => roles.get(r)?.name ?? r),
      groups: u.groups.map((g) => groups.get(g)?.name ?? g),
    });
  }
}

if (config.getBoolean("scenari")) {
  const s = scenariDeclaration(config.requireNumber("n"));
  const groups = new Map(s.groups.map((account) => [account, new pkg.ScenariGroup(`scenari-${account}`, { account, groupName: account })]));
  const users = new Map(
    s.users.map((u) => [
      u.account,
      new pkg.ScenariUser(`scenari-${u.account}`, {
        account: u.account,
        firstName: u.firstName,
        lastName: u.lastName,
        password: u.password,
        groups: [groups.get(u.group)?.account ?? u.group],
      }),
    ]),
  );
  for (const w of s.workspaces) {
    // From the accounts' outputs, so that each workspace comes after the accounts its map names.
    const accounts = [...w.authors.map((a) => users.get(a)?.account ?? a), groups.get(w.readers)?.account ?? w.readers];
    new pkg.ScenariWorkspace(`scenari-${w.alias}`, {
      alias: w.alias,
      title: w.title,
      model: { ...SCENARI_MODEL },
      roles: pulumi
        .all(accounts)
        .apply((names) =>
          Object.fromEntries(names.map((name, i) => [name, { allowed: [i < w.authors.length ? "main:author" : "main:reader"] }])),
        ),
    });
  }
}
