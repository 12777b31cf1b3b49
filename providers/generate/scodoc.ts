/**
 * ScoDoc's reader: departements, roles and users with their grants, read
 * through the package's own client (one HTTP layer, the same zod checks).
 */
import type { ResolvedConnection } from "../core/connection";
import { parseRolesString, scodocClient, type ScodocUserRecord } from "../scodoc/client";
import { byKey, Ref, type Declaration, type GeneratedStack, type LeftOut, type ReadOptions, type Value } from "./model";
import { resourceNames, variableNames } from "./names";

/**
 * The roles every ScoDoc creates on install (`SCO_ROLES_DEFAULTS`); ScoDoc
 * recreates and resets them on upgrade, so a stack should not own them.
 */
export const SCODOC_BUILTIN_ROLES: readonly string[] = [
  "Observateur",
  "Ens",
  "Secr",
  "Admin",
  "RespPe",
  "ObservateurEntreprise",
  "UtilisateurEntreprise",
  "AdminEntreprise",
  "SuperAdmin",
];

/** The kinds `--only` accepts for ScoDoc. */
export const SCODOC_KINDS = ["departement", "role", "user"] as const;

/** User fields written when the server holds a value: input name -> ScoDoc's name. */
const TEXT_FIELDS = {
  nom: "nom",
  prenom: "prenom",
  email: "email",
  dateExpiration: "date_expiration",
  casId: "cas_id",
  emailInstitutionnel: "email_institutionnel",
  edtId: "edt_id",
} as const satisfies Record<string, keyof ScodocUserRecord>;

/**
 * ScoDoc answers `2027-08-31T00:00:00+00:00`; the resource takes a date
 * without offset and compares the first 19 characters (user.ts `canonical`),
 * so the offset-free form is what adopts with no change.
 */
function inputDate(value: string): string {
  return value.replace(" ", "T").slice(0, 19);
}

