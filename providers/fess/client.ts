/**
 * A typed client of Fess's admin REST API for roles, groups and users
 * (`/api/admin/{role,group,user}`). It knows Fess's envelope, its in-band
 * failures, its verbs per major version, its ids and its paging; it knows
 * nothing of Pulumi.
 *
 * Habits of this API that shape every call here:
 * - Failures often come back as HTTP 200: `{"response":{"status":3,...}}` is
 *   a refused token. Every answer goes through `#send`, which turns `status`
 *   into the package's typed errors, so no caller reads a failure as data.
 * - A create is an upsert under an id derived from the name, and an update
 *   replaces the whole record. `create` therefore refuses to overwrite, and
 *   `update` always sends every field.
 * - 14.x creates with PUT and updates with POST; 15.x the other way round.
 *   The major version is read from the `version` of every answer.
 * - JSON keys are snake_case both ways (`version_no`); a camelCase key is
 *   silently ignored by Fess.
 */
import { z } from "zod";
import { cachedPerConnection, requireCredential, type ResolvedConnection } from "../core/connection";
import { BadRequest, Conflict, InvalidResponse, ServerError, Unauthorized, withHint, type RequestFacts } from "../core/errors";
import { HttpClient, segment, type Authenticator, type ErrorDescriber, type RequestOptions } from "../core/http";
import type { Snapshot } from "../core/snapshot";

export type FessKind = "role" | "group" | "user";

// ---------------------------------------------------------------------------
// Ids

/**
 * Fess's id for a name: `Base64.getUrlEncoder()` of its UTF-8 bytes, which
 * keeps the `=` padding that Node's `base64url` drops. Fess computes it on
 * create only, so a record renamed later keeps the id of its first name.
 */
export function fessId(name: string): string {
  const unpadded = Buffer.from(name, "utf8").toString("base64url");
  return unpadded + "=".repeat((4 - (unpadded.length % 4)) % 4);
}

/**
 * The name an id encodes, which is what Fess grants a user holding it (not
 * the role's current name), or undefined for a string no name encodes to.
 */
export function nameOfFessId(id: string): string | undefined {
  const name = Buffer.from(id, "base64url").toString("utf8");
  // A lenient decoder accepts garbage; only an exact round trip is an id.
  return fessId(name) === id ? name : undefined;
}

// ---------------------------------------------------------------------------
// Answers

/** `Map<String,String>` on the server; anything scalar is read as its text rather than failing the record. */
const attributesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({});

const namedSettingSchema = z.object({
  id: z.string().min(1),
  /** Required back on every update, though never compared (Fess answers -1). */
  version_no: z.number().int(),
  name: z.string(),
  attributes: attributesSchema,
});

const userSettingSchema = namedSettingSchema.extend({
  /** Role and group ids; absent when no write ever set them. */
  roles: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});

export type FessNamedSetting = z.infer<typeof namedSettingSchema>;
export type FessUserSetting = z.infer<typeof userSettingSchema>;

/** What the API answers for each kind. */
export interface FessSettings {
  role: FessNamedSetting;
  group: FessNamedSetting;
  user: FessUserSetting;
}

const SETTING_SCHEMAS: { readonly [K in FessKind]: z.ZodType<FessSettings[K]> } = {
  role: namedSettingSchema,
  group: namedSettingSchema,
  user: userSettingSchema,
};

/** The fields a write sends, in Fess's names; ids, not names, in `roles` and `groups`. */
export interface FessNamedFields {
  name: string;
  attributes: Record<string, string>;
}

export interface FessUserFields extends FessNamedFields {
  /** Always sent on create (Fess fails without one); on update only to change it, since a blank one keeps the stored hash. */
  password?: string;
  roles?: string[];
  groups?: string[];
}

export interface FessFields {
  role: FessNamedFields;
  group: FessNamedFields;
  user: FessUserFields;
}

/** `{"response":{...,"version":"15.7","status":0}}`: the result's fields sit beside `version` and `status`. */
const envelopeSchema = z.object({
  response: z.looseObject({
    status: z.number().int(),
    version: z.string().optional(),
    message: z.string().optional(),
  }),
});
type Envelope = z.infer<typeof envelopeSchema>["response"];

const writeResultSchema = z.object({ id: z.string().min(1) });
const listResultSchema = z.object({ settings: z.array(z.unknown()), total: z.number().int().nonnegative() });

/** `ApiResult.Status`. */
const Status = { OK: 0, BAD_REQUEST: 1, SYSTEM_ERROR: 2, UNAUTHORIZED: 3, FAILED: 9 } as const;

const UNAUTHORIZED_HINT =
  "the token is invalid or expired, or lacks the admin-api permission: check fess:token, FESS_TOKEN or connection.token, " +
  "and give the token the permission {role}admin-api (Fess admin UI > System > Access Token)";

