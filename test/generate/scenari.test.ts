/**
 * `generate scenari` against a populated sandbox: groups (one nested), users,
 * 10 workspaces with root role maps. The program it writes is adopted by the
 * real Pulumi CLI with no write at all (Scenari authenticates every request
 * with Basic auth: there is no login request), previews empty, and an edit
 * applies as exactly that change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox, RunningSandboxes } from "../../sandbox";
import type { ScenariState, StoredAccount, StoredWsp, WspTypeDef } from "../../sandbox/scenari/state";
import { stackConfig } from "../support/stackConfig";
import {
  cliProject,
  editProgram,
  expectAdoptedWithNoWrite,
  generateFrom,
  readFiles,
  runGenerate,
  workDir,
  type CliProject,
} from "./support";

const GROUPS = ["auteurs", "auteurs-bio", "etudiants", "etudiants-l1", "relecteurs", "tuteurs"];
/** Child -> parent: a nested group, so parents must be declared first. */
const PARENT: Record<string, string> = { "auteurs-bio": "auteurs", "etudiants-l1": "etudiants" };
const USERS = 20;
const WSPS = 10;

function ref(def: { key: string; uri: string; version: string; lang: string; title: string }) {
  return { key: def.key, uri: def.uri, version: def.version, lang: def.lang, title: def.title };
}

function populate(state: ScenariState): void {
  for (const g of GROUPS) {
    state.accounts.push({
      account: g,
      userType: "group",
      groupName: `Groupe ${g}`,
      ...(PARENT[g] ? { groups: [PARENT[g]] } : {}),
      ...(g === "auteurs" ? { grantedRoles: ["main:author"] } : {}),
    });
  }
  for (let i = 0; i < USERS; i++) {
    const user: StoredAccount = {
      account: `user${String(i).padStart(2, "0")}`,
      userType: "user",
      firstName: `Prénom${i}`,
      lastName: `Nom${i}`,
      ...(i % 3 === 0 ? { email: `user${i}@univ.example` } : {}),
      groups: [GROUPS[i % GROUPS.length]!, ...(i % 4 === 0 ? ["relecteurs"] : [])],
      ...(i % 7 === 0 ? { isDisabled: true } : {}),
      ...(i === 5 ? { nickNames: ["u5"] } : {}),
    };
    state.accounts.push(user);
  }
  const defs = state.wspTypeDefs;
  const opale = defs.find((d) => d.key === "Opale" && d.version === "5.0.5" && d.lang === "fr-FR") as WspTypeDef;
  const dokiel = defs.find((d) => d.key === "Dokiel" && d.version === "6.0.3" && d.lang === "fr-FR") as WspTypeDef;
  for (let i = 0; i < WSPS; i++) {
    const def = i % 2 === 0 ? opale : dokiel;
    const wsp: StoredWsp = {
      wspCd: `id${1000 + i}`,
      alias: `cours-${String(i).padStart(2, "0")}`,
      title: `Cours ${i}`,
      ...(i % 3 === 0 ? { desc: `Le cours ${i}` } : {}),
      ...(i === 4 ? { skins: ["sobre"] } : {}),
      publicWsp: i % 5 === 0,
      airIt: false,
      extIt: false,
      mirror: false,
      wspType: ref(def),
      wspOptions: i % 4 === 0 ? [ref(def.options[0]!)] : [],
      createdAt: 1_767_600_000_000,
      modifiedAt: 1_767_600_000_000,
      roleNodes: [
        {
          refUri: "",
          entries: [
            { account: GROUPS[i % GROUPS.length]!, allowedRoles: ["main:author"] },
            { account: "relecteurs", allowedRoles: ["main:reader"] },
            {
              account: `user${String(i).padStart(2, "0")}`,
              allowedRoles: ["main:manager"],
              ...(i % 2 === 0 ? { deniedRoles: ["main:author"] } : {}),
            },
          ],
        },
      ],
    };
    state.wsps.push(wsp);
  }
}

