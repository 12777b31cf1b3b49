/**
 * A university's Scenari chain server: the course authors and the
 * instructional designers as groups, the teachers who write, and one
 * workspace per course saying who writes and who reads it. Server and admin
 * credentials come from the stack config:
 *
 *   pulumi config set scenari:url https://scenari.univ.example/scenarichain-server
 *   pulumi config set scenari:username pulumi-admin
 *   pulumi config set --secret scenari:password ...
 *   pulumi config set --secret designerPassword ...
 */
import * as pulumi from "@pulumi/pulumi";
import { ScenariGroup, ScenariUser, ScenariWorkspace } from "pulumi-access-as-code";

const config = new pulumi.Config();

// Global roles: every author may read every workspace; designers manage them.
const authors = new ScenariGroup("authors", { account: "course-authors", groupName: "Course authors", grantedRoles: ["main:reader"] });
const designers = new ScenariGroup("designers", {
  account: "designers",
  groupName: "Instructional designers",
  email: "design@univ.example",
  groups: [authors.account],
  grantedRoles: ["main:manager"],
});

const designer = new ScenariUser("c-leroy", {
  account: "c.leroy",
  firstName: "Camille",
  lastName: "Leroy",
  email: "camille.leroy@univ.example",
  groups: [designers.account],
  password: config.requireSecret("designerPassword"),
});
const teachers = new Map(
  ["p.girard", "s.fontaine", "n.roux"].map((account) => [
    account,
    new ScenariUser(account, { account, groups: [authors.account], email: `${account}@univ.example` }),
  ]),
);
const students = new ScenariGroup("students-l1", { account: "students-l1", groupName: "First-year students" });

const courses = [
  { alias: "l1-algebra", title: "Linear algebra (L1)", writers: ["p.girard", "s.fontaine"] },
  { alias: "l1-programming", title: "Introduction to programming (L1)", writers: ["n.roux"] },
];

export const workspaces = courses.map(
  (course) =>
    new ScenariWorkspace(course.alias, {
      alias: course.alias,
      title: course.title,
      // The newest installed Opale 5 in French at creation; installing a newer 5.x later migrates nothing.
      model: { key: "Opale", version: "5", lang: "fr-FR", options: ["OpaleExtEmeraude"] },
      publicWsp: false,
      // Authoritative: whoever is not listed here loses their entry on the next `pulumi up`.
      // Built from the accounts' outputs so the workspace is created after them.
      roles: pulumi
        .all([students.account, designer.account, pulumi.all(course.writers.map((name) => teachers.get(name)?.account ?? name))])
        .apply(([readers, reviewer, writers]) => ({
          [readers]: { allowed: ["main:reader"] },
          [reviewer]: { allowed: ["main:reader"], denied: ["main:author"] },
          ...Object.fromEntries(writers.map((writer) => [writer, { allowed: ["main:author"] }])),
        })),
      // The default: `pulumi destroy` moves the workspace to the server's trash, from which it can be restored.
      deletionPolicy: "trash",
    }).wspCd,
);