/** Records per list request. Fess has no maximum, but cannot page past OpenSearch's `index.max_result_window`. */
const PAGE_SIZE = 100;
const MAX_RESULT_WINDOW = 10_000;

/** Fess's access tokens are made in its admin UI: nothing to renew after a refusal. */
class TokenAuthenticator implements Authenticator {
  readonly #connection: ResolvedConnection;

  constructor(connection: ResolvedConnection) {
    this.#connection = connection;
  }

  async header(): Promise<string> {
    return `Bearer ${requireCredential(this.#connection, "token")}`;
  }

  renew(): boolean {
    return false;
  }
}

/** The message of a non-2xx answer, from the envelope when there is one. */
const describeError: ErrorDescriber = (_status, body) => {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return {};
  const { message, status } = parsed.data.response;
  return { ...(message ? { message } : {}), ...(status === Status.UNAUTHORIZED ? { hint: UNAUTHORIZED_HINT } : {}) };
};

type Call = Pick<RequestOptions<unknown>, "method" | "path" | "json" | "idempotent">;

const clients = new Map<string, FessClient>();

export function fessClient(connection: ResolvedConnection): FessClient {
  return cachedPerConnection(clients, connection, () => new FessClient(connection));
}

export class FessClient {
  readonly http: HttpClient;
  /** Refresh reads, batched through each kind's paged list (core/snapshot.ts); never used by create, update or delete. */
  readonly #lists = new Map<FessKind, Snapshot<string, unknown>>();
  /** The server's major version, from the last answer that said it. */
  #major: number | undefined;

  constructor(connection: ResolvedConnection) {
    this.http = new HttpClient(connection.http, { auth: new TokenAuthenticator(connection), describeError });
  }

  /**
   * Refresh: the record from one list of its kind, shared by every resource
   * of the process; an id the list lacks is asked for alone, so a vanished
   * record still reads as gone.
   */
  async getForRefresh<K extends FessKind>(kind: K, id: string): Promise<FessSettings[K] | undefined> {
    let snapshot = this.#lists.get(kind);
    if (!snapshot) {
      snapshot = this.http.snapshot<string, unknown>(async () => new Map((await this.list(kind)).map((r) => [r.id, r])));
      this.#lists.set(kind, snapshot);
    }
    return ((await snapshot.get(id)) as FessSettings[K] | undefined) ?? this.get(kind, id);
  }

  /** The record with this id, or undefined when Fess has none. */
  async get<K extends FessKind>(kind: K, id: string): Promise<FessSettings[K] | undefined> {
    const call: Call = { method: "GET", path: `/api/admin/${kind}/setting/${segment(id)}` };
    try {
      const result = await this.#send(call, z.object({ setting: SETTING_SCHEMAS[kind] as z.ZodType<FessSettings[K]> }));
      return result.setting;
    } catch (error) {
      // Status 1 on a read by id is Fess's "The data X is not found.": a read cannot fail validation.
      if (error instanceof BadRequest) return undefined;
      throw error;
    }
  }

