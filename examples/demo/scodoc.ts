/**
 * The ScoDoc part of the demo: an IUT with two departements, the roles its
 * staff hold, and people holding them across departements.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ScodocDepartement, ScodocRole, ScodocUser } from "pulumi-access-as-code";

export function scodoc(config: pulumi.Config) {
  const rt = new ScodocDepartement("rt", { acronym: "RT" });
  const geii = new ScodocDepartement("geii", { acronym: "GEII" });

  const teacher = new ScodocRole("teacher", {
    name: "Enseignant",
    permissions: ["ScoView", "EnsView", "AbsChange", "AbsAddBillet", "EtudAddAnnotations", "UsersView"],
  });
  const secretary = new ScodocRole("secretary", {
    name: "Scolarite",
    permissions: ["ScoView", "AbsChange", "AbsAddBillet", "EtudChangeAdr", "EtudInscrit", "UsersView"],
  });
  const head = new ScodocRole("head", {
    name: "ChefDept",
    permissions: ["ScoView", "EnsView", "EditFormation", "EditFormSemestre", "EditPreferences", "UsersAdmin", "UsersView"],
  });

  const director = new ScodocUser("m-durand", {
    userName: "m.durand",
    nom: "Durand",
    prenom: "Marie",
    email: "marie.durand@iut.example",
    dept: rt.acronym,
    password: config.requireSecret("directorPassword"),
    roles: [
      { role: head.name, departement: rt.acronym },
      { role: teacher.name, departement: rt.acronym },
      { role: teacher.name, departement: geii.acronym },
    ],
  });
  new ScodocUser("j-martin", {
    userName: "j.martin",
    nom: "Martin",
    prenom: "Jean",
    dept: rt.acronym,
    roles: [{ role: teacher.name, departement: rt.acronym }],
  });
  new ScodocUser("a-petit", {
    userName: "a.petit",
    nom: "Petit",
    prenom: "Amina",
    dept: geii.acronym,
    roles: [{ role: teacher.name, departement: geii.acronym }],
  });
  new ScodocUser("scol-rt", {
    userName: "scol.rt",
    nom: "Scolarité",
    prenom: "RT",
    dept: rt.acronym,
    roles: [{ role: secretary.name, departement: rt.acronym }],
  });
  new ScodocUser("scol-geii", {
    userName: "scol.geii",
    nom: "Scolarité",
    prenom: "GEII",
    dept: geii.acronym,
    roles: [{ role: secretary.name, departement: geii.acronym }],
  });

  return { scodocDirectorId: director.userId };
}
