/**
 * A local Scenari 6 chain server: the admin HTTP API of users, groups, roles
 * and workspaces, as described in shared/reference/apis/scenari.md and as
 * the official Python client (scenaripy-api with scchainserver-6-5) drives it.
 *
 * Client URL: `{root}/scenarichain-server` (the chain portlet). Services:
 * `{portlet}/{script|web}/u/{adminUsers|adminWsp|wspMetaEditor|wspSrc|ping}
 * ?cdaction=…&param=…`, HTTP Basic on every request.
 *
 * INFERRED — what no source confirmed, chosen here and kept consistent:
 * - Portlet path `/scenarichain-server` (the system conf's `{webapp.code}`).
 * - Auth: missing or wrong credentials → 401 with `WWW-Authenticate: Basic`;
 *   an authenticated account without `main:admin`/`main:manager` (or
 *   `isSuperAdmin`) → 403 on every service but `ping`. Login by account or
 *   nick name; groups, disabled and passwordless accounts cannot log in.
 *   `Sccsrf` is accepted, never required.
 * - HTTP errors (bad or missing parameters, malformed CDM or XML, unknown
 *   `cdaction`: 400; unknown workspace on a write: 404; alias or FS code
 *   taken: 409; wrong method: 405; unmodelled feature: 501) are answered
 *   with a short text/plain body, not JSON.
 * - Reads accept GET or POST; writes POST; CreateWsp, UpdateWspType,
 *   MigrateUpdateWspType and IsMigrationNeeded PUT only. Query booleans
 *   (`normaliseWspType`, `withWspSrcSpecifiedRoles`) are read
 *   case-insensitively, anything but true/false → 400.
 * - Seed: the administrator (Sandbox credentials) holds `main:admin` and is
 *   `isSuperAdmin`; hidden read-only system accounts `system` (`main:system`)
 *   and `anonymous` (`isAnonymous`); no workspace.
 * - adminUsers:
 *   - JUser renders only what is set: no `null`, `""`, `[]` or `false`
 *     values; `flattenedGroups` only on `fields=flattenedGroups`, any field
 *     removed by `fields=-name`; `inheritedRoles` = global roles granted to
 *     the account's groups, transitively.
 *   - Write results: CreateUser/CreateGroup `{"result":"available","user"}`,
 *     UpdateUser/UpdateGroup `{"result":"updated","user"}`, failures
 *     `{"result":…,"secondaryResults":{"error":{"type","msg"}}}` with HTTP
 *     200: account or nick name taken → failedAccountConflict
 *     (AccountConflictException, NickConflictException); invalid name
 *     (`[A-Za-z0-9_][A-Za-z0-9_.@-]*`), wrongly typed prop, unknown parent
 *     group, group cycle, password on a group → failedInvalidDatas; unknown
 *     account, read-only account, user↔group switch → otherFailure.
 *   - Unknown userProps keys are ignored; `null` clears a prop;
 *     `passwordSetMode` is accepted and ignored (no mail is sent). Roles are
 *     any non-empty strings. CurrentUser answers the JUser itself.
 *   - UpdateUser and UpdateGroup act on any account type (as scenaripy's
 *     set_granted_roles relies on); so do DropUser and DropGroup, which skip
 *     unknown accounts, refuse read-only ones (in-band, nothing dropped), take
 *     away the dropped groups' memberships, answer `{}`, and leave workspace
 *     role entries in place (then read with `userUnknown: true`).
 *   - List: sorted by account; `filterHidden: true` excludes hidden
 *     accounts; `firstChars` is a case-insensitive prefix of account, nick
 *     names, names or e-mail; `fieldMatchRegExp` is tested on the fields
 *     named in `fieldsContainsList` (separated by spaces, commas or `*`);
 *     `filterGroupsMembers` matches direct or indirect members;
 *     `filterRoles` granted or inherited roles; `filterDisabled` reads
 *     "temporary" as "with a `disabledEndDt`", and an account whose
 *     `disabledEndDt` has passed as disabled.
 * - adminWsp:
 *   - `wspCd`: 22 random alphanumerics (odb); the client's `code` (fs), which
 *     then also replaces `alias`, unsupported there. DB-only params on fs and
 *     FS-only params on odb → 400. `title` is required at creation on odb
 *     (the client library types it so), except for drafts and derived
 *     workspaces, which show their draft title or their reference's or
 *     master's title.
 *   - `props` flags (`publicWsp`, `airIt`, `extIt`, `mirror`) are always
 *     present on odb, as "true"/"false"; `desc` only when set.
 *   - `wspType` bodies must name an installed model (and offered options);
 *     with `normaliseWspType` (default true) the stored type is the installed
 *     one, newest version first when only a prefix is given. Models
 *     uninstalled afterwards give the workspace
 *     `wspTypeWarn: "wspTypeNotInstalled"`. Any installed version may replace
 *     any other (downgrades included); MigrateUpdateWspType completes at
 *     once, never answering `status: "loading"`.
 *   - UpdateWspProps merges: keys not given are kept; `null` or `""` clear
 *     `desc`/`alias`; identity fields (`code`, `wspRef`, `wspMaster`, FS
 *     folders) may be repeated unchanged, not changed (400).
 *   - DeleteWsp: odb moves to the trash (still answered by InfoWsp, with
 *     `srcFields.srcSt = -1`; alias stays reserved; deleting again is a
 *     no-op); fs forgets the workspace. RestoreWsp of a workspace not in the
 *     trash → 400. DeletePermanentlyWsp purges, trashed or not. ListTrash on
 *     fs is empty. Writes answer 200 with the InfoWsp JSON or no body.
 *   - InfoWsp of an unknown workspace: `{"status":"noWsp"}` and nothing else.
 *   - `srcFields`: `srcRoles` = the caller's roles on the root, `srcRi` =
 *     511/255/3/0 for admin-manager/author/reader/other, `srcSt` = 2 (folder)
 *     or -1 (trash), `srcDt` = last change.
 *   - IsMigrationNeeded: another model or another major version.
 * - wspMetaEditor: root element `<wspMetaEditor>`; `newest="true"` on the
 *   newest version of each model and language; the catalogue is sample data.
 * - wspSrc: SetSpecifiedRoles replaces the given accounts' entries whole,
 *   keeps the others, removes entries left with no roles, and accepts unknown
 *   accounts (`userUnknown`) and any space path; `inheritedRoles` of a space
 *   entry = roles allowed to the same account on ancestor spaces. Other
 *   GetSrc formats → 501.
 */
import { Sandbox, type SandboxDefinition, type SandboxOptions } from "../core/server";
import { scenariOps } from "./ops";
import { notFound, PORTLET_PATH, portletRouter } from "./portlet";
import { seedState } from "./seed";
import type { Backend, ScenariState } from "./state";

export type { ScenariState } from "./state";
export { PORTLET_PATH } from "./portlet";

export interface ScenariSandboxOptions extends SandboxOptions {
  /** `db` (the default) stores workspaces in a database, with aliases and a trash; `fs` on disk, named by `code`. */
  readonly backend?: "db" | "fs";
}

export function createScenariSandbox(options: ScenariSandboxOptions = {}): Sandbox<ScenariState> {
  const { backend = "db", ...sandboxOptions } = options;
  const backEnd: Backend = backend === "fs" ? "fs" : "odb";
  const definition: SandboxDefinition<ScenariState> = {
    app: "scenari",
    seed: (credentials) => seedState(credentials, backEnd),
    router: portletRouter(),
    notFound,
    ops: scenariOps,
    clientPath: PORTLET_PATH,
  };
  return new Sandbox(definition, sandboxOptions);
}
