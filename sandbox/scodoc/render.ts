/**
 * The JSON ScoDoc answers for each object (its `to_dict` methods).
 */
import { abbrevPrenom, formatNom, formatPrenom } from "./names";
import { inSchemeOrder, SCHEMES } from "./permissions";
import type { DepartementRecord, EtudiantRecord, RoleRecord, ScodocState, UserRecord } from "./model";

/**
 * A stored UTC instant as Python's `datetime.isoformat()` prints an aware
 * datetime: microseconds only when there are some, then the offset.
 */
export function isoDate(stored: string | null): string | null {
  if (stored === null) return null;
  const date = new Date(stored);
  const ms = date.getUTCMilliseconds();
  const seconds = date.toISOString().slice(0, 19);
  return `${seconds}${ms === 0 ? "" : `.${String(ms * 1000).padStart(6, "0")}`}+00:00`;
}

export function renderDepartement(d: DepartementRecord) {
  return {
    id: d.id,
    acronym: d.acronym,
    dept_name: d.dept_name,
    description: d.description,
    visible: d.visible,
    date_creation: isoDate(d.date_creation),
  };
}

export function renderRole(state: ScodocState, r: RoleRecord) {
  return { id: r.id, role_name: r.name, permissions: inSchemeOrder(SCHEMES[state.permissionScheme], r.permissions) };
}

export function renderEtudiant(e: EtudiantRecord) {
  return {
    id: e.id,
    civilite: e.civilite,
    code_ine: e.code_ine,
    code_nip: e.code_nip,
    dept_id: e.dept_id,
    nom: e.nom,
    nom_usuel: e.nom_usuel,
    prenom: e.prenom,
    sort_key: [e.nom.toLowerCase(), e.prenom.toLowerCase()],
  };
}

/**
 * `",".join(f"{role.name}_{dept or ''}")` over the user's grants in the order
 * they were made: no space after the comma, an empty departement for a grant
 * valid in all of them.
 */
export function rolesString(state: ScodocState, user: UserRecord): string {
  const names = new Map(state.roles.map((r) => [r.id, r.name]));
  return state.grants
    .filter((g) => g.user_id === user.id)
    .map((g) => `${names.get(g.role_id) ?? ""}_${g.dept ?? ""}`)
    .join(",");
}

/** The user as `GET /user/<id>` shows it; keys in the order of ScoDoc's 2024 sample. Never the password. */
export function renderUser(state: ScodocState, u: UserRecord) {
  const nomFmt = u.nom ? formatNom(u.nom, false) : u.user_name;
  const prenomFmt = formatPrenom(u.prenom);
  const initials = abbrevPrenom(prenomFmt);
  return {
    active: u.active,
    cas_allow_login: u.cas_allow_login,
    cas_allow_scodoc_login: u.cas_allow_scodoc_login,
    cas_id: u.cas_id,
    cas_last_login: isoDate(u.cas_last_login),
    date_created: isoDate(u.date_created),
    date_expiration: isoDate(u.date_expiration),
    date_modif_passwd: isoDate(u.date_modif_passwd),
    dept: u.dept,
    edt_id: u.edt_id,
    email: u.email ?? "",
    email_institutionnel: u.email_institutionnel ?? "",
    id: u.id,
    last_seen: isoDate(u.last_seen),
    nom: u.nom ?? "",
    nom_fmt: nomFmt,
    nomcomplet: `${prenomFmt} ${nomFmt}`,
    nomplogin: `${u.nom ? formatNom(u.nom) : u.user_name.toUpperCase()} ${prenomFmt} (${u.user_name})`,
    nomprenom: `${nomFmt} ${initials}`.trim(),
    prenom: u.prenom ?? "",
    prenom_fmt: prenomFmt,
    prenomnom: `${initials} ${nomFmt}`.trim(),
    roles_string: rolesString(state, u),
    status_txt: u.active ? "actif" : "fermé",
    user_name: u.user_name,
  };
}

export type RenderedUser = ReturnType<typeof renderUser>;
