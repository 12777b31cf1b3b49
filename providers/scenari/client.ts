/**
 * A typed client of a Scenari 6 chain portlet's admin services (`adminUsers`,
 * `adminWsp`, `wspMetaEditor`, `wspSrc`, `ping`). It knows Scenari's URLs,
 * its CDM parameters and its way of failing; it knows nothing of Pulumi.
 *
 * Scenari reports many failures in the body of an HTTP 200: `InfoWsp`
 * answers `{"status":"noWsp"}` for an unknown workspace, `Display` leaves out
 * the `user` key for an unknown account, and account writes answer
 * `{"result":"failedAccountConflict",…}`. Every answer goes through one
 * place here that turns those into the package's typed errors (NotFound,
 * Conflict, BadRequest…), so no caller ever reads a missing key as data.
 */
import { z } from "zod";
import { cachedPerConnection, type ResolvedConnection } from "../core/connection";
import { AccessError, BadRequest, Conflict, Forbidden, InvalidResponse, NotFound, type RequestFacts } from "../core/errors";
import { basicAuthenticator } from "../core/basicAuth";
import { HttpClient, type HttpResponse, type QueryValue } from "../core/http";
import type { Snapshot } from "../core/snapshot";
import { serializeCdm, type CdmValue } from "./cdm";
import { ModelCatalogueError, parseModelCatalogue, wspTypeXml, type InstalledModel, type ResolvedModel } from "./models";

// ---------------------------------------------------------------------------
// Answers

const strings = z.array(z.string());

/** `JUser`: the server leaves out what is not set, so every field but `account` may be missing. */
export const accountSchema = z.object({
  account: z.string(),
  userType: z.enum(["user", "group"]).optional(),
  nickNames: strings.nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  groupName: z.string().nullish(),
  email: z.string().nullish(),
  groups: strings.nullish(),
  grantedRoles: strings.nullish(),
  refusedRoles: strings.nullish(),
  inheritedRoles: strings.nullish(),
  authMethod: z.string().nullish(),
  isDisabled: z.boolean().nullish(),
  isReadOnly: z.boolean().nullish(),
});
export type ScenariAccountRecord = z.infer<typeof accountSchema>;
export type AccountType = "user" | "group";

/** What `Display` answers: the account under `user`, or no `user` key at all when there is none. */
const displaySchema = z.object({ user: accountSchema.optional() });

/** What account writes answer: a `result` code, and the account when it succeeded. */
const accountWriteSchema = z.object({
  result: z.string().optional(),
  user: accountSchema.optional(),
  secondaryResults: z
    .object({ error: z.object({ type: z.string().optional(), msg: z.string().optional() }).partial().optional() })
    .partial()
    .nullish(),
});
type AccountWrite = z.infer<typeof accountWriteSchema>;

const wspRefSchema = z.object({
  key: z.string(),
  uri: z.string().optional(),
  version: z.string().optional(),
  lang: z.string().optional(),
  title: z.string().optional(),
});

/**
 * `InfoWsp` (and the answer of `CreateWsp`). `props` values are strings on
 * the wire (`"true"`/`"false"`); booleans and numbers are accepted too so a
 * server that sends them typed does not fail the whole resource.
 */
export const infoWspSchema = z.object({
  status: z.string(),
  wspCd: z.string().optional(),
  title: z.string().nullish(),
  alias: z.string().nullish(),
  props: z.record(z.string(), z.union([z.string(), z.boolean(), z.number()])).nullish(),
  skins: strings.nullish(),
  wspType: wspRefSchema.optional(),
  wspOptions: z.array(wspRefSchema).nullish(),
  wspProvider: z.object({ backEnd: z.string() }).partial().nullish(),
  srcFields: z.object({ srcSt: z.number().optional() }).partial().nullish(),
  wspTypeWarn: z.string().nullish(),
});

