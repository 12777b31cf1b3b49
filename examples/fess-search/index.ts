/**
 * A university's Fess search: one role for staff documents and one for
 * student documents (crawl configurations grant them as `role` permissions),
 * a group for the library team, and the accounts holding them. Server and
 * token come from the stack config:
 *
 *   pulumi config set fess:url https://search.univ.example
 *   pulumi config set --secret fess:token ...   # a token with the permission {role}admin-api
 *   pulumi config set --secret librarianPassword ...
 *   pulumi config set --secret studentPassword ...
 */
import * as pulumi from "@pulumi/pulumi";
import { FessGroup, FessRole, FessUser } from "pulumi-access-as-code";

const config = new pulumi.Config();

const staff = new FessRole("staff", {
  name: "staff",
  attributes: { description: "Intranet, HR and committee documents" },
});
const students = new FessRole("students", {
  name: "students",
  attributes: { description: "Course material and timetables" },
});

// gidNumber is for Fess's LDAP sync and must be a whole number (checked at preview).
const library = new FessGroup("library", {
  name: "library",
  attributes: { gidNumber: "5100", description: "Library team" },
});

// Roles and groups are given by their resources' `name` outputs, so Pulumi
// creates them first: the provider refuses a role the server does not have.
export const librarian = new FessUser("librarian", {
  name: "m.bernard",
  password: config.requireSecret("librarianPassword"),
  attributes: { mail: "marie.bernard@univ.example", uidNumber: "10042" },
  roles: [staff.name, students.name],
  groups: [library.name],
});

new FessUser("student-demo", {
  name: "demo.student",
  password: config.requireSecret("studentPassword"),
  roles: [students.name],
  // Groups left out: not managed, Fess keeps whatever it has.
});

// Fess's seeded administrator, taken over rather than recreated. Without a
// password the provider leaves its password alone; its roles become exactly these.
new FessUser("admin", {
  name: "admin",
  roles: ["admin", staff.name],
  adopt: true,
});

export const staffRoleId = staff.id;
