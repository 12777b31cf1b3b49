/**
 * A typed client of the dRofus admin REST API (a Rails application at the
 * admin site's root). It knows the API's routes, its root-wrapped JSON, its
 * Rails validation errors and its formats; it knows nothing of Pulumi.
 *
 * Two of the API's habits shape every call here:
 * - JSON is asked for with `Accept: application/json`, never with the `.json`
 *   suffix the documentation also shows: a suffix after a dotted username
 *   (`/users/hakon.clausen.json`) is read as part of the name.
 * - Answers may be wrapped (`{"project":{...}}`) or bare, and a create or an
 *   update may answer 200/201/204 with no body at all (older Rails
 *   scaffolds); the record is then read back.
 */
import { z } from "zod";
import { cachedPerConnection, type ResolvedConnection } from "../core/connection";
import { BadRequest, ConfigurationError, InvalidResponse, NotFound, type RequestFacts } from "../core/errors";
import { basicAuthenticator } from "../core/basicAuth";
import { HttpClient, segment, type HttpResponse, type RequestOptions } from "../core/http";
import type { Snapshot } from "../core/snapshot";

/** A Rails record, whether the server wraps it under its model name or not. */
function wrapped<T extends z.ZodType>(root: string, schema: T) {
  return z.preprocess((value) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === root) return (value as Record<string, unknown>)[root];
    }
    return value;
  }, schema);
}

export const projectSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  no: z.string().nullish(),
  description: z.string().nullish(),
  active: z.boolean().nullish(),
  owner_id: z.number().int().nullish(),
  // The documented answer shows a database name ("akl-test"); an integer key is accepted too.
  database_id: z.union([z.string(), z.number()]).nullish(),
  created_at: z.string().nullish(),
});
export type DrofusProjectRecord = z.infer<typeof projectSchema>;