let sandboxes: RunningSandboxes;
let scenari: RunningSandbox;
let env: Record<string, string>;
let program: string;
let project: CliProject;
let generated: { stdout: string; stderr: string };
const DECLARED = GROUPS.length + USERS + WSPS;

/** The requests that are not reads, as `METHOD route cdaction`. */
async function writes(): Promise<string[]> {
  const { entries } = await scenari.admin.requests();
  return entries
    .filter((e) => e.method !== "GET" && e.method !== "HEAD")
    .map((e) => `${e.method} ${e.route} ${new URLSearchParams(e.query).get("cdaction") ?? ""}`.trim());
}

beforeAll(async () => {
  const run = await generateFrom<ScenariState>("scenari", populate);
  ({ sandboxes, sandbox: scenari, env, program } = run);
  generated = run;
});
afterAll(async () => sandboxes?.stop());

describe("generate scenari", () => {
  it("declares groups, users and workspaces with their role maps, parents first", () => {
    expect(generated.stdout).toContain(`declared: ${GROUPS.length} groups, ${USERS} users, ${WSPS} workspaces`);
    expect(generated.stdout).toContain("left out: system and own accounts (1: admin)");
    expect(generated.stderr).toContain(`scenari: role maps ${WSPS}/${WSPS}`);
    const index = readFileSync(join(program, "index.ts"), "utf8");
    expect(index.match(/^ {2}adopt: true,$/gm)).toHaveLength(DECLARED);
    // A nested group refers to its parent's resource, declared above it.
    expect(index.indexOf('const group_auteurs = new ScenariGroup("auteurs"')).toBeLessThan(index.indexOf('new ScenariGroup("auteurs-bio"'));
    expect(index).toMatch(/const group_auteurs_bio = new ScenariGroup\("auteurs-bio", \{[^}]*groups: \[group_auteurs\.account\],/);
    // A user's groups are the groups' outputs too.
    expect(index).toMatch(/new ScenariUser\("user08", \{[^}]*groups: \[group_etudiants\.account, group_relecteurs\.account\],/);
    expect(index).toMatch(/new ScenariUser\("user07", \{[^}]*disabled: true,/);
    // A role map is keyed by account names; dependsOn orders the creates.
    expect(index).toMatch(/"main:manager"\], denied: \["main:author"\] \}/);
    expect(index).toMatch(/\}, \{ dependsOn: \[group_\w+, group_relecteurs, user_user00\] \}\);/);
    expect(index).toContain('model: { key: "Opale", version: "5.0.5", lang: "fr-FR", options: ["OpaleExtEmeraude"] },');
    for (const text of readFiles(program).values()) expect(text).not.toContain(env.SCENARI_PASSWORD);
  });

  it("writes the same files, byte for byte, on a second run", async () => {
    const again = workDir("scenari-again");
    expect((await runGenerate(["generate", "scenari", "--out", again], env)).code).toBe(0);
    expect(readFiles(again)).toEqual(readFiles(program));
  });

  it("is adopted by `pulumi up` with no write request, then previews empty", async () => {
    project = await cliProject(program, stackConfig(scenari.endpoint));
    await expectAdoptedWithNoWrite(scenari, project, DECLARED, writes);
  }, 600_000);

  it("applies an edit of the generated program as exactly that change", async () => {
    editProgram(program, 'firstName: "Prénom11",', 'firstName: "Prénom-Onze",');
    await scenari.admin.resetRequests();
    const { changes } = await project.up();
    expect(changes).toEqual({ update: 1, same: DECLARED });
    expect(await writes()).toHaveLength(1);
    expect((await writes())[0]).toMatch(/UpdateUser$/);
    const state = await scenari.admin.state<ScenariState>();
    expect(state.accounts.find((a) => a.account === "user11")?.firstName).toBe("Prénom-Onze");
    await project.previewNoChanges();
  }, 600_000);
});
