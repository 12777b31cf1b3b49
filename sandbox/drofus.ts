/**
 * The dRofus admin REST API sandbox, built from shared/reference/apis/drofus.md
 * and the seed document (002, the French translation of "Admin system REST API").
 * The admin API is a Rails application whose status codes, error bodies and
 * most field lists are unpublished; the sandbox follows Rails conventions
 * there. What no source confirms is listed here, so that it can be checked
 * against a real server and changed in one place.
 *
 * INFERRED, routing and HTTP:
 * - Auth: HTTP Basic against enabled admin-system users only (users created
 *   through /project_users have no password). Wrong or missing credentials:
 *   401, `WWW-Authenticate: Basic realm="Application"`, `HTTP Basic: Access
 *   denied.\n` (stock Rails). Every admin acts as an owner admin of every
 *   owner: no 403 is modelled.
 * - Order of answers, as before_actions run: 401, 406, 404 (the record the URL
 *   names), 400 (the body), 422.
 *   Unknown paths and unsupported methods answer 404 without asking for
 *   credentials, as a Rails routing error does (Rails has no 405).
 * - Format: a `.json`/`.xml`/`.html` suffix counts only when the rest of the
 *   last segment has no dot, so `/users/hakonhc.json` works and
 *   `/users/hakon.clausen.json` means the user "hakon.clausen.json". Without
 *   a suffix the Accept header decides as in Rails: its preferred type, but
 *   HTML for a bare `*\/*` (curl's, fetch's default) or a browser-like list
 *   such as `application/json, *\/*`. The real site then renders HTML or XML;
 *   the sandbox answers 406 with a hint instead.
 * - Errors are Rails 4 production pages: `{"status":"404","error":"Not Found"}`
 *   (status as a string), `{"status":"400","error":"Bad Request"}` for a body
 *   that is not JSON or lacks its non-empty `{"model":{...}}` object.
 * - Bodies: JSON when the Content-Type says so, else an urlencoded form with
 *   `model[field]=` nesting. `wrap_parameters`: an unwrapped JSON body gets its
 *   column keys (the rendered keys) wrapped, so virtual fields like `new_db`
 *   must be wrapped by the client. Unknown and non-scalar fields are dropped
 *   silently (strong parameters).
 * - Create: 201, the wrapped record and an absolute `Location`. Update (PATCH,
 *   and PUT as Rails routes it): 200 and the wrapped record. Delete: 204, no
 *   body. The GET actions (disable, enable, kick, disableall, enableall,
 *   kickall): 200 `{"status":"ok"}`. Validation: 422 `{"field":["message"]}`,
 *   every failing field at once, Rails' stock messages.
 * - Record ids in URLs are plain digits (Rails' `"5abc".to_i` leniency is not
 *   copied). `username,projectid` is split on its last comma; `%2C` works.
 *
 * INFERRED, data:
 * - Rendered keys are exactly those of the documented answers, no more:
 *   project (14 keys of `GET /projects.json?query=template`), owner (`POST
 *   /owners`), project_user (`POST /project_users`: created_at, project_id,
 *   role, superuser, user_role_id, username). Hence `constructor` and
 *   `project_type_id` of a project, and the rights and the `addon_admin` and
 *   `no_web_admin_access` flags of a project user, are write-only: accepted,
 *   stored (visible in the sandbox state), never answered. `role` and
 *   `user_role_id` stay null. The project list holds no project users: the
 *   documentation says the index "returns projects and project users", but
 *   its one sample shows projects only, which the sandbox follows (tests
 *   serve the other readings as canned answers, test/support/drofusIndex.ts).
 * - user: `{"user":{created_at, disabled, email, first_name, last_name,
 *   username}}`, keyed by username (no number). database: `{"database":
 *   {created_at, name, owner_id}}`, keyed by name, which projects hold as
 *   `database_id`.
 * - Projects. Create requires name, constructor, description, owner_id,
 *   project_type_id and new_db, plus new_db_name and new_db_template when
 *   new_db is true, existing_db_name when false. Messages: "can't be blank";
 *   `owner: ["must exist"]` (Rails 5 belongs_to); project_type_id "is not
 *   included in the list"; new_db_name "has already been taken" or "is invalid"
 *   (letters, digits, `_`, `-`); new_db_template and existing_db_name "does not
 *   exist". Any database may serve as template. Update may not blank the
 *   name; `active` must be a boolean, `gross_area` a number. `created_by` and
 *   `updated_by` are the admin's username, `updated` the time of the last
 *   update. `query` is a case-insensitive substring of the name; inactive
 *   projects are listed only with a true `show_all`; lists are in id order.
 *   Delete removes the memberships and keeps the database.
 * - Project users. Rights are 1 Full, 2 Limited, 3 Read, 4 None, as integers
 *   or digit strings; anything else, null included, is "is not included in the
 *   list". Omitted rights stay null (the server's default is unknown). Flags
 *   take Rails' boolean spellings, blank clearing them.
 *   `room_surface_treatment_rights` is a seventh right. POST requires the
 *   `project_user` and `user` objects; an unknown username creates the user
 *   (first_name, last_name and an email-like email required); for a known one
 *   the details sent must be the registered ones (email case-insensitively),
 *   else `{"first_name":["does not match the registered user"]}`. Unknown
 *   project: `{"project":["must exist"]}`. Twice the same: `{"user":["already
 *   in project"]}`. `mail_type` is optional, a positive integer, and recorded
 *   in the state's `mails`. PATCH ignores the username and project_id of its
 *   body: the URL says which membership.
 * - Owners: only the name is required, names need not be unique, `image` is
 *   not writable; no update or delete.
 * - A disabled user cannot log into the admin API either. `kick`, `kickall` and
 *   `get_backup_now` are recorded in the state's `events`; the backup is an
 *   octet-stream attachment whatever the format asked.
 * - Not modelled: /node/logins, /node/unique_users, /project_data,
 *   /password/*, /emails, HTML and XML renderings, per-owner scoping.
 *
 * Where the sources disagree, and what the sandbox does:
 * - The reference calls /owners listing only; the seed creates an owner with
 *   POST /owners. POST is served.
 * - The seed makes "all parameters" of a project mandatory, yet the database
 *   ones apply to one branch of new_db each; the reference calls the template
 *   optional. Each branch's parameters are required, the template included.
 * - The seed describes `name` as the database's name; its example and the
 *   documented JSON use it as the project's name. It is the project's name.
 * - The seed's PATCH example goes to `/project_user/testuser,1` (singular) with
 *   a body naming user "test" in project 647. Only `/project_users` is routed,
 *   and the URL decides.
 * - The seed's DELETE example puts the URL where `-u` expects credentials.
 * - The reference lists `constructor`, `project_type_id`, nested project users
 *   and the rights as fields; the documented answers show none of them. The
 *   documented answers win (see the data notes above).
 * - The seed's table of project types lost its rows: type 1 (its example) is
 *   seeded, the `addProjectType` op adds more.
 */
