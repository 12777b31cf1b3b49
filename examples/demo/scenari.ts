/**
 * The Scenari part of the demo: the IUT's course authors as a group, a few
 * teachers, the students of each departement as groups of readers, and two
 * course workspaces saying who writes and who reads them.
 */
import * as pulumi from "@pulumi/pulumi";
import { ScenariGroup, ScenariUser, ScenariWorkspace } from "pulumi-access-as-code";

export function scenari(config: pulumi.Config) {
  const authors = new ScenariGroup("scenari-authors", {
    account: "iut-authors",
    groupName: "Auteurs de l'IUT",
    email: "pedagogie@iut.example",
    grantedRoles: ["main:reader"],
  });
  const rtStudents = new ScenariGroup("scenari-rt-students", { account: "rt-students", groupName: "Étudiants RT" });
  const geiiStudents = new ScenariGroup("scenari-geii-students", { account: "geii-students", groupName: "Étudiants GEII" });

  // The director logs into Scenari with her ScoDoc password.
  const director = new ScenariUser("scenari-m-durand", {
    account: "m.durand",
    firstName: "Marie",
    lastName: "Durand",
    email: "marie.durand@iut.example",
    groups: [authors.account],
    password: config.requireSecret("directorPassword"),
  });
  const jean = new ScenariUser("scenari-j-martin", {
    account: "j.martin",
    firstName: "Jean",
    lastName: "Martin",
    groups: [authors.account],
  });
  const amina = new ScenariUser("scenari-a-petit", {
    account: "a.petit",
    firstName: "Amina",
    lastName: "Petit",
    groups: [authors.account],
  });

  // The maps are built from the accounts' outputs, so each workspace is created after the accounts it names.
  const networks = new ScenariWorkspace("course-networks", {
    alias: "rt-networks",
    title: "Réseaux locaux (RT, semestre 1)",
    description: "Cours et travaux pratiques",
    model: { key: "Opale", version: "5", lang: "fr-FR", options: ["OpaleExtEmeraude"] },
    roles: pulumi
      .all([jean.account, director.account, authors.account, rtStudents.account])
      .apply(([author, reviewer, everyAuthor, students]) => ({
        [author]: { allowed: ["main:author"] },
        [reviewer]: { allowed: ["main:reader"] },
        [everyAuthor]: { allowed: ["main:reader"] },
        [students]: { allowed: ["main:reader"] },
      })),
  });
  const circuits = new ScenariWorkspace("course-circuits", {
    alias: "geii-circuits",
    title: "Électronique analogique (GEII, semestre 1)",
    model: { key: "Opale", version: "5", lang: "fr-FR" },
    roles: pulumi.all([amina.account, jean.account, geiiStudents.account]).apply(([author, coAuthor, students]) => ({
      [author]: { allowed: ["main:author"] },
      [coAuthor]: { allowed: ["main:author"] },
      [students]: { allowed: ["main:reader"] },
    })),
  });

  return { scenariWorkspaces: [networks.wspCd, circuits.wspCd] };
}
