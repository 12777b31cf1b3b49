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
