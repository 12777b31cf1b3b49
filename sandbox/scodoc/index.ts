/**
 * A local ScoDoc 9 API (departements, roles, permissions, users, tokens),
 * written from reference/apis/scodoc.md and the official API doc, not from
 * any client. The API lives under `/ScoDoc/api` of the server's root.
 *
 * Where the reference says INFERRED, or says nothing, this sandbox assumes:
 *
 * Authentication
 * - Every error, 401 included, is the envelope `{"error", "status", "message"}`.
 *   A 401 carries `WWW-Authenticate: Basic realm="Authentication Required"` on
 *   `POST /tokens` and `Bearer realm="Authentication Required"` elsewhere.
 * - A still-valid token of a user made inactive keeps authenticating (as
 *   9.0's check_token does); every permission check then fails with 403.
 * - `last_seen` moves when a token is issued; `date_expiration` does not stop a login.
 * - Unknown URLs (404) and wrong methods (405, with Allow) are answered before
 *   authentication, as Flask routes before it runs a view. So are `<int:...>`
 *   parameters that are not digits.
 *
 * URLs and permissions
 * - The departement-scoped copy of every view except tokens is served at
 *   `/ScoDoc/<dept>/api/...` (the reference's form; the official doc writes
 *   `/ScoDoc/api/<dept>/...`). An unknown departement there is a 404, after
 *   authentication. Permissions are then checked in that departement; under
 *   `/ScoDoc/api` only grants without a departement count.
 * - Departement reads need ScoView, role and permission reads UsersView,
 *   departement and role changes ScoSuperAdmin, user create/edit/password
 *   UsersAdmin, role grants (add and remove) ScoSuperAdmin.
 * - UsersAdmin held in some departements only must cover the user's
 *   departement (create: the new one; edit: the old and the new one; password
 *   and grants: the user's) or the answer is 403. A user outside the caller's
 *   UsersView departements is a 404 on `GET /user/<id>` and absent from
 *   `/users/query`.
 * - Changing `cas_id` needs UsersChangeCASId (ScoSuperAdmin under the legacy
 *   names); changing `cas_allow_login`/`cas_allow_scodoc_login` needs
 *   ScoSuperAdmin; both are 403 otherwise.
 *
 * Status codes
 * - 200 for every success but `DELETE /tokens` (204); deletions answer `{"OK": true}`.
 * - 404 for validation failures: invalid or duplicate acronym, empty, invalid
 *   or duplicate user_name, invalid or duplicate role name, unknown permission
 *   (nothing is changed), unknown role in a roles_string, missing password,
 *   unknown departement given as a user's dept or grant.
 * - 400 for a missing acronym, a weak password (the doc's exact body), a body
 *   that is not a JSON object (an empty one included, as get_json(force=True)
 *   refuses it), and a field of the wrong JSON type.
 *
 * Departements
 * - Dates are ISO 8601 as Python prints an aware UTC datetime
 *   (`2024-05-04T21:09:25.123000+00:00`), `date_creation` included (2022
 *   builds printed an HTTP date).
 * - `dept_name` and `description` are null and not editable through the API
 *   (the `editDepartement` op sets them).
 * - Create reads `visible` as Python's `bool()` of the value, default true;
 *   edit reads a missing `visible` as false (the reference's quirk).
 * - Delete removes the departement and its students; users whose home it was,
 *   and role grants naming it, are left as they are (no foreign keys).
 *
 * Roles and permissions
 * - Role names follow the CLI rule `^[a-zA-Z0-9]+$`, at most 64 characters.
 * - Role edit renames through `role_name` or, as in the doc's example, `name`
 *   (`role_name` wins); an empty name is ignored; nothing changes unless
 *   everything is valid. A role create body is optional.
 * - Permissions are listed in ScoDoc's bit order; the modern names take the
 *   legacy bit order through the reference's old-to-new mapping, then
 *   RelationsEntrep*, UsersChangeCASId, AbsJustifView. The default roles use
 *   the 9.0 sets mapped to modern names: the ScoEntreprise* and ScoEditPVJury
 *   permissions are dropped, RelationsEntreprisesChange becomes
 *   RelationsEntrepEdit, RelationsEntreprisesCorrespondants becomes
 *   RelationsEntrepViewCorrs, and AdminEntreprise also gets RelationsEntrepExport.
 *   The legacy scheme lists the 22 `Sco*` flags and the five
 *   RelationsEntreprises* names of the 2022 role sample.
 *
 * Users
 * - `/users/query`: `active` is read like `scu.to_bool` ("1", "true", "on",
 *   "yes", "oui"); `starts_with` is a literal, case-insensitive prefix of
 *   `nom`; `departement` defaults to the URL's departement; order is by
 *   user_name, compared code unit by code unit.
 * - Create: `dept: "@all"` is null; `password` is accepted without the
 *   strength check (9.0's from_dict). Create and edit accept `roles_string`,
 *   which replaces every grant (9.0's from_dict), but only from a
 *   ScoSuperAdmin; items are split on "," and then on the first "_", untrimmed.
 * - Edit: `user_name` and `password` are silently ignored. 9.0's "falsy
 *   becomes None" is not reproduced: `false` and `""` are stored as sent.
 * - Password strength stands in for cracklib: at least 8 characters, 5
 *   distinct, not a run like "abcdefgh", not a common word plus digits.
 * - Grants: the departement is looked up first, then the role, then the user
 *   (404 each). Adding an existing grant changes nothing; removing a missing
 *   one answers 200. A grant whose departement was deleted cannot be removed
 *   through `/remove/departement/<dept>` (the lookup 404s); a roles_string edit can.
 * - User dates print like departement dates; `date_expiration` accepts any
 *   ISO 8601 date and is stored in UTC.
 *
 * Seed: roles Observateur(1) ... AdminEntreprise(8), SuperAdmin(9); user 1,
 * the sandbox's credentials, holding `SuperAdmin_`; departement TAPI.
 */
