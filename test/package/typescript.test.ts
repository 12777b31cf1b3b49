/**
 * The package's types as a TypeScript stack compiles them, for real (no
 * transpile-only, no noCheck): a program that gives every resource only its
 * required inputs, and one that gives every input, in a consumer project
 * outside the repository with the packed tarball installed, under the
 * TypeScript this repository develops with (5.9, the template's tsconfig as
 * `pulumi new typescript` writes it), under the newest 6.x and under what
 * `npm install typescript` gives today, with the tsconfig the README asks
 * for there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMONJS_COMPILER_OPTIONS, createConsumer, packRepository, run, type Consumer } from "../support/consumer";

/** Every resource with its required inputs only: optional ones left out must not clash with anything (0.1.0's `constructor` did). */
const REQUIRED_ONLY = `import * as access from "pulumi-access-as-code";

new access.ScodocDepartement("rt", { acronym: "RT" });
new access.ScodocRole("tutor", { name: "Tuteur" });
new access.ScodocUser("alice", { userName: "alice" });
new access.FessRole("staff", { name: "staff" });
new access.FessGroup("team", { name: "team" });
new access.FessUser("bob", { name: "bob" });
const project = new access.DrofusProject("wing", { name: "Wing", description: "New wing", ownerId: 5, database: { existing: "wing-db" } });
new access.DrofusProjectUser("lead", { projectId: project.projectId, username: "ingrid.solberg" });
new access.ScenariWorkspace("course", { title: "Algebra", model: { key: "Opale" } });
new access.ScenariUser("carol", { account: "carol" });
new access.ScenariGroup("authors", { account: "authors" });
`;

/** Every input of every resource. */
const ALL_INPUTS = `import * as pulumi from "@pulumi/pulumi";
import * as access from "pulumi-access-as-code";

const config = new pulumi.Config();
const connection: access.ConnectionArgs = {
  url: "https://server.example",
  username: "admin",
  password: "p",
  token: "t",
  caCert: "-----BEGIN CERTIFICATE-----",
  insecure: false,
  timeoutMs: 30000,
  maxRetries: 5,
  maxConcurrency: 8,
};
const rt = new access.ScodocDepartement("rt", { acronym: "RT", visible: true, forceDestroy: false, adopt: false, connection });
const tutor = new access.ScodocRole("tutor", { name: "Tuteur", permissions: ["ScoView"], adopt: false, connection });
new access.ScodocUser("alice", {
  userName: "alice",
  nom: "Martin",
  prenom: "Alice",
  email: "alice@example.org",
  dept: rt.acronym,
  active: true,
  dateExpiration: null,
  casId: null,
  casAllowLogin: false,
  casAllowScodocLogin: true,
  emailInstitutionnel: null,
  edtId: null,
  password: config.requireSecret("alicePassword"),
  roles: [{ role: tutor.name, departement: rt.acronym }, { role: "Ens" }],
  deletionPolicy: "deactivate",
  adopt: false,
  connection,
});
const staff = new access.FessRole("staff", { name: "staff", attributes: { description: "Staff" }, adopt: false, connection });
const team = new access.FessGroup("team", { name: "team", attributes: { gidNumber: "5100" }, adopt: false, connection });
new access.FessUser("bob", { name: "bob", password: "Quokka-Meadow-8841", attributes: { mail: "bob@example.org" }, roles: [staff.name], groups: [team.name], adopt: false, connection });
const project = new access.DrofusProject("wing", {
  name: "Wing",
  number: "01",
  description: "New wing",
  builder: "Builders Ltd",
  ownerId: 5,
  projectTypeId: 1,
  database: { newFromTemplate: "dev-template", name: "wing-db" },
  active: true,
  deletionPolicy: "deactivate",
  adopt: false,
  connection,
});
new access.DrofusProjectUser("lead", {
  projectId: project.projectId,
  username: "ingrid.solberg",
  firstName: "Ingrid",
  lastName: "Solberg",
  email: "ingrid@example.org",
  rights: { room: "full", equipment: "read", tender: "none", consignation: "limited", system: "read", modelstore: "none" },
  superuser: false,
  addonAdmin: false,
  noWebAdminAccess: false,
  mailType: 1,
  adopt: false,
  connection,
});
const authors = new access.ScenariGroup("authors", { account: "authors", groupName: "Authors", email: "authors@example.org", groups: [], grantedRoles: ["main:author"], adopt: false, connection });
const carol = new access.ScenariUser("carol", {
  account: "carol",
  firstName: "Carol",
  lastName: "Shaw",
  email: "carol@example.org",
  nickNames: ["cshaw"],
  groups: [authors.account],
  grantedRoles: [],
  password: "Maple-Harbor-Sonnet-31",
  disabled: false,
  adopt: false,
  connection,
});
new access.ScenariWorkspace("course", {
  alias: "algebra",
  title: "Algebra",
  description: "First year",
  model: { key: "Opale", version: "5", lang: "fr-FR", options: [] },
  skins: [],
  publicWsp: false,
  airIt: false,
  extIt: false,
  mirror: false,
  roles: pulumi.all([authors.account, carol.account]).apply(([group, user]) => ({ [group]: { allowed: ["main:author"] }, [user]: { allowed: ["main:reader"], denied: ["main:author"] } })),
  deletionPolicy: "trash",
  adopt: false,
  connection,
});
export const projectId = project.projectId;
`;

