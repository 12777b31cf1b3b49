/**
 * An IUT's ScoDoc: two departements, the roles its staff hold, and the people
 * holding them. Server and admin credentials come from the stack config:
 *
 *   pulumi config set scodoc:url https://scodoc.iut.example
 *   pulumi config set scodoc:username pulumi-admin
 *   pulumi config set --secret scodoc:password ...
 *   pulumi config set --secret directorPassword ...
 */
import * as pulumi from "@pulumi/pulumi";
import { ScodocDepartement, ScodocRole, ScodocUser } from "pulumi-access-as-code";

const config = new pulumi.Config();

const rt = new ScodocDepartement("rt", { acronym: "RT" });
const geii = new ScodocDepartement("geii", { acronym: "GEII", visible: true });

const teacher = new ScodocRole("teacher", {
  name: "Enseignant",
  permissions: ["ScoView", "EnsView", "AbsChange", "AbsAddBillet", "EtudAddAnnotations", "UsersView"],
});
const secretary = new ScodocRole("secretary", {
  name: "Scolarite",
  permissions: ["ScoView", "AbsChange", "AbsAddBillet", "EtudChangeAdr", "EtudInscrit", "UsersView", "EditApogee"],
});
const head = new ScodocRole("head", {
  name: "ChefDept",
  permissions: ["ScoView", "EnsView", "EditFormation", "EditFormSemestre", "EditPreferences", "UsersAdmin", "UsersView"],
});

export const director = new ScodocUser("director", {
  userName: "m.durand",
  nom: "Durand",
  prenom: "Marie",
  email: "marie.durand@iut.example",
  dept: rt.acronym,
  password: config.requireSecret("directorPassword"),
  // Head of RT, teaching in both departements.
  roles: [
    { role: head.name, departement: rt.acronym },
    { role: teacher.name, departement: rt.acronym },
    { role: teacher.name, departement: geii.acronym },
  ],
});

for (const [login, nom, prenom, dept] of [
  ["j.martin", "Martin", "Jean", rt],
  ["a.petit", "Petit", "Amina", geii],
] as const) {
  new ScodocUser(login, {
    userName: login,
    nom,
    prenom,
    dept: dept.acronym,
    roles: [{ role: teacher.name, departement: dept.acronym }],
  });
}

new ScodocUser("secretariat-rt", {
  userName: "scol.rt",
  nom: "Scolarité",
  prenom: "RT",
  dept: rt.acronym,
  roles: [{ role: secretary.name, departement: rt.acronym }],
  // The account keeps its history in ScoDoc: deactivate it rather than leave it active when removed.
  deletionPolicy: "deactivate",
});

export const departements = [rt.deptId, geii.deptId];
