/**
 * The sandbox's ScoDoc database: plain JSON, so that it can be persisted,
 * read and rewritten through `/__sandbox/state`.
 *
 * Records keep ScoDoc's column names. Datetimes are ISO 8601 strings in UTC.
 */
import type { Credentials } from "../core/server";
import { hashPassword } from "./passwords";
import { SCHEMES, type PermissionScheme } from "./permissions";

export interface DepartementRecord {
  id: number;
  /** Never changes once created: ScoDoc has no rename. */
  acronym: string;
  dept_name: string | null;
  description: string | null;
  visible: boolean;
  date_creation: string;
}

export interface RoleRecord {
  id: number;
  name: string;
  /** A set, kept as names; rendered in the scheme's bit order. */
  permissions: string[];
}

export interface UserRecord {
  id: number;
  user_name: string;
  /** `salt$sha256hex`, or null for a user who cannot log in. Never rendered. */
  password_hash: string | null;
  active: boolean;
  nom: string | null;
  prenom: string | null;
  email: string | null;
  email_institutionnel: string | null;
  /** Home departement acronym: a plain string, not a reference (no foreign key in ScoDoc). */
  dept: string | null;
  date_created: string;
  date_expiration: string | null;
  date_modif_passwd: string | null;
  last_seen: string | null;
  cas_id: string | null;
  cas_allow_login: boolean;
  cas_allow_scodoc_login: boolean;
  cas_last_login: string | null;
  edt_id: string | null;
  /** One API token per user, in one column, as in ScoDoc. */
  token: string | null;
  token_expiration: string | null;
}

/**
 * A `UserRole` row. It points at the role by id, so renaming a role renames
 * it in every `roles_string`; `dept` is a plain acronym that may outlive its
 * departement.
 */
export interface GrantRecord {
  user_id: number;
  role_id: number;
  dept: string | null;
}

export interface EtudiantRecord {
  id: number;
  dept_id: number;
  civilite: "M" | "F" | "X";
  nom: string;
  nom_usuel: string | null;
  prenom: string;
  code_nip: string;
  code_ine: string;
}

export interface ScodocState {
  permissionScheme: PermissionScheme;
  /** Next primary keys: like PostgreSQL sequences, ids are never reused. */
  next: { departement: number; role: number; user: number; etudiant: number };
  departements: DepartementRecord[];
  roles: RoleRecord[];
  users: UserRecord[];
  grants: GrantRecord[];
  etudiants: EtudiantRecord[];
}

export interface SeedOptions {
  readonly permissionScheme: PermissionScheme;
  readonly departements: readonly string[];
  readonly now: number;
}

export function seedState(credentials: Credentials, options: SeedOptions): ScodocState {
  const created = new Date(options.now).toISOString();
  const scheme = SCHEMES[options.permissionScheme];
  const roles = scheme.defaultRoles.map((r, i) => ({ id: i + 1, name: r.name, permissions: [...r.permissions] }));
  const superAdmin = roles.find((r) => r.name === "SuperAdmin");
  if (!superAdmin) throw new Error("the default roles lack SuperAdmin");
  const departements = options.departements.map((acronym, i) => ({
    id: i + 1,
    acronym,
    dept_name: null,
    description: null,
    visible: true,
    date_creation: created,
  }));
  const admin = newUser(1, credentials.username, created);
  admin.password_hash = hashPassword(credentials.password);
  admin.nom = "Admin";
  admin.prenom = "ScoDoc";
  return {
    permissionScheme: options.permissionScheme,
    next: { departement: departements.length + 1, role: roles.length + 1, user: 2, etudiant: 1 },
    departements,
    roles,
    users: [admin],
    grants: [{ user_id: admin.id, role_id: superAdmin.id, dept: null }],
    etudiants: [],
  };
}

/** A user as ScoDoc's column defaults make it. */
export function newUser(id: number, userName: string, now: string): UserRecord {
  return {
    id,
    user_name: userName,
    password_hash: null,
    active: true,
    nom: null,
    prenom: null,
    email: null,
    email_institutionnel: null,
    dept: null,
    date_created: now,
    date_expiration: null,
    date_modif_passwd: now,
    last_seen: now,
    cas_id: null,
    cas_allow_login: false,
    cas_allow_scodoc_login: false,
    cas_last_login: null,
    edt_id: null,
    token: null,
    token_expiration: null,
  };
}

// Exact, case-sensitive lookups: ScoDoc filters with `filter_by(name=...)`.
export function findDepartement(state: ScodocState, acronym: string): DepartementRecord | undefined {
  return state.departements.find((d) => d.acronym === acronym);
}

export function findRole(state: ScodocState, name: string): RoleRecord | undefined {
  return state.roles.find((r) => r.name === name);
}

export function findUser(state: ScodocState, userName: string): UserRecord | undefined {
  return state.users.find((u) => u.user_name === userName);
}

export function userById(state: ScodocState, id: number): UserRecord | undefined {
  return state.users.find((u) => u.id === id);
}