/** A workspace that exists, normalised from `InfoWsp`. */
export interface ScenariWorkspaceRecord {
  readonly wspCd: string;
  readonly status: string;
  readonly title: string;
  readonly alias: string | null;
  readonly props: Readonly<Record<string, string>>;
  readonly skins: readonly string[];
  readonly model: ResolvedModel;
  /** `odb` (database) or `fs` (file system); undefined when the server did not say. */
  readonly backEnd: string | undefined;
  /** In a database backend's trash: still answered by `InfoWsp`, gone for its users. */
  readonly trashed: boolean;
  readonly wspTypeWarn: string | null;
}

/** One account's entry in a node's role map, as `SetSpecifiedRoles` and `GetSrc format=specifiedRoles` answer it. */
const roleEntrySchema = z.object({
  allowedRoles: strings.nullish(),
  deniedRoles: strings.nullish(),
  inheritedRoles: strings.nullish(),
  userUnknown: z.boolean().nullish(),
});
const roleMapSchema = z.record(z.string(), roleEntrySchema);
export type ScenariRoleMap = z.infer<typeof roleMapSchema>;

/** One account's roles to set; `null` removes the account's entry. */
export type RoleChange = { allowedRoles: string[]; deniedRoles: string[] } | null;

// ---------------------------------------------------------------------------
// In-band failures

/** `result` codes of a successful account write. */
const SUCCESS_RESULTS = new Set(["available", "updated", "validationPending"]);

/**
 * The error class for an in-band failure. The codes are those the web
 * client and the legacy edit form handle; `secondaryResults.error.type`
 * refines `otherFailure`, which covers an unknown account as well as a
 * read-only one.
 */
function accountFailureClass(result: string, type: string | undefined): new (facts: RequestFacts) => AccessError {
  if (result === "failedAccountConflict") return Conflict;
  if (type === "AccountNotFoundException") return NotFound;
  if (type === "ReadOnlyAccountException") return Forbidden;
  if (type === "UserGroupSwitchException") return Conflict;
  return BadRequest;
}

/** The server's words for an HTTP-level failure: Scenari answers those with a short text, not JSON. */
function describeError(_status: number, body: unknown, text: string): { message?: string } {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    for (const key of ["error", "msg", "message"]) if (typeof b[key] === "string" && b[key]) return { message: b[key] };
  }
  const plain = text.trim();
  if (plain && !plain.startsWith("<") && plain.length <= 300) return { message: plain };
  return {};
}

type Service = "adminUsers" | "adminWsp" | "wspMetaEditor" | "wspSrc" | "ping";

interface Call {
  readonly method: "GET" | "POST" | "PUT";
  readonly service: Service;
  readonly cdaction: string;
  /** The object the call is about (an account, a wspCd or alias); several accounts are TAB-joined. */
  readonly param?: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly form?: Readonly<Record<string, string>>;
  /** An XML body (`<wspType>`). */
  readonly xml?: string;
  readonly idempotent?: boolean;
}

/**
 * The Python client's execution frame. `web` is the browser's (the same
 * services behind a session cookie); `public` has none of these services.
 */
const EXEC_FRAME = "script";

/**
 * Actions whose HTTP 404 plausibly means "no such workspace". Everywhere
 * else Scenari says "not found" in band (`noWsp`, no `user`, skipped
 * accounts), so a 404 means the service itself is not at this URL: it must
 * not read as "already gone", or a destroy against a wrong URL would
 * succeed having deleted nothing.
 */
const OBJECT_404: ReadonlySet<string> = new Set([
  "UpdateWspProps",
  "UpdateWspType",
  "DeleteWsp",
  "DeletePermanentlyWsp",
  "RestoreWsp",
  "GetSrc",
  "SetSpecifiedRoles",
]);

