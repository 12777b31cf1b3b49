/**
 * What the benchmark declares, shared by the Pulumi program and the floor so
 * both put exactly the same objects on the server.
 */
export interface Declaration {
  readonly departements: string[];
  readonly roles: string[];
  readonly permissions: string[];
  readonly users: {
    userName: string;
    nom: string;
    prenom: string;
    dept: string;
    password: string;
    grants: { role: string; departement: string }[];
  }[];
}

/** The dRofus part, proportionate to N: a project per 100 users, a membership per 5. */
export interface DrofusDeclaration {
  readonly projects: { name: string; database: string }[];
  readonly members: { username: string; project: string; firstName: string; lastName: string; email: string }[];
}

export function drofusDeclaration(n: number): DrofusDeclaration {
  const projects = Array.from({ length: Math.max(1, Math.ceil(n / 100)) }, (_, i) => ({
    name: `Bench project ${i}`,
    database: `bench-db-${i}`,
  }));
  const members = Array.from({ length: Math.max(2, Math.ceil(n / 5)) }, (_, i) => ({
    username: `bench.member${i}`,
    project: (projects[i % projects.length] as { name: string }).name,
    firstName: "Bench",
    lastName: `Member${i}`,
    email: `bench.member${i}@arch.example`,
  }));
  return { projects, members };
}

/** What every dRofus bench project and membership declares besides its names. */
export const DROFUS_PROJECT = {
  description: "bench",
  constructor: "Builders Ltd",
  ownerId: 5,
  projectTypeId: 1,
  template: "dev-template",
} as const;
export const DROFUS_RIGHTS = { room: 1, equipment: 3 } as const;

export function scodocDeclaration(n: number): Declaration {
  // One departement per 50 users and one role per 100: the proportions of an IUT.
  const departements = Array.from({ length: Math.max(2, Math.ceil(n / 50)) }, (_, i) => `BD${i}`);
  const roles = Array.from({ length: Math.max(2, Math.ceil(n / 100)) }, (_, i) => `BenchRole${i}`);
  const users = Array.from({ length: n }, (_, i) => {
    const dept = departements[i % departements.length] as string;
    return {
      userName: `bench.user${i}`,
      nom: `Nom${i}`,
      prenom: `Prenom${i}`,
      dept,
      password: `Bench-${i}-Quartz-Lynx!`,
      grants: [
        { role: roles[i % roles.length] as string, departement: dept },
        { role: "Ens", departement: departements[(i + 1) % departements.length] as string },
      ],
    };
  });
  return { departements, roles, permissions: ["ScoView", "EnsView"], users };
}

/** The Fess part, proportionate to N: a role per 100 users, a group per 50, an account per 5 holding two roles and a group. */
export interface FessDeclaration {
  readonly roles: string[];
  readonly groups: { name: string; gidNumber: string }[];
  readonly users: { name: string; password: string; roles: string[]; groups: string[] }[];
}

export function fessDeclaration(n: number): FessDeclaration {
  const roles = Array.from({ length: Math.max(2, Math.ceil(n / 100)) }, (_, i) => `bench-role-${i}`);
  const groups = Array.from({ length: Math.max(2, Math.ceil(n / 50)) }, (_, i) => ({
    name: `bench-group-${i}`,
    gidNumber: String(6000 + i),
  }));
  const users = Array.from({ length: Math.max(2, Math.ceil(n / 5)) }, (_, i) => ({
    name: `bench.searcher${i}`,
    password: `Fess-${i}-Cedar-Orbit!`,
    roles: [roles[i % roles.length] as string, roles[(i + 1) % roles.length] as string],
    groups: [(groups[i % groups.length] as { name: string }).name],
  }));
  return { roles, groups, users };
}

/**
 * The Scenari part, proportionate to N: a group per 50 users, an author per
 * 5 in one group, a workspace per 100 where its authors write and one group
 * reads.
 */
export interface ScenariDeclaration {
  readonly groups: string[];
  readonly users: { account: string; firstName: string; lastName: string; group: string; password: string }[];
  readonly workspaces: { alias: string; title: string; authors: string[]; readers: string }[];
}

export function scenariDeclaration(n: number): ScenariDeclaration {
  const groups = Array.from({ length: Math.max(2, Math.ceil(n / 50)) }, (_, i) => `bench-readers${i}`);
  const users = Array.from({ length: Math.max(2, Math.ceil(n / 5)) }, (_, i) => ({
    account: `bench-author${i}`,
    firstName: "Bench",
    lastName: `Author${i}`,
    group: groups[i % groups.length] as string,
    password: `Scenari-${i}-Fjord-Lumen!`,
  }));
  const count = Math.max(1, Math.ceil(n / 100));
  const workspaces = Array.from({ length: count }, (_, i) => ({
    alias: `bench-course-${i}`,
    title: `Bench course ${i}`,
    authors: users.filter((_, u) => u % count === i).map((u) => u.account),
    readers: groups[i % groups.length] as string,
  }));
  return { groups, users, workspaces };
}

/** The model every bench workspace declares: a version prefix, resolved against the server's installed models. */
export const SCENARI_MODEL = { key: "Opale", version: "5", lang: "fr-FR" } as const;
