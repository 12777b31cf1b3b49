/**
 * The benchmark's Pulumi program, run by the real CLI from a generated
 * project (bench/run.ts). It loads the package by name, from its build
 * output, as a consumer's stack does.
 */
import { DROFUS_PROJECT, DROFUS_RIGHTS, drofusDeclaration, scodocDeclaration } from "./declaration";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const pkg = require("pulumi-access-as-code") as typeof import("../providers/index");
/* eslint-enable @typescript-eslint/no-require-imports */

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
    roles: u.grants.map((g) => ({ role: roles.get(g.role)?.name ?? g.role, departement: depts.get(g.departement)?.acronym ?? g.departement })),
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
        constructor: DROFUS_PROJECT.constructor,
        ownerId: DROFUS_PROJECT.ownerId,
        projectTypeId: DROFUS_PROJECT.projectTypeId,
        database: { newFromTemplate: DROFUS_PROJECT.template, name: p.database },
      }),
    ]),
  );
  for (const m of d.members) {
    const project = projects.get(m.project);
    if (!project) throw new Error(`bench: no project ${m.project}`);
    new pkg.DrofusProjectUser(m.username, { projectId: project.projectId, username: m.username, firstName: m.firstName, lastName: m.lastName, email: m.email, rights: { ...DROFUS_RIGHTS } });
  }
}
