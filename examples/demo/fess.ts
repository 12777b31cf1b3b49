/**
 * The Fess part of the demo: the IUT's search engine, with one role for
 * staff documents and one for students, a group for the library team, and
 * the accounts holding them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FessGroup, FessRole, FessUser } from "pulumi-access-as-code";

export function fess(config: pulumi.Config) {
  const staff = new FessRole("fess-staff", { name: "staff", attributes: { description: "Intranet and committee documents" } });
  const students = new FessRole("fess-students", { name: "students", attributes: { description: "Course material" } });
  const library = new FessGroup("fess-library", { name: "library", attributes: { gidNumber: "5100" } });

  new FessUser("fess-m-durand", {
    name: "m.durand",
    password: config.requireSecret("directorPassword"),
    attributes: { mail: "marie.durand@iut.example" },
    roles: [staff.name, students.name],
  });
  new FessUser("fess-librarian", {
    name: "l.garnier",
    password: config.requireSecret("directorPassword"),
    roles: [staff.name, students.name],
    groups: [library.name],
  });
  return { fessStaffRoleId: staff.id };
}
