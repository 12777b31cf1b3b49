/**
 * ScoDoc's permission names and default roles, in the two naming schemes a
 * server may speak: the modern one (9.6 and later) and the legacy `Sco*` one.
 */

export type PermissionScheme = "modern" | "legacy";

/** The permissions the sandbox itself enforces, named independently of the scheme. */
export type Capability = "superAdmin" | "view" | "usersView" | "usersAdmin" | "changeCasId";

export interface SchemeDefinition {
  /** Every permission name, in ScoDoc's bit order: `GET /permissions` lists them so. */
  readonly permissions: readonly string[];
  readonly capabilities: Readonly<Record<Capability, string>>;
  /** Default roles in ScoDoc's id order; SuperAdmin, last, holds every permission. */
  readonly defaultRoles: readonly { readonly name: string; readonly permissions: readonly string[] }[];
}

// Bit order of the legacy list (reference §4), each renamed, then the permissions
// that only exist under the modern scheme (their relative order is INFERRED).
const MODERN = [
  "ScoSuperAdmin",
  "ScoView",
  "EnsView",
  "Observateur",
  "UsersAdmin",
  "UsersView",
  "EditPreferences",
  "EditFormation",
  "EditFormationTags",
  "EditAllNotes",
  "EditAllEvals",
  "EditFormSemestre",
  "AbsChange",
  "AbsAddBillet",
  "EtudChangeAdr",
  "EtudChangeGroups",
  "EtudInscrit",
  "EtudAddAnnotations",
  "EditApogee",
  "RelationsEntrepView",
  "RelationsEntrepEdit",
  "RelationsEntrepSend",
  "RelationsEntrepValidate",
  "RelationsEntrepViewCorrs",
  "RelationsEntrepExport",
  "UsersChangeCASId",
  "AbsJustifView",
] as const;

// The 22 bit flags of sco_permissions.py, then the enterprise names of the 2022 role sample.
const LEGACY = [
  "ScoSuperAdmin",
  "ScoView",
  "ScoEnsView",
  "ScoObservateur",
  "ScoUsersAdmin",
  "ScoUsersView",
  "ScoChangePreferences",
  "ScoChangeFormation",
  "ScoEditFormationTags",
  "ScoEditAllNotes",
  "ScoEditAllEvals",
  "ScoImplement",
  "ScoAbsChange",
  "ScoAbsAddBillet",
  "ScoEtudChangeAdr",
  "ScoEtudChangeGroups",
  "ScoEtudInscrit",
  "ScoEtudAddAnnotations",
  "ScoEntrepriseView",
  "ScoEntrepriseChange",
  "ScoEditPVJury",
  "ScoEditApo",
  "RelationsEntreprisesView",
  "RelationsEntreprisesChange",
  "RelationsEntreprisesSend",
  "RelationsEntreprisesValidate",
  "RelationsEntreprisesCorrespondants",
] as const;

type Modern = (typeof MODERN)[number];
type Legacy = (typeof LEGACY)[number];

const SECR_MODERN: readonly Modern[] = [
  "AbsAddBillet",
  "AbsChange",
  "EditApogee",
  "EtudAddAnnotations",
  "EtudChangeAdr",
  "Observateur",
  "UsersView",
  "ScoView",
];

const SECR_LEGACY: readonly Legacy[] = [
  "ScoAbsAddBillet",
  "ScoAbsChange",
  "ScoEditApo",
  "ScoEntrepriseChange",
  "ScoEntrepriseView",
  "ScoEtudAddAnnotations",
  "ScoEtudChangeAdr",
  "ScoObservateur",
  "ScoUsersView",
  "ScoView",
];