export async function readScodoc(connection: ResolvedConnection, options: ReadOptions): Promise<GeneratedStack> {
  const client = scodocClient(connection);
  const keep = (kind: string, key: string) => options.only.get(kind)?.has(key) ?? true;
  const leftOut: LeftOut[] = [];

  options.progress("scodoc: reading departements");
  const allDepts = (await client.departements()).sort(byKey((d) => d.acronym));
  options.progress(`scodoc: ${allDepts.length} departements; reading roles`);
  const allRoles = (await client.roles()).sort(byKey((r) => r.role_name));
  options.progress(`scodoc: ${allRoles.length} roles; reading users`);
  const allUsers = (await client.users()).sort(byKey((u) => u.user_name));
  options.progress(`scodoc: ${allUsers.length} users`);

  const depts = allDepts.filter((d) => keep("departement", d.acronym));
  const builtinRoles = new Set(SCODOC_BUILTIN_ROLES);
  const roles = allRoles.filter((r) => keep("role", r.role_name) && (options.includeBuiltin || !builtinRoles.has(r.role_name)));
  const droppedBuiltinRoles = allRoles.filter((r) => !options.includeBuiltin && builtinRoles.has(r.role_name)).map((r) => r.role_name);
  if (droppedBuiltinRoles.length > 0)
    leftOut.push({
      what: "built-in roles",
      why: "ScoDoc creates them on install and resets them on upgrade (--include-builtin keeps them)",
      names: droppedBuiltinRoles,
    });

  // `--only departement=...` narrows users too: those at home in, or granted a role in, a kept departement.
  const deptFilter = options.only.get("departement");
  const attached = (u: ScodocUserRecord) =>
    !deptFilter ||
    (u.dept != null && deptFilter.has(u.dept)) ||
    parseRolesString(u.roles_string).some((g) => g.departement !== undefined && deptFilter.has(g.departement));
  const self = connection.username;
  const users = allUsers.filter((u) => keep("user", u.user_name) && attached(u) && (options.includeBuiltin || u.user_name !== self));
  if (!options.includeBuiltin && self !== undefined && allUsers.some((u) => u.user_name === self)) {
    leftOut.push({
      what: "the generator's own account",
      why: "the stack logs in with it; a change to it could lock the stack out (--include-builtin keeps it)",
      names: [self],
    });
  }

  const deptNames = resourceNames(depts.map((d) => d.acronym));
  const deptVars = variableNames(
    "dept",
    depts.map((d) => d.acronym),
  );
  const roleNames = resourceNames(roles.map((r) => r.role_name));
  const roleVars = variableNames(
    "role",
    roles.map((r) => r.role_name),
  );
  const userNames = resourceNames(users.map((u) => u.user_name));

  // A reference when the program declares the object, so the engine orders creates; the plain name otherwise.
  const deptRef = (acronym: string): Value => {
    const v = deptVars.get(acronym);
    return v ? new Ref(v, "acronym") : acronym;
  };
  const roleRef = (name: string): Value => {
    const v = roleVars.get(name);
    return v ? new Ref(v, "name") : name;
  };

  const deptDecls: Declaration[] = depts.map((d) => ({
    className: "ScodocDepartement",
    resourceName: deptNames.get(d.acronym)!,
    variable: deptVars.get(d.acronym)!,
    // visible defaults to true: written only when it is not.
    args: { acronym: d.acronym, visible: d.visible ? undefined : false, adopt: true },
  }));
  const roleDecls: Declaration[] = roles.map((r) => ({
    className: "ScodocRole",
    resourceName: roleNames.get(r.role_name)!,
    variable: roleVars.get(r.role_name)!,
    args: { name: r.role_name, permissions: [...r.permissions].sort(), adopt: true },
  }));
  const userDecls: Declaration[] = users.map((u) => {
    const args: Record<string, Value | undefined> = { userName: u.user_name };
    for (const [input, field] of Object.entries(TEXT_FIELDS)) {
      const value = u[field];
      // Empty on the server: left undeclared (unmanaged) rather than 300 lines of nulls.
      if (typeof value === "string" && value !== "") args[input] = field === "date_expiration" ? inputDate(value) : value;
    }
    if (u.dept) args.dept = deptRef(u.dept);
    // `active` defaults to true in the resource, so an inactive user must say so.
    if (u.active === false) args.active = false;
    if (u.cas_allow_login) args.casAllowLogin = true;
    if (u.cas_allow_scodoc_login) args.casAllowScodocLogin = true;
    // Authoritative, even when empty: the program owns every grant of the user.
    const grants = parseRolesString(u.roles_string).sort(byKey((g) => `${g.role}\u0000${g.departement ?? ""}`));
    args.roles = grants.map(
      (g): Value =>
        g.departement === undefined ? { role: roleRef(g.role) } : { role: roleRef(g.role), departement: deptRef(g.departement) },
    );
    args.adopt = true;
    return { className: "ScodocUser", resourceName: userNames.get(u.user_name)!, args };
  });

  return {
    app: "scodoc",
    sections: [
      { title: "Departements", declarations: deptDecls },
      { title: "Roles", declarations: roleDecls },
      { title: "Users and their role grants", declarations: userDecls },
    ],
    configKeys: [
      { key: "scodoc:url", secret: false, why: "the ScoDoc server" },
      { key: "scodoc:username", secret: false, why: "an account holding SuperAdmin" },
      { key: "scodoc:password", secret: true, why: "its password" },
    ],
    leftOut,
    counts: {
      departements: deptDecls.length,
      roles: roleDecls.length,
      users: userDecls.length,
      grants: userDecls.reduce((n, d) => n + ((d.args.roles as Value[] | undefined)?.length ?? 0), 0),
    },
    notes: [
      "Passwords: ScoDoc never returns them, and a user's password input is optional, so none is declared; add `password: config.requireSecret(...)` to a user to manage it.",
      "User fields the server leaves empty are not declared, so the program does not manage them; write one (even `null`) to manage it.",
      "A grant naming a role or departement the program does not declare (a built-in role, a departement that no longer exists) is written as its plain name.",
    ],
  };
}