import type { Reply, RequestContext } from "./core/router";
import { Router } from "./core/router";
import { Sandbox, type SandboxDefinition, type SandboxOptions } from "./core/server";
import { backupNow, kickAll, listDatabases, setDatabaseUsersDisabled } from "./drofus/databases";
import { mount } from "./drofus/endpoint";
import { drofusOps } from "./drofus/ops";
import { createOwner, listOwners, showOwner } from "./drofus/owners";
import { createProject, destroyProject, listProjects, showProject, updateProject } from "./drofus/projects";
import { createProjectUser, destroyProjectUser, showProjectUser, updateProjectUser } from "./drofus/projectUsers";
import { errorPage, formatOf } from "./drofus/rails";
import { type DrofusState, seedDrofus } from "./drofus/state";
import { kickUser, listUsers, setUserDisabled, showUser } from "./drofus/users";

export type { DrofusState } from "./drofus/state";

function drofusRouter(): Router<DrofusState> {
  const router = new Router<DrofusState>();
  mount(router, "GET", "/projects", listProjects);
  mount(router, "POST", "/projects", createProject);
  mount(router, "GET", "/projects/:id", showProject);
  mount(router, "PATCH", "/projects/:id", updateProject);
  mount(router, "PUT", "/projects/:id", updateProject);
  mount(router, "DELETE", "/projects/:id", destroyProject);

  mount(router, "GET", "/owners", listOwners);
  mount(router, "POST", "/owners", createOwner);
  mount(router, "GET", "/owners/:id", showOwner);

  mount(router, "GET", "/users", listUsers);
  mount(router, "GET", "/users/:id", showUser);
  mount(router, "GET", "/users/:id/disable", setUserDisabled(true));
  mount(router, "GET", "/users/:id/enable", setUserDisabled(false));
  mount(router, "GET", "/users/:id/kick", kickUser);

  mount(router, "GET", "/database", listDatabases);
  mount(router, "GET", "/database/:id/disableall", setDatabaseUsersDisabled(true));
  mount(router, "GET", "/database/:id/enableall", setDatabaseUsersDisabled(false));
  mount(router, "GET", "/database/:id/kickall", kickAll);
  mount(router, "GET", "/database/:id/get_backup_now", backupNow, { anyFormat: true });

  mount(router, "POST", "/project_users", createProjectUser);
  mount(router, "GET", "/project_users/:id", showProjectUser);
  mount(router, "PATCH", "/project_users/:id", updateProjectUser);
  mount(router, "PUT", "/project_users/:id", updateProjectUser);
  mount(router, "DELETE", "/project_users/:id", destroyProjectUser);
  return router;
}

export const drofusDefinition: SandboxDefinition<DrofusState> = {
  app: "drofus",
  seed: seedDrofus,
  router: drofusRouter(),
  // A Rails routing error: 404 whatever the method, and no authentication yet.
  notFound: (ctx: RequestContext): Reply => errorPage(404, formatOf(ctx)),
  badBody: (ctx: RequestContext): Reply => errorPage(400, formatOf(ctx)),
  ops: drofusOps,
};

/** A dRofus admin site; its client URL is the server root, as the admin API lives at the site's root. */
export function createDrofusSandbox(options?: SandboxOptions): Sandbox<DrofusState> {
  return new Sandbox(drofusDefinition, options);
}
