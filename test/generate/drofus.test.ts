/**
 * `generate drofus` against a populated sandbox: 4 projects in two databases
 * and 40 memberships. dRofus never returns a project's builder and type, nor
 * a member's rights: they are not declared (not managed), so everything is
 * adopted with no write.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox, RunningSandboxes } from "../../sandbox";
import { RIGHTS_FIELDS, type DrofusState, type ProjectUserRecord, type RightsLevel } from "../../sandbox/drofus/state";
import { indexListingMembers } from "../support/drofusIndex";
import { stackConfig } from "../support/stackConfig";
import {
  cliProject,
  editProgram,
  expectAdoptedWithNoWrite,
  generateFrom,
  readFiles,
  runGenerate,
  typeCheck,
  workDir,
  type CliProject,
} from "./support";

const PROJECTS = [
  { id: 501, name: "Hôpital Nord", no: "H-01", db: "hopital", builder: "Bygg AS", type: 1 },
  { id: 502, name: "Hôpital Nord annexe", no: null, db: "hopital", builder: "Bygg AS", type: 1 },
  { id: 503, name: "Lycée Sud", no: "L-7", db: "lycee", builder: "Constructa", type: 1 },
  { id: 504, name: "Lycée Sud (2030)", no: null, db: "lycee", builder: "Constructa", type: 1 },
];
const USERS = 25;
const MEMBERS = 40;

function populate(state: DrofusState): void {
  const at = "2026-01-05T08:00:00Z";
  for (const db of ["hopital", "lycee"])
    state.databases.push({ name: db, owner_id: 5, template: "dev-template", created_at: at, users_disabled: false });
  for (const p of PROJECTS) {
    state.projects.push({
      id: p.id,
      name: p.name,
      no: p.no,
      description: `Le projet ${p.name}`,
      active: true,
      contact: null,
      gross_area: null,
      status: null,
      owner_id: 5,
      database_id: p.db,
      created_at: at,
      created_by: null,
      updated: null,
      updated_by: null,
      constructor: p.builder,
      project_type_id: p.type,
    });
  }
  for (let i = 0; i < USERS; i++) {
    state.users.push({
      username: `arch.${String(i).padStart(2, "0")}`,
      first_name: `Prénom${i}`,
      last_name: `Nom${i}`,
      email: `arch${i}@bygg.example`,
      disabled: false,
      created_at: at,
      admin: false,
      password: null,
    });
  }
  // 40 memberships: every user in one project, 15 of them in a second one, at varied rights.
  for (let k = 0; k < MEMBERS; k++) {
    const user = k % USERS;
    const project = PROJECTS[(user + Math.floor(k / USERS)) % PROJECTS.length]!;
    const rights = Object.fromEntries(RIGHTS_FIELDS.map((f, j) => [f, (((k + j) % 4) + 1) as RightsLevel]));
    state.projectUsers.push({
      username: `arch.${String(user).padStart(2, "0")}`,
      project_id: project.id,
      created_at: at,
      role: null,
      user_role_id: null,
      superuser: k % 10 === 0,
      addon_admin: false,
      no_web_admin_access: null,
      ...rights,
    } as ProjectUserRecord);
  }
}

let sandboxes: RunningSandboxes;
let drofus: RunningSandbox;
let env: Record<string, string>;
let program: string;
let project: CliProject;
let generated: { stdout: string; stderr: string };

async function writes(): Promise<string[]> {
  const { entries } = await drofus.admin.requests();
  return entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").map((e) => e.route);
}

beforeAll(async () => {
  const run = await generateFrom<DrofusState>("drofus", populate);
  ({ sandboxes, sandbox: drofus, env, program } = run);
  generated = run;
});
afterAll(async () => sandboxes?.stop());

describe("generate drofus", () => {
  it("declares the projects and their members, the write-only fields read from config", () => {
    expect(generated.stdout).toContain(`declared: ${PROJECTS.length} projects, ${MEMBERS} members`);
    // The seeded template project has no description, which DrofusProject requires.
    expect(generated.stdout).toContain("left out: projects without a description, database or owner (1: dev-template/dRofus dev template)");
    expect(generated.stderr).toMatch(/drofus: memberships \d+\/\d+ pairs asked/);
    const index = readFileSync(join(program, "index.ts"), "utf8");
    expect(index.match(/^ {2}adopt: true,$/gm)).toHaveLength(PROJECTS.length + MEMBERS);
    // Names from natural keys: accents dropped, a digest of the exact key where it had to be changed.
    expect(index).toMatch(/const project_Hopital_Nord = new DrofusProject\("hopital_Hopital_Nord_[0-9a-f]{8}", \{/);
    expect(index).toContain('  database: { existing: "lycee" },');
    expect(index).toMatch(
      /new DrofusProjectUser\("arch\.00@501", \{\n {2}projectId: project_Hopital_Nord\.projectId,\n {2}username: "arch\.00",\n {2}superuser: true,/,
    );
    // Write-only fields are not declared: nothing to read from config, nothing sent on adoption.
    expect(index).not.toMatch(/rights|room:|constructor|projectTypeId|config\./);
    for (const text of readFiles(program).values()) expect(text).not.toContain(env.DROFUS_PASSWORD);
  });

  it("type-checks for real: a wrong type in the program fails its typecheck", async () => {
    // generateFrom already type-checked the program as written; here the same project with one edit.
    const edited = workDir("drofus-typecheck");
    for (const [name, text] of readFiles(program)) writeFileSync(join(edited, name), text);
    editProgram(edited, "  adopt: true,", '  adopt: "yes",');
    const result = await typeCheck(edited);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(
      /index\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'Input<boolean> \| undefined'/,
    );
  });

  it("writes the same files, byte for byte, on a second run", async () => {
    const again = workDir("drofus-again");
    expect((await runGenerate(["generate", "drofus", "--out", again], env)).code).toBe(0);
    expect(readFiles(again)).toEqual(readFiles(program));
  });

  it.each(["beside", "inside"] as const)(
    "writes the same files from a project index that lists project users %s the projects, asking for no pair",
    async (placement) => {
      await drofus.admin.setFaults(indexListingMembers(await drofus.admin.state<DrofusState>(), placement));
      await drofus.admin.resetRequests();
      const listed = workDir(`drofus-listed-${placement}`);
      const run = await runGenerate(["generate", "drofus", "--out", listed], env);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain("pairs asked");
      expect((await drofus.admin.requests()).byRoute["GET /project_users/:id"]).toBeUndefined();
      expect(readFiles(listed)).toEqual(readFiles(program));
    },
  );

  it("is adopted by `pulumi up` with no write, then previews empty", async () => {
    project = await cliProject(program, stackConfig(drofus.endpoint));
    await expectAdoptedWithNoWrite(drofus, project, PROJECTS.length + MEMBERS, writes);
  }, 600_000);

  it("applies an edit of the generated program as exactly that change", async () => {
    editProgram(program, 'description: "Le projet Lycée Sud",', 'description: "Le projet Lycée Sud, tranche 1",');
    await drofus.admin.resetRequests();
    const { changes } = await project.up();
    expect(changes).toEqual({ update: 1, same: PROJECTS.length + MEMBERS });
    expect(await writes()).toHaveLength(1);
    const state = await drofus.admin.state<DrofusState>();
    expect(state.projects.find((p) => p.id === 503)?.description).toBe("Le projet Lycée Sud, tranche 1");
    await project.previewNoChanges();
  }, 600_000);
});
