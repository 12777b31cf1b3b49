/**
 * `generate fess` against a populated sandbox: 20 roles, 20 groups, 20 users
 * holding them. Fess authenticates every request with its access token, so
 * adoption by the real Pulumi CLI must send no write at all; the next
 * preview is empty and an edit applies as exactly that change.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox, RunningSandboxes } from "../../sandbox";
import { fessId, hashPassword, type FessState } from "../../sandbox/fess/state";
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

const N = 20;
const pad = (i: number) => String(i).padStart(2, "0");

function populate(state: FessState): void {
  for (let i = 0; i < N; i++) {
    state.roles[fessId(`role-${pad(i)}`)] = { name: `role-${pad(i)}`, attributes: i % 5 === 0 ? { description: `Rôle ${i}` } : {} };
    state.groups[fessId(`group-${pad(i)}`)] = { name: `group-${pad(i)}`, attributes: i % 4 === 0 ? { gidNumber: String(2000 + i) } : {} };
  }
  for (let i = 0; i < N; i++) {
    const name = i === 3 ? "jean.dupont@univ.example" : `user${pad(i)}`;
    state.users[fessId(name)] = {
      name,
      attributes: { surname: `Nom${i}`, ...(i % 2 === 0 ? { mail: `user${i}@univ.example` } : {}) },
      passwordHash: hashPassword(`Password-${i}!`),
      // One user also holds the built-in guest role: a grant of an undeclared role names it plainly.
      roles: [fessId(`role-${pad(i)}`), fessId(`role-${pad((i + 1) % N)}`), ...(i === 7 ? [fessId("guest")] : [])],
      ...(i % 3 === 0 ? {} : { groups: [fessId(`group-${pad(i)}`)] }),
    };
  }
}

let sandboxes: RunningSandboxes;
let fess: RunningSandbox;
let env: Record<string, string>;
let program: string;
let project: CliProject;
let generated: { stdout: string; stderr: string };
const DECLARED = 3 * N;

async function writes(): Promise<string[]> {
  const { entries } = await fess.admin.requests();
  // The list endpoint takes any verb; only a route other than a list can write.
  return entries.filter((e) => e.method !== "GET" && !e.route.endsWith("/settings")).map((e) => e.route);
}

beforeAll(async () => {
  const run = await generateFrom<FessState>("fess", populate);
  ({ sandboxes, sandbox: fess, env, program } = run);
  generated = run;
});
afterAll(async () => sandboxes?.stop());

describe("generate fess", () => {
  it("declares roles, groups and users with references, leaving the built-ins out", () => {
    expect(generated.stdout).toContain(`declared: ${N} roles, ${N} groups, ${N} users`);
    expect(generated.stdout).toContain("left out: built-in objects (3: role admin, role guest, user admin)");
    const index = readFileSync(join(program, "index.ts"), "utf8");
    expect(index.match(/^ {2}adopt: true,$/gm)).toHaveLength(DECLARED);
    expect(index).toContain('const role_role_00 = new FessRole("role-00", {\n  name: "role-00",\n  attributes: { description: "Rôle 0" },');
    expect(index).toMatch(
      /new FessUser\("user07", \{[^}]*\}[^}]*roles: \["guest", role_role_07\.name, role_role_08\.name\],\n {2}groups: \[group_group_07\.name\],/,
    );
    expect(index).toMatch(/new FessUser\("user00", \{[\s\S]*?roles: \[role_role_00\.name, role_role_01\.name\],\n {2}groups: \[\],/);
    expect(index).toContain('new FessUser("jean.dupont@univ.example", {');
    expect(index).not.toMatch(/password/i);
    expect(readFileSync(join(program, "README.md"), "utf8")).toContain("pulumi config set --secret fess:token");
    for (const text of readFiles(program).values()) expect(text).not.toContain(env.FESS_TOKEN);
  });

  it("writes the same files, byte for byte, on a second run", async () => {
    const again = workDir("fess-again");
    expect((await runGenerate(["generate", "fess", "--out", again], env)).code).toBe(0);
    expect(readFiles(again)).toEqual(readFiles(program));
  });

  it("is adopted by `pulumi up` with no write request, then previews empty", async () => {
    project = await cliProject(program, stackConfig(fess.endpoint));
    await expectAdoptedWithNoWrite(fess, project, DECLARED, writes);
  }, 600_000);

  it("applies an edit of the generated program as exactly that change", async () => {
    editProgram(program, 'attributes: { surname: "Nom5" },', 'attributes: { surname: "Nom-Cinq" },');
    await fess.admin.resetRequests();
    const { changes } = await project.up();
    expect(changes).toEqual({ update: 1, same: DECLARED });
    expect(await writes()).toHaveLength(1);
    const state = await fess.admin.state<FessState>();
    expect(state.users[fessId("user05")]?.attributes.surname).toBe("Nom-Cinq");
    await project.previewNoChanges();
  }, 600_000);
});
