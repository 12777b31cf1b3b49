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
  const projects = Array.from({ length: Math.max(1, Math.ceil(n / 100)) }, (_, i) => ({ name: `Bench project ${i}`, database: `bench-db-${i}` }));
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
export const DROFUS_PROJECT = { description: "bench", constructor: "Builders Ltd", ownerId: 5, projectTypeId: 1, template: "dev-template" } as const;
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
