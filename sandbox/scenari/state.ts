/**
 * What the Scenari sandbox remembers: accounts, workspaces with their role
 * maps, and the installed workspace models. Plain JSON only, so that the
 * state can be persisted, read and rewritten through `/__sandbox/state`.
 *
 * Collections are arrays, not records keyed by account or code: those keys
 * come from clients, and a key such as `__proto__` must be an ordinary value,
 * never an object's prototype.
 */

export type Backend = "odb" | "fs";

export interface ScenariState {
  /** `odb` (database, the default) or `fs` (file system): see `wspProvider.backEnd`. */
  readonly backEnd: Backend;
  accounts: StoredAccount[];
  wsps: StoredWsp[];
  /** The installed models, as `wspMetaEditor?cdaction=GetNewEditor` lists them. */
  wspTypeDefs: WspTypeDef[];
}

export type UserType = "user" | "group";

/** One account of the shared user/group namespace, as stored (see `JUser` for what clients read). */
export interface StoredAccount {
  account: string;
  userType: UserType;
  nickNames?: string[];
  firstName?: string;
  lastName?: string;
  groupName?: string;
  email?: string;
  categ?: string;
  /** Direct parent groups. */
  groups?: string[];
  grantedRoles?: string[];
  refusedRoles?: string[];
  authMethod?: string;
  isDisabled?: boolean;
  /** Epoch ms. */
  disabledEndDt?: number;
  isHidden?: boolean;
  isReadOnly?: boolean;
  isSuperAdmin?: boolean;
  isAnonymous?: boolean;
  /** Never rendered. A salted digest, so a persisted state file holds no password. */
  password?: PasswordDigest;
  /** Epoch ms of the last password change. */
  pwdDt?: number;
  pwdEndDt?: number;
}

export interface PasswordDigest {
  readonly salt: string;
  readonly sha256: string;
}

/** An installed model (`wspTypeDef`) and the options it offers. */
export interface WspTypeDef {
  key: string;
  uri: string;
  /** Dotted integers: the Python client parses each component with `int()`. */
  version: string;
  lang: string;
  title: string;
  options: WspOptionDef[];
}

export interface WspOptionDef {
  key: string;
  uri: string;
  version: string;
  lang: string;
  title: string;
  nature: "skin" | "gen" | "ext";
}

/** A model or option as a workspace holds it (`wspType`, `wspOptions[]`). */
export interface WspTypeRef {
  key: string;
  uri?: string;
  version?: string;
  lang?: string;
  title?: string;
}

export interface StoredWsp {
  /** Server-assigned on `odb`; the client's `code` on `fs`. */
  wspCd: string;
  /** `odb` only. */
  alias?: string;
  /** Absent on drafts and derived workspaces, whose title comes from elsewhere. */
  title?: string;
  desc?: string;
  skins?: string[];
  /** `odb` flags, rendered as the strings "true"/"false" in `props`. */
  publicWsp?: boolean;
  airIt?: boolean;
  extIt?: boolean;
  mirror?: boolean;
  draft?: { refWsp: string; title?: string };
  derived?: { masterWsp: string; axis: string; defaultSrcFindPath: string[] };
  /** `fs` only. */
  folderContent?: string;
  folderGen?: string;
  wspType: WspTypeRef;
  wspOptions: WspTypeRef[];
  /** `odb` only: deleted but restorable. */
  trashed?: boolean;
  createdAt: number;
  modifiedAt: number;
  /** Role maps set with `wspSrc SetSpecifiedRoles`, one per node that has one. */
  roleNodes: RoleNode[];
}

export interface RoleNode {
  /** `""` for the workspace root, else `/path/to/space`. */
  refUri: string;
  entries: RoleEntry[];
}

export interface RoleEntry {
  account: string;
  allowedRoles?: string[];
  deniedRoles?: string[];
}