function serviceMissing(error: NotFound): AccessError {
  const { app, method, path, status, serverMessage } = error;
  return new AccessError(
    {
      app,
      method,
      path,
      status,
      ...(serverMessage ? { serverMessage } : {}),
      hint: "scenari:url must be the chain portlet's URL, e.g. https://scenari.example.com/scenarichain-server",
    },
    { cause: error },
  );
}

/** Mutating requests carry the header the official clients send; whether a server requires it is unknown. */
const CSRF = { Sccsrf: "1" } as const;

/**
 * The fields a refresh reads, asked of `List` by name: `fields` adds fields
 * to what `List` sends by default, and which ones those are is not
 * documented, so a list read here carries what `Display` would.
 */
const REFRESH_FIELDS = [
  "userType",
  "nickNames",
  "firstName",
  "lastName",
  "groupName",
  "email",
  "groups",
  "grantedRoles",
  "inheritedRoles",
  "isDisabled",
] as const;

const clients = new Map<string, ScenariClient>();

export function scenariClient(connection: ResolvedConnection): ScenariClient {
  return cachedPerConnection(clients, connection, () => new ScenariClient(connection));
}

export class ScenariClient {
  readonly http: HttpClient;
  #models: Promise<InstalledModel[]> | undefined;
  /** Refresh reads of accounts, batched through one `List` (core/snapshot.ts); never used by create, update or delete. */
  readonly #accountList: Snapshot<string, ScenariAccountRecord>;

