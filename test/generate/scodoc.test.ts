/**
 * `generate scodoc` against a populated sandbox: the compiled CLI reads it,
 * the real Pulumi CLI runs the program it wrote, every object is adopted with
 * no write but the login, the next preview is empty, and an edit to the
 * program applies exactly that edit.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox, RunningSandboxes } from "../../sandbox";
import type { ScodocState, UserRecord } from "../../sandbox/scodoc/model";
import { stackConfig } from "../support/stackConfig";
import { cliProject, editProgram, generateFrom, readFiles, runGenerate, workDir, type CliProject } from "./support";

const DEPTS = ["GEII", "INFO", "RT"];
const ROLES: Record<string, string[]> = {
  ChefDept: ["ScoView", "EnsView", "UsersView", "EditPreferences"],
  DirEtudes: ["ScoView", "EnsView", "EditFormSemestre", "EditAllNotes"],
  Jury: ["ScoView", "EditAllNotes", "EditAllEvals"],
  Lecteur: ["ScoView"],
  RelationsEntreprises: ["RelationsEntrepView", "RelationsEntrepEdit"],
  Scolarite: ["ScoView", "EtudInscrit", "EtudChangeAdr", "AbsChange"],
  Stages: ["ScoView", "RelationsEntrepView"],
  Tuteur: ["ScoView", "AbsAddBillet"],
};
const USERS = 300;
const NOMS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"];
const PRENOMS = ["Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Inès", "Noé"];

/** ScoDoc logins are ASCII: letters, digits, `@ \\ - _ .`; a few are not safe Pulumi names as they are. */
function login(i: number): string {
  const ascii = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[^A-Za-z]/g, "")
      .toLowerCase();
  const prenom = ascii(PRENOMS[i % PRENOMS.length]!);
  const nom = ascii(NOMS[i % NOMS.length]!);
  return i === 7 ? `IUT\\${prenom}${i}` : i === 8 ? `${prenom}.${nom}@iut.example` : `${prenom}.${nom}${i}`;
}

/** A realistic population written straight into the sandbox's state: 3 departements, 8 roles, 300 users with grants. */
function populate(state: ScodocState): void {
  const now = "2026-01-05T08:00:00.000Z";
  state.departements = DEPTS.map((acronym, i) => ({
    id: 100 + i,
    acronym,
    dept_name: `Département ${acronym}`,
    description: null,
    visible: acronym !== "INFO",
    date_creation: now,
  }));
  const roleIds = new Map(state.roles.map((r) => [r.name, r.id]));
  for (const [name, permissions] of Object.entries(ROLES)) {
    const id = state.next.role++;
    state.roles.push({ id, name, permissions });
    roleIds.set(name, id);
  }
  const custom = Object.keys(ROLES);
  for (let i = 0; i < USERS; i++) {
    const nom = NOMS[i % NOMS.length]!;
    const prenom = PRENOMS[i % PRENOMS.length]!;
    // A few logins ScoDoc allows but a Pulumi name would not take as they are.
    const userName = login(i);
    const id = state.next.user++;
    const dept = DEPTS[i % 3]!;
    const user: UserRecord = {
      id,
      user_name: userName,
      password_hash: null,
      active: i % 17 !== 0,
      nom: nom.toUpperCase() + i,
      prenom,
      email: i % 5 === 0 ? null : `${userName.replace(/[^a-z0-9.]/gi, "")}@iut.example`,
      email_institutionnel: null,
      dept: i % 11 === 0 ? null : dept,
      date_created: now,
      date_expiration: i % 13 === 0 ? "2027-08-31T00:00:00" : null,
      date_modif_passwd: null,
      last_seen: null,
      cas_id: i % 4 === 0 ? `cas-${i}` : null,
      cas_allow_login: i % 4 === 0,
      cas_allow_scodoc_login: false,
      cas_last_login: null,
      edt_id: null,
      token: null,
      token_expiration: null,
    };
    state.users.push(user);
    state.grants.push({ user_id: id, role_id: roleIds.get(custom[i % custom.length]!)!, dept });
    if (i % 3 === 0) state.grants.push({ user_id: id, role_id: roleIds.get("Ens")!, dept: DEPTS[(i + 1) % 3]! });
    if (i % 50 === 0) state.grants.push({ user_id: id, role_id: roleIds.get("Lecteur")!, dept: null });
  }
}

/** The state ScoDoc's users, roles, departements and grants are in, without login bookkeeping. */
function access(state: ScodocState) {
  return {
    departements: state.departements,
    roles: state.roles,
    users: state.users.map(({ token: _t, token_expiration: _e, last_seen: _l, ...u }) => u),
    grants: state.grants,
  };
}

let sandboxes: RunningSandboxes;
let scodoc: RunningSandbox;
let env: Record<string, string>;
let program: string;
let project: CliProject;
let generated: { stdout: string; stderr: string };
const DECLARED = DEPTS.length + Object.keys(ROLES).length + USERS;

beforeAll(async () => {
  const run = await generateFrom<ScodocState>("scodoc", populate);
  ({ sandboxes, sandbox: scodoc, env, program } = run);
  generated = run;
});
afterAll(async () => sandboxes?.stop());

