/**
 * An architecture firm's hospital project in dRofus: a new database copied
 * from the owner's template, and the four people working in it, each with
 * the rights their job needs. Server and admin credentials come from the
 * stack config:
 *
 *   pulumi config set drofus:url https://adm-us.drofus.com
 *   pulumi config set drofus:username pulumi-admin
 *   pulumi config set --secret drofus:password ...
 *   pulumi config set ownerId 5
 */
import * as pulumi from "@pulumi/pulumi";
import { DrofusProject, DrofusProjectUser, type DrofusRightsArgs } from "pulumi-access-as-code";

const config = new pulumi.Config();

const hospital = new DrofusProject("hospital", {
  name: "St. Olav Hospital, phase 2",
  number: "2024-07",
  description: "New psychiatry wing",
  builder: "Byggmester AS",
  ownerId: config.requireNumber("ownerId"),
  projectTypeId: 1,
  // Read at creation only: the database users type in the client's "Database" login field.
  database: { newFromTemplate: "hospital-template", name: "st-olav-2" },
  // The default: `pulumi destroy` deactivates the project and keeps its data.
  deletionPolicy: "deactivate",
});

// Levels: 1 or "full", 2 or "limited", 3 or "read", 4 or "none".
const architect: DrofusRightsArgs = {
  room: "full",
  equipment: "full",
  tender: "read",
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
const client: DrofusRightsArgs = {
  room: "read",
  equipment: "read",
  tender: "none",
  consignation: "none",
  system: "read",
  modelstore: "none",
};

const team = [
  // The project lead administers the project and its Revit/ArchiCAD configurations.
  {
    username: "ingrid.solberg",
    firstName: "Ingrid",
    lastName: "Solberg",
    email: "ingrid.solberg@arkitekt.example",
    rights: architect,
    superuser: true,
    addonAdmin: true,
  },
  { username: "ola.nordmann", firstName: "Ola", lastName: "Nordmann", email: "ola.nordmann@arkitekt.example", rights: architect },
  { username: "per.hansen", firstName: "Per", lastName: "Hansen", email: "per.hansen@rib.example", rights: engineer },
  // The hospital's representative follows the rooms but edits nothing.
  { username: "kari.lie", firstName: "Kari", lastName: "Lie", email: "kari.lie@stolav.example", rights: client },
];

export const members = team.map(
  (person) =>
    new DrofusProjectUser(person.username, {
      projectId: hospital.projectId,
      ...person,
      // The welcome email (an id from the server's /emails), sent when the member is added.
      mailType: 6,
    }).id,
);

export const projectId = hospital.projectId;
export const databaseName = hospital.databaseName;