export const SCHEMES: Readonly<Record<PermissionScheme, SchemeDefinition>> = {
  modern: {
    permissions: MODERN,
    capabilities: {
      superAdmin: "ScoSuperAdmin",
      view: "ScoView",
      usersView: "UsersView",
      usersAdmin: "UsersAdmin",
      changeCasId: "UsersChangeCASId",
    },
    defaultRoles: [
      { name: "Observateur", permissions: ["Observateur"] },
      {
        name: "Ens",
        permissions: ["AbsAddBillet", "AbsChange", "EnsView", "EtudAddAnnotations", "Observateur", "UsersView", "ScoView"],
      },
      { name: "Secr", permissions: SECR_MODERN },
      {
        name: "Admin",
        permissions: [
          ...SECR_MODERN,
          "EditFormation",
          "EditPreferences",
          "EditAllEvals",
          "EditAllNotes",
          "EditFormationTags",
          "EnsView",
          "EtudChangeGroups",
          "EtudInscrit",
          "EditFormSemestre",
          "UsersAdmin",
        ],
      },
      { name: "RespPe", permissions: ["EditFormationTags"] },
      { name: "ObservateurEntreprise", permissions: ["RelationsEntrepView"] },
      { name: "UtilisateurEntreprise", permissions: ["RelationsEntrepViewCorrs", "RelationsEntrepEdit", "RelationsEntrepView"] },
      {
        name: "AdminEntreprise",
        permissions: [
          "RelationsEntrepViewCorrs",
          "RelationsEntrepValidate",
          "RelationsEntrepSend",
          "RelationsEntrepEdit",
          "RelationsEntrepView",
          "RelationsEntrepExport",
        ],
      },
      { name: "SuperAdmin", permissions: MODERN },
    ],
  },
  legacy: {
    permissions: LEGACY,
    capabilities: {
      superAdmin: "ScoSuperAdmin",
      view: "ScoView",
      usersView: "ScoUsersView",
      usersAdmin: "ScoUsersAdmin",
      // The legacy list has no CAS permission: only a super-admin may change a CAS id.
      changeCasId: "ScoSuperAdmin",
    },
    defaultRoles: [
      { name: "Observateur", permissions: ["ScoObservateur"] },
      {
        name: "Ens",
        permissions: [
          "ScoAbsAddBillet",
          "ScoAbsChange",
          "ScoEnsView",
          "ScoEntrepriseView",
          "ScoEtudAddAnnotations",
          "ScoObservateur",
          "ScoUsersView",
          "ScoView",
        ],
      },
      { name: "Secr", permissions: SECR_LEGACY },
      {
        name: "Admin",
        permissions: [
          ...SECR_LEGACY,
          "ScoChangeFormation",
          "ScoChangePreferences",
          "ScoEditAllEvals",
          "ScoEditAllNotes",
          "ScoEditFormationTags",
          "ScoEnsView",
          "ScoEtudChangeGroups",
          "ScoEtudInscrit",
          "ScoImplement",
          "ScoUsersAdmin",
        ],
      },
      { name: "RespPe", permissions: ["ScoEditFormationTags"] },
      { name: "ObservateurEntreprise", permissions: ["RelationsEntreprisesView"] },
      {
        name: "UtilisateurEntreprise",
        permissions: ["RelationsEntreprisesCorrespondants", "RelationsEntreprisesChange", "RelationsEntreprisesView"],
      },
      {
        name: "AdminEntreprise",
        permissions: [
          "RelationsEntreprisesCorrespondants",
          "RelationsEntreprisesValidate",
          "RelationsEntreprisesSend",
          "RelationsEntreprisesChange",
          "RelationsEntreprisesView",
        ],
      },
      { name: "SuperAdmin", permissions: LEGACY },
    ],
  },
};

/**
 * A role's permissions as ScoDoc lists them: in bit order, whatever order they
 * were granted in, because the server keeps a bit mask and not a list.
 */
export function inSchemeOrder(scheme: SchemeDefinition, permissions: Iterable<string>): string[] {
  const held = new Set(permissions);
  return scheme.permissions.filter((p) => held.has(p));
}