  /**
   * Every record of a kind, every page read. Paging travels in the JSON body
   * (query parameters are ignored), so a GET carries a body here, as Fess's
   * own integration tests send it.
   */
  async list<K extends FessKind>(kind: K): Promise<FessSettings[K][]> {
    const schema = SETTING_SCHEMAS[kind] as z.ZodType<FessSettings[K]>;
    const path = `/api/admin/${kind}/settings`;
    const records = new Map<string, FessSettings[K]>();
    for (let page = 1; ; page++) {
      if (page * PAGE_SIZE > MAX_RESULT_WINDOW) {
        throw this.http.fail(
          InvalidResponse,
          "GET",
          this.#shown(path),
          200,
          `more than ${MAX_RESULT_WINDOW} ${kind}s: Fess cannot page past OpenSearch's index.max_result_window`,
        );
      }
      const result = await this.#send(
        { method: "GET", path, json: { size: PAGE_SIZE, page } },
        listResultSchema.extend({ settings: z.array(schema) }),
      );
      for (const record of result.settings) {
        if (records.has(record.id)) {
          // A page that repeats an earlier one means the paging never reached Fess: reading on would never end.
          throw this.http.fail(
            InvalidResponse,
            "GET",
            this.#shown(path),
            200,
            `page ${page} repeats ${kind} ${record.id}: the paging in the request body was ignored`,
            "does a proxy in front of Fess drop the bodies of GET requests?",
          );
        }
        records.set(record.id, record);
      }
      if (result.settings.length < PAGE_SIZE || records.size >= result.total) return [...records.values()];
    }
  }

  /**
   * Create a record, refusing to overwrite one: Fess's create is an upsert
   * under the id of the name, which would silently replace someone's record
   * (for a user: password, roles and groups). Returns the id.
   */
  async create<K extends FessKind>(kind: K, fields: FessFields[K]): Promise<string> {
    const id = fessId(fields.name);
    if (await this.get(kind, id)) {
      throw this.http.fail(
        Conflict,
        "GET",
        this.#shown(`/api/admin/${kind}/setting/${segment(id)}`),
        200,
        `${kind} ${fields.name} already exists (id ${id}), and Fess's create would overwrite it`,
      );
    }
    const verb = (await this.#legacyVerbs()) ? "PUT" : "POST";
    // An upsert under an id the name decides: sending it twice stores the same record.
    const result = await this.#send(
      { method: verb, path: `/api/admin/${kind}/setting`, json: fields, idempotent: true },
      writeResultSchema,
    );
    return result.id;
  }

  /**
   * Write `change` over `current`. Fess replaces the whole record, clearing
   * whatever the body leaves out, so every field is sent: those not in
   * `change` as `current` holds them.
   */
  async update<K extends FessKind>(kind: K, current: FessSettings[K], change: Partial<FessFields[K]>): Promise<void> {
    const { id, version_no, ...fields } = current;
    // A key present but undefined would vanish from the JSON, and Fess would clear that field.
    const changed = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    const verb = (await this.#legacyVerbs()) ? "POST" : "PUT";
    // Fess requires version_no but never compares it: last write wins.
    const json = { ...fields, ...changed, id, version_no };
    await this.#send({ method: verb, path: `/api/admin/${kind}/setting`, json, idempotent: true }, writeResultSchema);
  }

  /** Delete a record; one already gone is not an error. Deleting a role or group removes its id from every user. */
  async delete(kind: FessKind, id: string): Promise<void> {
    try {
      await this.#send({ method: "DELETE", path: `/api/admin/${kind}/setting/${segment(id)}` }, writeResultSchema);
    } catch (error) {
      // Status 1 is either "not found" or a store failure: only a look tells which.
      if (error instanceof BadRequest && !(await this.get(kind, id))) return;
      throw error;
    }
  }

  /** Whether the server uses 14.x's verbs (PUT creates, POST updates); asks for the version when no answer has said it yet. */
  async #legacyVerbs(): Promise<boolean> {
    if (this.#major === undefined)
      await this.#send({ method: "GET", path: "/api/admin/role/settings", json: { size: 1, page: 1 } }, z.unknown());
    if (this.#major === undefined)
      throw this.http.fail(InvalidResponse, "GET", this.#shown("/api/admin/role/settings"), 200, "Fess did not say its version");
    return this.#major <= 14;
  }

  /**
   * Every call goes through here: the envelope read, the version noted,
   * `status` turned into a typed error, and the result checked against
   * `schema`.
   */
  async #send<T>(call: Call, schema: z.ZodType<T>): Promise<T> {
    const shown = this.#shown(call.path);
    let response: Envelope;
    let httpStatus: number;
    try {
      // 400 and 404 carry Fess's envelope (validation, not found); other failures come as typed errors from core/http.ts.
      const res = await this.http.request({ ...call, okStatuses: [400, 404], schema: envelopeSchema });
      response = res.body.response;
      httpStatus = res.status;
    } catch (error) {
      throw error instanceof InvalidResponse ? withHint(error, "is fess:url the root of a Fess server?") : error;
    }
    const major = /^(\d+)\./.exec(response.version ?? "")?.[1];
    if (major !== undefined) this.#major = Number(major);

    const facts = (message: string | undefined, hint?: string): RequestFacts => ({
      app: "fess",
      method: call.method,
      path: shown,
      status: httpStatus,
      serverMessage: message || `status ${response.status}`,
      ...(hint ? { hint } : {}),
    });
    switch (response.status) {
      case Status.OK:
        break;
      case Status.UNAUTHORIZED:
        // Fess refuses a token with HTTP 200: the HTTP layer cannot tell, so it is told.
        throw this.http.refuse(new Unauthorized(facts(response.message, UNAUTHORIZED_HINT)));
      case Status.BAD_REQUEST:
        throw new BadRequest(facts(response.message));
      case Status.SYSTEM_ERROR:
      case Status.FAILED:
        throw new ServerError(facts(response.message));
      default:
        throw new InvalidResponse(facts(`unknown status ${response.status}`));
    }
    if (httpStatus !== 200) throw new InvalidResponse(facts(`HTTP ${httpStatus} with status 0`));
    const parsed = schema.safeParse(response);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const at = ["response", ...(issue?.path ?? [])].join(".");
    throw new InvalidResponse(facts(`unexpected response at ${at}: ${issue?.message ?? "invalid"}`));
  }

  /** The path as core/http.ts shows it in its own errors: the base URL's path, then the call's. */
  #shown(path: string): string {
    return `${new URL(this.http.settings.baseUrl).pathname.replace(/\/+$/, "")}${path}`;
  }
}