import { Router } from "../core/router";
import { Sandbox, type SandboxDefinition, type SandboxOptions } from "../core/server";
import { mountApi } from "./api";
import { jsonError } from "./errors";
import { seedState, type ScodocState } from "./model";
import { scodocOps, type AdjustableClock } from "./ops";
import type { PermissionScheme } from "./permissions";
import { departementRoutes } from "./routes/departements";
import { roleRoutes } from "./routes/roles";
import { mountTokens } from "./routes/tokens";
import { userRoutes } from "./routes/users";

export type { ScodocState, DepartementRecord, RoleRecord, UserRecord, GrantRecord, EtudiantRecord } from "./model";
export type { PermissionScheme } from "./permissions";
export type { RenderedUser } from "./render";

export interface ScodocSandboxOptions extends SandboxOptions {
  /** The permission names the server speaks: "modern" (9.6 and later, the default) or "legacy" (`Sco*`). */
  readonly permissionScheme?: PermissionScheme;
  /** Departements present from the start; default `["TAPI"]`, the doc's example. */
  readonly departements?: readonly string[];
  /** The clock, in epoch milliseconds, so that tests can expire tokens without waiting an hour. */
  readonly now?: () => number;
}

export function createScodocSandbox(options: ScodocSandboxOptions = {}): Sandbox<ScodocState> {
  const base = options.now ?? Date.now;
  let offset = 0;
  const clock: AdjustableClock = {
    now: () => base() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };

  const router = new Router<ScodocState>();
  mountTokens(router, clock.now);
  mountApi(router, [...departementRoutes, ...roleRoutes, ...userRoutes], clock.now);

  const definition: SandboxDefinition<ScodocState> = {
    app: "scodoc",
    seed: (credentials) =>
      seedState(credentials, {
        permissionScheme: options.permissionScheme ?? "modern",
        departements: options.departements ?? ["TAPI"],
        now: clock.now(),
      }),
    router,
    notFound: (_ctx, allowed) =>
      allowed.length > 0
        ? jsonError(405, "The method is not allowed for the requested URL.", { allow: [...new Set(allowed)].join(", ") })
        : jsonError(404, "The requested URL was not found on the server."),
    badBody: (_ctx, error) => jsonError(400, `Failed to decode JSON object: ${error.message}`),
    ops: scodocOps(clock),
  };
  return new Sandbox(definition, options);
}