describe("generate scodoc", () => {
  it("declares every departement, custom role and user, and says what it left out", () => {
    expect(generated.stdout).toContain(`declared: 3 departements, 8 roles, ${USERS} users`);
    expect(generated.stdout).toMatch(/left out: built-in roles \(9: Admin, .*SuperAdmin/);
    expect(generated.stdout).toContain("left out: the generator's own account (1: admin)");
    expect(generated.stderr).toContain(`scodoc: ${USERS + 1} users`);
    const index = readFileSync(join(program, "index.ts"), "utf8");
    expect(index.match(/^ {2}adopt: true,$/gm)).toHaveLength(DECLARED);
    expect(index).not.toContain('new ScodocRole("SuperAdmin"');
    expect(index).not.toContain('userName: "admin"');
    // References, not copies: the engine orders the creates and a rename follows.
    expect(index).toContain('const role_Tuteur = new ScodocRole("Tuteur", {');
    expect(index).toMatch(/roles: \[\{ role: role_Tuteur\.name, departement: dept_\w+\.acronym \}/);
    // A built-in role is not declared, so a grant of it names it plainly.
    expect(index).toMatch(/\{ role: "Ens", departement: dept_\w+\.acronym \}/);
    // Logins that are not safe names get a sanitised name plus a digest of the exact login.
    expect(index).toMatch(/new ScodocUser\("IUT_noe7_[0-9a-f]{8}", \{\n {2}userName: "IUT\\\\noe7",/);
    expect(index).toContain('new ScodocUser("ines.robert14", {');
    expect(index).toContain('new ScodocUser("camille.leroy@iut.example", {');
    expect(readFileSync(join(program, "README.md"), "utf8")).toContain("pulumi config set --secret scodoc:password");
    // The password is in the environment only: nothing generated holds it.
    for (const text of readFiles(program).values()) expect(text).not.toContain(env.SCODOC_PASSWORD);
  });

  it("writes the same files, byte for byte, on a second run", async () => {
    const again = workDir("scodoc-again");
    const result = await runGenerate(["generate", "scodoc", "--out", again], env);
    expect(result.code).toBe(0);
    expect(readFiles(again)).toEqual(readFiles(program));
  });

  it("keeps the built-in roles and its own account with --include-builtin, and narrows with --only", async () => {
    const all = workDir("scodoc-builtin");
    const withBuiltin = await runGenerate(["generate", "scodoc", "--out", all, "--include-builtin"], env);
    expect(withBuiltin.stdout).toContain(`declared: 3 departements, 17 roles, ${USERS + 1} users`);
    const index = readFileSync(join(all, "index.ts"), "utf8");
    expect(index).toContain('const role_SuperAdmin = new ScodocRole("SuperAdmin", {');
    expect(index).toMatch(/userName: "admin",[\s\S]*roles: \[\{ role: role_SuperAdmin\.name \}\]/);

    const rt = workDir("scodoc-info");
    const narrowed = await runGenerate(["generate", "scodoc", "--out", rt, "--only", "departement=INFO"], env);
    expect(narrowed.code).toBe(0);
    const rtIndex = readFileSync(join(rt, "index.ts"), "utf8");
    expect(rtIndex.match(/new ScodocDepartement\(/g)).toHaveLength(1);
    // Every declared user is attached to INFO, and grants elsewhere name the other departements plainly.
    const users = rtIndex.match(/new ScodocUser\(/g)?.length ?? 0;
    expect(users).toBeGreaterThan(0);
    expect(users).toBeLessThan(USERS);
    expect(rtIndex).toMatch(/departement: "GEII"/);
  });

  it("refuses a password flag without echoing it", async () => {
    const result = await runGenerate(["generate", "scodoc", "--password=Sekret-Value-1"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("from the environment only");
    expect(result.stderr + result.stdout).not.toContain("Sekret-Value-1");
  });

  it("is adopted by `pulumi up` with no write but the login, then previews empty", async () => {
    project = await cliProject(program, stackConfig(scodoc.endpoint));
    const before = access(await scodoc.admin.state<ScodocState>());
    await scodoc.admin.resetRequests();
    const { changes } = await project.up();
    expect(changes).toEqual({ create: DECLARED + 1 });
    const log = await scodoc.admin.requests();
    const writes = log.entries.filter((e) => e.method !== "GET" && e.method !== "HEAD").map((e) => e.route);
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set(["POST /ScoDoc/api/tokens"]));
    expect(access(await scodoc.admin.state<ScodocState>())).toEqual(before);

    await scodoc.admin.resetRequests();
    await project.previewNoChanges();
    expect((await scodoc.admin.requests()).writes).toBe(0);
  }, 600_000);

  it("applies an edit of the generated program as exactly that change", async () => {
    editProgram(program, 'nom: "DURAND127",', 'nom: "DURAND-LEGRAND127",');
    await scodoc.admin.resetRequests();
    const { changes } = await project.up();
    expect(changes).toEqual({ update: 1, same: DECLARED + 1 - 1 });
    const writes = (await scodoc.admin.requests()).entries
      .filter((e) => e.method !== "GET" && !e.route.endsWith("/tokens"))
      .map((e) => e.route);
    expect(writes).toEqual(["POST /ScoDoc/api/user/:uid/edit"]);
    const state = await scodoc.admin.state<ScodocState>();
    expect(state.users.find((u) => u.nom === "DURAND-LEGRAND127")?.user_name).toBe("noe.durand127");
    await project.previewNoChanges();
  }, 600_000);
});