/** The compiler options of Pulumi's TypeScript template (pulumi new typescript). */
const TEMPLATE = COMMONJS_COMPILER_OPTIONS;
/** What the README asks for from TypeScript 6 on, where `node` (node10) resolution is deprecated, then gone. */
const FROM_TYPESCRIPT_6 = { ...TEMPLATE, module: "node16", moduleResolution: "node16" };

let work: string;
let consumer: Consumer;

function writeTsconfig(compilerOptions: object): void {
  writeFileSync(
    join(consumer.dir, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions: { ...compilerOptions, pretty: false }, files: ["required.ts", "all.ts"] }, null, 2)}\n`,
  );
}

/** `tsc --noEmit` with the TypeScript installed in the project; the output, and whether it passed. */
async function typeCheck(): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(join(consumer.dir, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "."], { cwd: consumer.dir });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    return { ok: false, output: String((error as Error).message) };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "pulumi-access-typescript-"));
  const tarball = await packRepository(work);
  const dir = join(work, "stack");
  mkdirSync(dir);
  consumer = createConsumer({ dir, name: "access-typescript", type: "commonjs", tarball });
  writeFileSync(join(dir, "required.ts"), REQUIRED_ONLY);
  writeFileSync(join(dir, "all.ts"), ALL_INPUTS);
  await consumer.npm(["install", "--no-audit", "--no-fund"]);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a TypeScript stack type-checks every resource, with required inputs only and with all of them", () => {
  it("under TypeScript 5.9 with the template's tsconfig", async () => {
    writeTsconfig(TEMPLATE);
    expect(await typeCheck()).toEqual({ ok: true, output: "" });
  });

  it.each([
    ["the newest TypeScript 6", "typescript@6"],
    ["what `npm install typescript` gives today", "typescript@latest"],
  ])(
    "under %s with the README's module settings",
    async (_label, spec) => {
      await consumer.npm(["install", "--no-audit", "--no-fund", "--save-dev", spec]);
      writeTsconfig(FROM_TYPESCRIPT_6);
      const result = await typeCheck();
      expect(result.output).toBe("");
      expect(result.ok).toBe(true);
    },
    300_000,
  );

  it("a wrong type still fails: the check is real", async () => {
    writeFileSync(join(consumer.dir, "required.ts"), REQUIRED_ONLY.replace('{ acronym: "RT" }', "{ acronym: 42 }"));
    const result = await typeCheck();
    writeFileSync(join(consumer.dir, "required.ts"), REQUIRED_ONLY);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/required\.ts\(3,\d+\): error TS2322/);
  });
});
