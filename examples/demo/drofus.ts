/**
 * The dRofus part of the demo: the IUT's new building project, copied from
 * the owner's template database, with a team of four at different rights.
 */
import { DrofusProject, DrofusProjectUser, type DrofusRightsArgs } from "pulumi-access-as-code";

export function drofus() {
  const building = new DrofusProject("iut-building", {
    name: "IUT building B, extension",
    number: "2027-03",
    description: "Teaching labs and offices",
    builder: "Bâtiments Publics SA",
    ownerId: 5,
    projectTypeId: 1,
    database: { newFromTemplate: "dev-template", name: "iut-building-b" },
  });

  const planner: DrofusRightsArgs = {
    room: "full",
    equipment: "full",
    tender: "limited",
    consignation: "read",
    system: "limited",
    modelstore: "full",
  };
  const engineer: DrofusRightsArgs = {
    room: "read",
    equipment: "limited",
    tender: "none",
    consignation: "none",
    system: "full",
    modelstore: "read",
  };
  const reader: DrofusRightsArgs = {
    room: "read",
    equipment: "read",
    tender: "none",
    consignation: "none",
    system: "read",
    modelstore: "none",
  };

  const team = [
    {
      username: "claire.moreau",
      firstName: "Claire",
      lastName: "Moreau",
      email: "claire.moreau@archi.example",
      rights: planner,
      superuser: true,
    },
    { username: "hugo.bernard", firstName: "Hugo", lastName: "Bernard", email: "hugo.bernard@archi.example", rights: planner },
    { username: "lea.robert", firstName: "Léa", lastName: "Robert", email: "lea.robert@bet.example", rights: engineer },
    { username: "m.durand", firstName: "Marie", lastName: "Durand", email: "marie.durand@iut.example", rights: reader },
  ];
  for (const person of team) new DrofusProjectUser(`drofus-${person.username}`, { projectId: building.projectId, ...person });

  return { drofusProjectId: building.projectId };
}