  constructor(connection: ResolvedConnection) {
    this.http = new HttpClient(connection.http, { auth: basicAuthenticator(connection), describeError });
    this.#accountList = this.http.snapshot(
      async () => new Map((await this.listAccounts(undefined, REFRESH_FIELDS)).map((a) => [a.account, a])),
    );
  }

  /** A cheap authenticated call: 200 when the server is up and the credentials are good. */
  async ping(): Promise<void> {
    await this.#text({ method: "GET", service: "ping", cdaction: "Ping" });
  }

  // -------------------------------------------------------------------------
  // Accounts (users and groups share one namespace)

  /** The account, or undefined when the server has none by that name. */
  async account(account: string): Promise<ScenariAccountRecord | undefined> {
    const res = await this.#json({ method: "GET", service: "adminUsers", cdaction: "Display", param: account }, displaySchema);
    return res.user;
  }

  /**
   * Refresh: the account from one list shared by every resource of the
   * process. An account the list lacks (a hidden one, one past a cut-off
   * list, or one gone) is asked for alone, so a vanished account still
   * reads as gone.
   */
  async accountForRefresh(account: string): Promise<ScenariAccountRecord | undefined> {
    return (await this.#accountList.get(account)) ?? this.account(account);
  }

  /** Several accounts in one request; null for each name the server does not know. */
  async accounts(names: readonly string[]): Promise<Map<string, ScenariAccountRecord | null>> {
    if (names.length === 0) return new Map();
    const body = await this.#json(
      { method: "GET", service: "adminUsers", cdaction: "DisplaySet", param: names.join("\t") },
      z.record(z.string(), accountSchema.nullable()),
    );
    return new Map(names.map((name) => [name, Object.hasOwn(body, name) ? (body[name] ?? null) : null]));
  }

  /** Every account (hidden system accounts left out), sorted by the server; `fields` adds fields to the default ones. */
  async listAccounts(filterType?: AccountType, fields: readonly string[] = []): Promise<ScenariAccountRecord[]> {
    const options = serializeCdm({ filterHidden: true, ...(filterType ? { filterType } : {}) });
    const body = await this.#json(
      { method: "GET", service: "adminUsers", cdaction: "List", query: { options, ...(fields.length > 0 ? { fields } : {}) } },
      z.object({ userList: z.array(accountSchema) }),
    );
    return body.userList;
  }

  async createAccount(type: AccountType, account: string, props: { [key: string]: CdmValue | undefined }): Promise<ScenariAccountRecord> {
    const cdaction = type === "user" ? "CreateUser" : "CreateGroup";
    // Not idempotent: a replay of a create that worked answers failedAccountConflict.
    return this.#accountWrite({ method: "POST", service: "adminUsers", cdaction, param: account, form: { userProps: cdmObject(props) } });
  }

  /** A partial merge: props not sent are kept. Every value sent is absolute, so a replay is harmless. */
  async updateAccount(type: AccountType, account: string, props: { [key: string]: CdmValue | undefined }): Promise<ScenariAccountRecord> {
    const cdaction = type === "user" ? "UpdateUser" : "UpdateGroup";
    return this.#accountWrite({
      method: "POST",
      service: "adminUsers",
      cdaction,
      param: account,
      form: { userProps: cdmObject(props) },
      idempotent: true,
    });
  }

  /** Unknown accounts are skipped by the server, so dropping twice is harmless. */
  async dropAccounts(type: AccountType, accounts: readonly string[]): Promise<void> {
    const cdaction = type === "user" ? "DropUser" : "DropGroup";
    const call: Call = { method: "POST", service: "adminUsers", cdaction, param: accounts.join("\t"), idempotent: true };
    this.#checkAccountResult(call, await this.#json(call, accountWriteSchema));
  }

  async #accountWrite(call: Call): Promise<ScenariAccountRecord> {
    const body = await this.#json(call, accountWriteSchema);
    this.#checkAccountResult(call, body);
    if (!body.user) throw this.#fail(InvalidResponse, call, `the answer has no "user" (result ${body.result ?? "missing"})`);
    return body.user;
  }

  #checkAccountResult(call: Call, body: AccountWrite): void {
    const { result } = body;
    if (result === undefined || SUCCESS_RESULTS.has(result)) return;
    const error = body.secondaryResults?.error;
    const Kind = accountFailureClass(result, error?.type);
    throw this.#fail(Kind, call, `${result}${error?.type ? ` (${error.type})` : ""}${error?.msg ? `: ${error.msg}` : ""}`);
  }

  // -------------------------------------------------------------------------
  // Models

  /**
   * The installed models. They only change when an administrator installs a
   * pack, so they are fetched once per process; a failure is forgotten.
   */
  models(): Promise<InstalledModel[]> {
    if (!this.#models) {
      const call: Call = { method: "GET", service: "wspMetaEditor", cdaction: "GetNewEditor" };
      const attempt = this.#text(call).then((xml) => {
        try {
          return parseModelCatalogue(xml);
        } catch (error) {
          if (error instanceof ModelCatalogueError) throw this.#fail(InvalidResponse, call, `${error.message}, got: ${xml.slice(0, 120)}`);
          throw error;
        }
      });
      attempt.catch(() => {
        if (this.#models === attempt) this.#models = undefined;
      });
      this.#models = attempt;
    }
    return this.#models;
  }

  // -------------------------------------------------------------------------
  // Workspaces

  /**
   * `odb` (database) or `fs` (file system). Only `List` says it whatever
   * the server holds, and it lists every workspace, so this is asked only to
   * explain a refused create.
   */
  async backEnd(): Promise<string | undefined> {
    const body = await this.#json(
      { method: "GET", service: "adminWsp", cdaction: "List" },
      z.object({ wspProvider: z.object({ backEnd: z.string() }).partial().nullish() }),
    );
    return body.wspProvider?.backEnd;
  }

  /** Every workspace outside the trash. */
  async listWorkspaces(): Promise<ScenariWorkspaceRecord[]> {
    const call: Call = { method: "GET", service: "adminWsp", cdaction: "List" };
    const body = await this.#json(
      call,
      z.object({ wspProvider: z.object({ backEnd: z.string() }).partial().nullish(), wsps: z.array(infoWspSchema) }),
    );
    return body.wsps.flatMap((w) => this.#workspaceOf(call, { ...w, wspProvider: w.wspProvider ?? body.wspProvider }) ?? []);
  }

  /** The workspace with this code or alias (trashed ones included, flagged), or undefined on `noWsp`. */
  async workspace(codeOrAlias: string): Promise<ScenariWorkspaceRecord | undefined> {
    // srcSt tells a trashed workspace (-1) apart; nothing else of srcFields is needed.
    const call: Call = { method: "GET", service: "adminWsp", cdaction: "InfoWsp", param: codeOrAlias, query: { fields: "srcSt" } };
    return this.#workspaceOf(call, await this.#json(call, infoWspSchema));
  }

  /**
   * Creates a workspace. Not idempotent although it is a PUT: on a database
   * backend a replay would make a second workspace, or fail on the alias the
   * first one took.
   */
  async createWorkspace(params: { [key: string]: CdmValue | undefined }, model: ResolvedModel): Promise<ScenariWorkspaceRecord> {
    const call: Call = {
      method: "PUT",
      service: "adminWsp",
      cdaction: "CreateWsp",
      query: { createParams: cdmObject(params) },
      xml: wspTypeXml(model),
      idempotent: false,
    };
    const made = await this.#workspaceOf(call, await this.#json(call, infoWspSchema));
    if (!made) throw this.#fail(InvalidResponse, call, "the server answered noWsp to a create");
    return made;
  }

  /** A partial merge of the workspace's properties; its answer is not used (the Python client ignores it too). */
  async updateWorkspaceProps(wspCd: string, params: { [key: string]: CdmValue | undefined }): Promise<void> {
    await this.#wspWrite({
      method: "POST",
      service: "adminWsp",
      cdaction: "UpdateWspProps",
      param: wspCd,
      query: { updateParams: cdmObject(params) },
      idempotent: true,
    });
  }

  async updateWorkspaceModel(wspCd: string, model: ResolvedModel): Promise<void> {
    await this.#wspWrite({ method: "PUT", service: "adminWsp", cdaction: "UpdateWspType", param: wspCd, xml: wspTypeXml(model) });
  }

  /** `DeleteWsp`: to the trash on a database backend; on a file system, unregistered (content kept unless `deleteContent`). */
  async deleteWorkspace(wspCd: string, params: { deleteGen: boolean; deleteContent?: boolean }): Promise<void> {
    await this.#wspWrite({
      method: "POST",
      service: "adminWsp",
      cdaction: "DeleteWsp",
      param: wspCd,
      query: { deleteParams: cdmObject(params) },
      idempotent: true,
    });
  }

  /** `DeletePermanentlyWsp`: gone for good, from the trash or not. */
  async purgeWorkspace(wspCd: string, params: { deleteGen: boolean }): Promise<void> {
    await this.#wspWrite({
      method: "POST",
      service: "adminWsp",
      cdaction: "DeletePermanentlyWsp",
      param: wspCd,
      query: { deleteParams: cdmObject(params) },
      idempotent: true,
    });
  }

  async restoreWorkspace(wspCd: string): Promise<void> {
    await this.#wspWrite({ method: "POST", service: "adminWsp", cdaction: "RestoreWsp", param: wspCd });
  }

  /** The role map of the workspace's root. */
  async roles(wspCd: string): Promise<ScenariRoleMap> {
    return this.#json(
      { method: "GET", service: "wspSrc", cdaction: "GetSrc", param: wspCd, query: { format: "specifiedRoles", refUri: "" } },
      roleMapSchema,
    );
  }

  /** Sets the given accounts' entries on the root (others are left alone) and answers the root's whole map. */
  async setRoles(wspCd: string, changes: ReadonlyMap<string, RoleChange>): Promise<ScenariRoleMap> {
    // fromEntries defines own properties, so no account name can reach a prototype.
    const options = Object.fromEntries([...changes].map(([account, change]) => [account, change]));
    return this.#json(
      {
        method: "POST",
        service: "wspSrc",
        cdaction: "SetSpecifiedRoles",
        param: wspCd,
        query: { refUri: "", options: serializeCdm(options) },
        idempotent: true,
      },
      roleMapSchema,
    );
  }

  async #wspWrite(call: Call): Promise<void> {
    // The Python client only checks for 200 here, so the body may be anything: only a JSON noWsp means something.
    const text = await this.#text(call);
    if (/"status"\s*:\s*"noWsp"/.test(text)) throw this.#fail(NotFound, call, `no workspace ${call.param ?? ""}`);
  }

  #workspaceOf(call: Call, info: z.infer<typeof infoWspSchema>): ScenariWorkspaceRecord | undefined {
    if (info.status === "noWsp") return undefined;
    if (!info.wspCd || !info.wspType)
      throw this.#fail(InvalidResponse, call, `the workspace answer has no ${info.wspCd ? "wspType" : "wspCd"}`);
    const props: Record<string, string> = {};
    for (const [key, value] of Object.entries(info.props ?? {})) props[key] = String(value);
    return {
      wspCd: info.wspCd,
      status: info.status,
      title: info.title ?? "",
      alias: info.alias ? info.alias : null,
      props,
      skins: info.skins ?? [],
      model: { wspType: ref(info.wspType), wspOptions: (info.wspOptions ?? []).map(ref) },
      backEnd: info.wspProvider?.backEnd,
      trashed: info.srcFields?.srcSt === -1,
      wspTypeWarn: info.wspTypeWarn ?? null,
    };
  }

  // -------------------------------------------------------------------------
  // Transport

  async #json<T>(call: Call, schema: z.ZodType<T>): Promise<T> {
    return (await this.#send<T>(call, { schema })).body;
  }

  async #text(call: Call): Promise<string> {
    return (await this.#send<string>(call, { responseType: "text" })).body;
  }

  async #send<T>(call: Call, response: { schema?: z.ZodType<T>; responseType?: "text" }): Promise<HttpResponse<T>> {
    try {
      return await this.http.request<T>({
        method: call.method,
        path: `/${EXEC_FRAME}/u/${call.service}`,
        query: { cdaction: call.cdaction, param: call.param, ...call.query },
        ...(call.form ? { form: call.form } : {}),
        ...(call.xml !== undefined ? { body: call.xml, contentType: "application/xml; charset=utf-8" } : {}),
        ...(call.method === "GET" ? {} : { headers: CSRF }),
        ...(call.idempotent === undefined ? {} : { idempotent: call.idempotent }),
        ...(response.schema ? { schema: response.schema } : {}),
        ...(response.responseType ? { responseType: response.responseType } : {}),
      });
    } catch (error) {
      if (error instanceof NotFound && !OBJECT_404.has(call.cdaction)) throw serviceMissing(error);
      throw error;
    }
  }

  /** An error about an answer that failed in band, with HTTP 200: the path shows the action and its object only. */
  #fail(kind: new (facts: RequestFacts) => AccessError, call: Call, message: string): AccessError {
    const base = new URL(this.http.settings.baseUrl).pathname.replace(/\/+$/, "");
    const query = new URLSearchParams({ cdaction: call.cdaction, ...(call.param !== undefined ? { param: call.param } : {}) });
    return this.http.fail(kind, call.method, `${base}/${EXEC_FRAME}/u/${call.service}?${query.toString()}`, 200, message);
  }
}

function ref(r: z.infer<typeof wspRefSchema>): ResolvedModel["wspType"] {
  return { key: r.key, uri: r.uri ?? "", version: r.version ?? "", lang: r.lang ?? "", title: r.title ?? "" };
}

/** Object props with `undefined` left out, as CDM text. */
function cdmObject(props: { [key: string]: CdmValue | undefined }): string {
  const defined: { [key: string]: CdmValue } = {};
  for (const [key, value] of Object.entries(props)) if (value !== undefined) defined[key] = value;
  return serializeCdm(defined);
}