export const userSchema = z.object({
  username: z.string(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  email: z.string().nullish(),
  disabled: z.boolean().nullish(),
});
export type DrofusUserRecord = z.infer<typeof userSchema>;

/** The documented answer has no rights and no flags but `superuser`: the rest is write-only. */
export const projectUserSchema = z.object({
  username: z.string(),
  project_id: z.number().int(),
  superuser: z.boolean().nullish(),
  created_at: z.string().nullish(),
});
export type DrofusProjectUserRecord = z.infer<typeof projectUserSchema>;

const project = wrapped("project", projectSchema);
const user = wrapped("user", userSchema);
const projectUser = wrapped("project_user", projectUserSchema);

/**
 * The project index. The documentation says `GET /projects` "returns
 * projects and project users", yet its one sample shows root-wrapped
 * projects only, and no page says where the users go: as
 * `{"project_user":{...}}` entries beside the projects, or as a
 * `project_users` list inside each project. Both are read; any other entry
 * fails the answer, as before.
 */
const memberEntry = z.object({ project_user: projectUserSchema });
const indexEntry = z.union([
  memberEntry,
  wrapped("project", projectSchema.extend({ project_users: z.array(z.union([memberEntry, projectUserSchema])).optional() })),
]);

/** What the project index says. */
export interface DrofusProjectIndex {
  readonly projects: DrofusProjectRecord[];
  /** Each listed project's members, when the index lists members at all (see `indexEntry`); undefined when it does not. */
  readonly members: ReadonlyMap<number, readonly DrofusProjectUserRecord[]> | undefined;
}

function readIndex(entries: readonly z.infer<typeof indexEntry>[]): DrofusProjectIndex {
  const projects: DrofusProjectRecord[] = [];
  const listed: DrofusProjectUserRecord[] = [];
  let saysMembers = false;
  for (const entry of entries) {
    if ("project_user" in entry) {
      saysMembers = true;
      listed.push(entry.project_user);
      continue;
    }
    const { project_users: inside, ...record } = entry;
    projects.push(record);
    if (inside === undefined) continue;
    saysMembers = true;
    for (const m of inside) listed.push("project_user" in m ? m.project_user : m);
  }
  if (!saysMembers) return { projects, members: undefined };
  const members = new Map<number, DrofusProjectUserRecord[]>(projects.map((p) => [p.id, []]));
  for (const m of listed) members.get(m.project_id)?.push(m);
  return { projects, members };
}

/**
 * The fields of a project the API writes, in its own names but one: its
 * `constructor` (the builder) is `builder` here, since every TypeScript
 * object type already has a `constructor` member, of type Function.
 */
export interface DrofusProjectFields {
  name?: string;
  no?: string | null;
  description?: string;
  builder?: string;
  owner_id?: number;
  project_type_id?: number;
  active?: boolean;
}

/** Where a new project goes: a new database copied from a template, or an existing database. */
export type DrofusDatabaseChoice = { readonly template: string; readonly name: string } | { readonly existing: string };

/** The six module rights (1 Full, 2 Limited, 3 Read, 4 None) and the flags of a membership. */
export interface DrofusMembershipFields {
  room_rights?: number;
  equipment_rights?: number;
  tender_rights?: number;
  consignation_rights?: number;
  system_rights?: number;
  modelstore_rights?: number;
  superuser?: boolean;
  addon_admin?: boolean;
  no_web_admin_access?: boolean;
}

/** The user a membership is for; for a user the server knows, these must be the registered details. */
export interface DrofusUserFields {
  username: string;
  first_name?: string;
  last_name?: string;
  email?: string;
}

/**
 * A Rails validation failure (422 `{"field":["message", ...]}`). The message
 * names every field in the API's words; `fields` lets a resource say which
 * of its inputs they are.
 */
export class ValidationFailed extends BadRequest {
  readonly fields: Readonly<Record<string, readonly string[]>>;

  constructor(facts: RequestFacts, fields: Readonly<Record<string, readonly string[]>>, options?: { cause?: unknown }) {
    super(facts, options);
    this.fields = fields;
  }

  /** The same failure with a hint that speaks the program's words. */
  withHint(hint: string): ValidationFailed {
    const { app, method, path, status, serverMessage } = this;
    return new ValidationFailed({ app, method, path, status, ...(serverMessage ? { serverMessage } : {}), hint }, this.fields, {
      cause: this,
    });
  }
}

/** `name: can't be blank; owner: must exist`; Rails' `base` errors belong to no field. */
export function validationMessage(fields: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(fields)
    .map(([field, messages]) => (field === "base" ? messages.join(", ") : `${field}: ${messages.join(", ")}`))
    .join("; ");
}

/** `render json: @record.errors` writes `{"field":["message"]}`; some controllers nest it under `errors`. */
function railsErrors(body: unknown): Record<string, string[]> {
  const source = isObject(body) && isObject(body.errors) ? body.errors : body;
  const fields: Record<string, string[]> = {};
  if (!isObject(source)) return fields;
  for (const [field, value] of Object.entries(source)) {
    if (typeof value === "string") fields[field] = [value];
    else if (Array.isArray(value)) fields[field] = value.map(String);
  }
  return fields;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The server's words for a failure other than a validation: Rails' `{"error":...}` page or a short text such as "HTTP Basic: Access denied.". */
function describeError(_status: number, body: unknown, text: string): { message?: string } {
  if (isObject(body) && typeof body.error === "string" && body.error) return { message: body.error };
  const plain = text.trim();
  // An HTML page says nothing a one-line message could use.
  if (plain && !plain.startsWith("<") && plain.length <= 300) return { message: plain };
  return {};
}

/**
 * Rails answers HTML to `*\/*` and to browser-like lists, so the header names
 * JSON alone. Sent on every call even though core/http.ts has the same
 * default: this API breaks without it.
 */
const ACCEPT_JSON = { accept: "application/json" } as const;

type Call = Omit<RequestOptions<unknown>, "schema" | "okStatuses" | "headers" | "responseType">;

const clients = new Map<string, DrofusClient>();

export function drofusClient(connection: ResolvedConnection): DrofusClient {
  return cachedPerConnection(clients, connection, () => new DrofusClient(connection));
}

export class DrofusClient {
  readonly http: HttpClient;
  /** Settled once a list has answered: this URL reaches a dRofus admin API, so its 404s mean "no such record". */
  #isDrofus: Promise<void> | undefined;
  /** Refresh reads, batched through the list endpoints (core/snapshot.ts); never used by create, update or delete. */
  readonly #projectList: Snapshot<number, { project: DrofusProjectRecord; members: readonly DrofusProjectUserRecord[] | undefined }>;
  readonly #userList: Snapshot<string, DrofusUserRecord>;

  constructor(connection: ResolvedConnection) {
    this.http = new HttpClient(connection.http, { auth: basicAuthenticator(connection), describeError });
    this.#projectList = this.http.snapshot(async () => {
      const { projects, members } = await this.projectIndex();
      return new Map(projects.map((p) => [p.id, { project: p, members: members?.get(p.id) }]));
    });
    this.#userList = this.http.snapshot(async () => new Map((await this.users()).map((u) => [u.username, u])));
  }

  // Refresh reads: one list request serves every resource of the process; an
  // id the list does not hold is asked for alone, so a vanished object still reads as gone.

  async projectForRefresh(id: number): Promise<DrofusProjectRecord | undefined> {
    return (await this.#projectList.get(id))?.project ?? this.project(id);
  }

  /** From the project index when it lists members (see `indexEntry`); otherwise, or when it does not list this one, asked alone. */
  async projectUserForRefresh(username: string, projectId: number): Promise<DrofusProjectUserRecord | undefined> {
    const listed = (await this.#projectList.get(projectId))?.members?.find((m) => m.username === username);
    return listed ?? this.projectUser(username, projectId);
  }

  async userForRefresh(username: string): Promise<DrofusUserRecord | undefined> {
    return (await this.#userList.get(username)) ?? this.user(username);
  }

  // Projects

  /** Projects whose name contains `query`, inactive ones included. */
  async projects(query?: string): Promise<DrofusProjectRecord[]> {
    return (await this.projectIndex(query)).projects;
  }

  /** The projects whose name contains `query`, inactive ones included, with their members when the index lists them. */
  async projectIndex(query?: string): Promise<DrofusProjectIndex> {
    const res = await this.#send({ method: "GET", path: "/projects", query: { query, show_all: "1" } }, z.array(indexEntry));
    return readIndex(res.body);
  }

  async project(id: number): Promise<DrofusProjectRecord | undefined> {
    return orUndefined(this.#send({ method: "GET", path: `/projects/${segment(id)}` }, project));
  }

  async createProject(database: DrofusDatabaseChoice, fields: DrofusProjectFields): Promise<DrofusProjectRecord> {
    const where =
      "existing" in database
        ? { new_db: "0", existing_db_name: database.existing }
        : { new_db: "1", new_db_template: database.template, new_db_name: database.name };
    const res = await this.#send(
      { method: "POST", path: "/projects", json: { project: { ...where, ...projectBody(fields) } } },
      project.optional(),
    );
    if (res.body) return res.body;
    // No body: the Location header names the new project; failing that, look it up.
    const id = /\/projects\/(\d+)(?:\.json)?\/?$/.exec(headerValue(res.headers.location) ?? "")?.[1];
    const databaseName = "existing" in database ? database.existing : database.name;
    const made = id
      ? await this.project(Number(id))
      : (await this.projects(fields.name))
          .filter((p) => p.name === fields.name && String(p.database_id) === databaseName)
          .sort((a, b) => b.id - a.id)[0];
    if (!made)
      throw this.http.fail(
        InvalidResponse,
        "POST",
        "/projects",
        res.status,
        "the project was created, but the server neither returned it nor lists it",
      );
    return made;
  }

  async updateProject(id: number, fields: DrofusProjectFields): Promise<DrofusProjectRecord> {
    const path = `/projects/${segment(id)}`;
    // Every field is sent as an absolute value, so sending the request twice is harmless.
    const res = await this.#send({ method: "PATCH", path, json: { project: projectBody(fields) }, idempotent: true }, project.optional());
    return res.body ?? this.#reread(path, () => this.project(id));
  }

  async deleteProject(id: number): Promise<void> {
    await this.#send({ method: "DELETE", path: `/projects/${segment(id)}` }, z.unknown());
  }

  // Users

  /**
   * The user with exactly this username. `/users/{username}` is asked first;
   * a name that ends like a format suffix (`bob.json`) reaches another user
   * there (`bob`), so the answer is checked and the list searched instead.
   */
  async user(username: string): Promise<DrofusUserRecord | undefined> {
    const found = await orUndefined(this.#send({ method: "GET", path: `/users/${segment(username)}` }, user));
    if (found?.username === username) return found;
    if (!found && !/\.(json|xml|html)$/.test(username)) return undefined;
    const res = await this.#send({ method: "GET", path: "/users", query: { q: username } }, z.array(user));
    return res.body.find((u) => u.username === username);
  }

  /** Users whose name or username matches `q`, every user without it. */
  async users(q?: string): Promise<DrofusUserRecord[]> {
    return (await this.#send({ method: "GET", path: "/users", query: { q } }, z.array(user))).body;
  }

  // Project users

  async projectUser(username: string, projectId: number): Promise<DrofusProjectUserRecord | undefined> {
    return orUndefined(this.#send({ method: "GET", path: membershipPath(username, projectId) }, projectUser));
  }

  /** Adds the user to the project, creating the user when the server does not know the username. */
  async addProjectUser(
    projectId: number,
    membership: DrofusMembershipFields,
    person: DrofusUserFields,
    mailType?: number,
  ): Promise<DrofusProjectUserRecord> {
    const json = {
      project_user: { project_id: projectId, ...membership },
      user: person,
      // The documentation sends the mail type as a string.
      ...(mailType === undefined ? {} : { mail_type: String(mailType) }),
    };
    const res = await this.#send({ method: "POST", path: "/project_users", json }, projectUser.optional());
    return res.body ?? this.#reread(membershipPath(person.username, projectId), () => this.projectUser(person.username, projectId));
  }

  async updateProjectUser(username: string, projectId: number, membership: DrofusMembershipFields): Promise<DrofusProjectUserRecord> {
    const path = membershipPath(username, projectId);
    const res = await this.#send({ method: "PATCH", path, json: { project_user: membership }, idempotent: true }, projectUser.optional());
    return res.body ?? this.#reread(path, () => this.projectUser(username, projectId));
  }

  async removeProjectUser(username: string, projectId: number): Promise<void> {
    await this.#send({ method: "DELETE", path: membershipPath(username, projectId) }, z.unknown());
  }

  /** After a write answered with no body: the record, which must exist now. */
  async #reread<T>(path: string, read: () => Promise<T | undefined>): Promise<T> {
    const record = await read();
    if (record === undefined) throw this.http.fail(NotFound, "GET", path, 404, "the record just written is gone");
    return record;
  }

  /**
   * Every call goes through here: the Accept header, 422 bodies turned into {@link ValidationFailed}, and the body
   * checked against `schema` (an empty body is `undefined`).
   */
  async #send<T>(call: Call, schema: z.ZodType<T>): Promise<HttpResponse<T>> {
    let res: HttpResponse<unknown>;
    try {
      res = await this.http.request<unknown>({ ...call, headers: ACCEPT_JSON, okStatuses: [422] });
    } catch (error) {
      if (error instanceof NotFound) await this.#confirmDrofus();
      throw error;
    }
    const facts: RequestFacts = { app: "drofus", method: call.method, path: this.#shownPath(call), status: res.status };
    if (res.status === 422) {
      const fields = railsErrors(res.body);
      const message = validationMessage(fields) || (typeof res.body === "string" ? res.body : "Unprocessable Entity");
      throw new ValidationFailed({ ...facts, serverMessage: message }, fields);
    }
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return { ...res, body: parsed.data };
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join(".") : "(root)";
    throw new InvalidResponse({ ...facts, serverMessage: `unexpected response at ${at}: ${issue?.message ?? "invalid"}` });
  }

  /**
   * A 404 reads as "already gone", which lets a delete drop the resource from
   * the stack: before that, make sure the 404 came from dRofus and not from
   * a URL that reaches some other server. One list request, the first time
   * only; a server that is not dRofus gets a ConfigurationError instead.
   */
  async #confirmDrofus(): Promise<void> {
    this.#isDrofus ??= (async () => {
      try {
        await this.http.request({
          method: "GET",
          path: "/projects",
          query: { query: "pulumi-access-as-code url check" },
          headers: ACCEPT_JSON,
          schema: z.array(z.unknown()),
        });
      } catch (error) {
        if (!(error instanceof NotFound || error instanceof InvalidResponse)) throw error;
        throw new ConfigurationError(
          "drofus",
          `no dRofus admin API at ${this.http.settings.baseUrl}: GET /projects answered ${error instanceof NotFound ? "404" : "something other than a list of projects"}`,
          "drofus:url must be the root of the dRofus admin API, the URL under which /projects.json lists the projects",
        );
      }
    })();
    const attempt = this.#isDrofus;
    // Only a confirmation is kept: a failed check is made again by the next 404.
    attempt.catch(() => {
      if (this.#isDrofus === attempt) this.#isDrofus = undefined;
    });
    await attempt;
  }

  /** The path as core/http.ts shows it in its own errors: base path, path and query. */
  #shownPath(call: Call): string {
    const base = new URL(this.http.settings.baseUrl).pathname.replace(/\/+$/, "");
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) search.append(key, String(value));
    const query = search.toString();
    return `${base}${call.path}${query ? `?${query}` : ""}`;
  }
}

/**
 * `/project_users/username,projectid`. The comma is the documented separator
 * and stays literal; the username is percent-encoded (dots pass as they are).
 */
function membershipPath(username: string, projectId: number): string {
  return `/project_users/${segment(username)},${segment(projectId)}`;
}

function projectBody({ builder, ...fields }: DrofusProjectFields): Record<string, unknown> {
  return builder === undefined ? fields : { ...fields, constructor: builder };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function orUndefined<T>(call: Promise<{ body: T }>): Promise<T | undefined> {
  try {
    return (await call).body;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}
