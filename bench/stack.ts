/**
 * The benchmark's Pulumi program, run by the real CLI from a generated
 * project (bench/run.ts). It loads the package by name, from its build
 * output, as a consumer's stack does.
 */
import { scodocDeclaration } from "./declaration";

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
