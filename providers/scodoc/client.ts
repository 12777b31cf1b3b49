/**
 * A typed client of the ScoDoc 9 REST API (`/ScoDoc/api`). It knows ScoDoc's
 * routes, its error envelope and its token rules; it knows nothing of Pulumi.
 */
import { z } from "zod";
import { cachedPerConnection, type ResolvedConnection } from "../core/connection";
import { ConfigurationError, NotFound, Unauthorized } from "../core/errors";
import { basicAuthenticator } from "../core/basicAuth";
import { HttpClient, segment, type Authenticator } from "../core/http";
import type { Snapshot } from "../core/snapshot";

export const departementSchema = z.object({
  id: z.number(),
  acronym: z.string(),
  description: z.string().nullish(),
  visible: z.boolean(),
  date_creation: z.string().nullish(),
});
export type ScodocDepartementRecord = z.infer<typeof departementSchema>;

export const roleSchema = z.object({
  id: z.number(),
  role_name: z.string(),
  permissions: z.array(z.string()),
});
export type ScodocRoleRecord = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: z.number(),
  user_name: z.string(),
  nom: z.string().nullish(),
  prenom: z.string().nullish(),
  email: z.string().nullish(),
  dept: z.string().nullish(),
  active: z.boolean().nullish(),
  date_expiration: z.string().nullish(),
  cas_id: z.string().nullish(),
  cas_allow_login: z.boolean().nullish(),
  cas_allow_scodoc_login: z.boolean().nullish(),
  email_institutionnel: z.string().nullish(),
  edt_id: z.string().nullish(),
  roles_string: z.string().nullish(),
});
export type ScodocUserRecord = z.infer<typeof userSchema>;

/** The editable fields of a user, in ScoDoc's own names. */
export type ScodocUserFields = Partial<
  Pick<
    ScodocUserRecord,
    | "nom"
    | "prenom"
    | "email"
    | "dept"
    | "active"
    | "date_expiration"
    | "cas_id"
    | "cas_allow_login"
    | "cas_allow_scodoc_login"
    | "email_institutionnel"
    | "edt_id"
  >
>;

export interface ScodocGrant {
  readonly role: string;
  /** Undefined: the role applies in every departement. */
  readonly departement?: string;
}

/**
 * ScoDoc renders grants as `Role_DEPT,Role2_` (no spaces; an empty
 * departement means all). Split on the first `_` only, as ScoDoc does.
 */
export function parseRolesString(rolesString: string | null | undefined): ScodocGrant[] {
  if (!rolesString) return [];
  return rolesString
    .split(",")
    .filter((item) => item !== "")
    .map((item) => {
      const at = item.indexOf("_");
      if (at < 0) return { role: item };
      const departement = item.slice(at + 1);
      return departement ? { role: item.slice(0, at), departement } : { role: item.slice(0, at) };
    });
}

/**
 * Tokens are one per ScoDoc user and shared by every client logged in as that
 * user, so one is fetched per (server, user) per process and reused by every
 * resource; it is renewed before its hour runs out, or once after a 401.
 * `DELETE /tokens` is never called: it would log out every other client.
 */
class TokenAuthenticator implements Authenticator {
  static readonly #lifetimeMs = 50 * 60_000;
  readonly #connection: ResolvedConnection;
  #token: Promise<string> | undefined;
  #obtainedAt = 0;
  #login: HttpClient;

  constructor(connection: ResolvedConnection, login: HttpClient) {
    this.#connection = connection;
    this.#login = login;
  }

  header(): Promise<string> {
    if (!this.#token || Date.now() - this.#obtainedAt > TokenAuthenticator.#lifetimeMs) {
      this.#obtainedAt = Date.now();
      const attempt = this.#fetch();
      // Refused credentials stay refused for this process: every other resource
      // fails at once with the same error instead of asking the server again.
      // Any other failure is forgotten, so the next call tries again.
      attempt.catch((error: unknown) => {
        if (this.#token === attempt && !(error instanceof Unauthorized)) this.#token = undefined;
      });
      this.#token = attempt;
    }
    return this.#token.then((t) => `Bearer ${t}`);
  }

  renew(): boolean {
    this.#token = undefined;
    return true;
  }

  async #fetch(): Promise<string> {
    try {
      const res = await this.#login.request({
        method: "POST",
        path: "/tokens",
        // Asking for a token twice is harmless: ScoDoc returns the same one.
        idempotent: true,
        auth: basicAuthenticator(this.#connection),
        schema: z.object({ token: z.string().min(1) }),
      });
      return res.body.token;
    } catch (error) {
      // Every ScoDoc 9 answers this route; a 404 means the URL is not a ScoDoc
      // API. Left a NotFound, it would let a delete report the object as gone.
      if (error instanceof NotFound) {
        throw new ConfigurationError(
          "scodoc",
          `no ScoDoc API at ${this.#connection.http.baseUrl}: POST /ScoDoc/api/tokens answered 404`,
          "scodoc:url must be the server's root, such as https://scodoc.example.com (the API lives under /ScoDoc/api)",
        );
      }
      throw error;
    }
  }
}

const clients = new Map<string, ScodocClient>();

export function scodocClient(connection: ResolvedConnection): ScodocClient {
  return cachedPerConnection(clients, connection, () => new ScodocClient(connection));
}

export class ScodocClient {
  readonly http: HttpClient;
  #permissions: Promise<string[]> | undefined;
  /** Refresh reads, batched through the list endpoints (core/snapshot.ts); never used by create, update or delete. */
  readonly #users: Snapshot<number, ScodocUserRecord>;
  readonly #roles: Snapshot<number, ScodocRoleRecord>;
  readonly #departements: Snapshot<string, ScodocDepartementRecord>;

  constructor(connection: ResolvedConnection) {
    const settings = { ...connection.http, baseUrl: `${connection.http.baseUrl.replace(/\/+$/, "")}/ScoDoc/api` };
    const describeError = (_status: number, body: unknown) => {
      const b = body as { message?: unknown; error?: unknown } | undefined;
      const message = typeof b?.message === "string" && b.message ? b.message : typeof b?.error === "string" ? b.error : undefined;
      return message ? { message } : {};
    };
    const login = new HttpClient(settings, { describeError });
    this.http = new HttpClient(settings, { auth: new TokenAuthenticator(connection, login), describeError });
    this.#users = this.http.snapshot(async () => new Map((await this.users()).map((u) => [u.id, u])));
    this.#roles = this.http.snapshot(async () => new Map((await this.roles()).map((r) => [r.id, r])));
    this.#departements = this.http.snapshot(async () => new Map((await this.departements()).map((d) => [d.acronym, d])));
  }

  // Refresh reads: one list request serves every resource of the process; an
  // id the list does not hold is asked for alone, so a vanished object still reads as gone.

  async userForRefresh(id: number): Promise<ScodocUserRecord | undefined> {
    return (await this.#users.get(id)) ?? this.user(id);
  }

  async roleForRefresh(id: number): Promise<ScodocRoleRecord | undefined> {
    return this.#roles.get(id);
  }

  async departementForRefresh(acronym: string): Promise<ScodocDepartementRecord | undefined> {
    return (await this.#departements.get(acronym)) ?? this.departement(acronym);
  }

  // Departements

  async departements(): Promise<ScodocDepartementRecord[]> {
    return (await this.http.request({ method: "GET", path: "/departements", schema: z.array(departementSchema) })).body;
  }

  /** Undefined when ScoDoc has no departement with this exact acronym. */
  async departement(acronym: string): Promise<ScodocDepartementRecord | undefined> {
    return this.#orUndefined(this.http.request({ method: "GET", path: `/departement/${segment(acronym)}`, schema: departementSchema }));
  }

  async createDepartement(acronym: string, visible: boolean): Promise<ScodocDepartementRecord> {
    return (await this.http.request({ method: "POST", path: "/departement/create", json: { acronym, visible }, schema: departementSchema }))
      .body;
  }

  async editDepartement(acronym: string, visible: boolean): Promise<ScodocDepartementRecord> {
    // `visible` is always sent: ScoDoc reads a missing one as false.
    return (
      await this.http.request({
        method: "POST",
        path: `/departement/${segment(acronym)}/edit`,
        json: { visible },
        idempotent: true,
        schema: departementSchema,
      })
    ).body;
  }

  async deleteDepartement(acronym: string): Promise<void> {
    await this.http.request({ method: "POST", path: `/departement/${segment(acronym)}/delete`, idempotent: true });
  }

  async studentCount(acronym: string): Promise<number> {
    const res = await this.http.request({
      method: "GET",
      path: `/departement/${segment(acronym)}/etudiants`,
      schema: z.array(z.unknown()),
    });
    return res.body.length;
  }

  // Roles and permissions

  async roles(): Promise<ScodocRoleRecord[]> {
    return (await this.http.request({ method: "GET", path: "/roles", schema: z.array(roleSchema) })).body;
  }

  async role(name: string): Promise<ScodocRoleRecord | undefined> {
    return this.#orUndefined(this.http.request({ method: "GET", path: `/role/${segment(name)}`, schema: roleSchema }));
  }

  async createRole(name: string, permissions: readonly string[]): Promise<ScodocRoleRecord> {
    return (await this.http.request({ method: "POST", path: `/role/create/${segment(name)}`, json: { permissions }, schema: roleSchema }))
      .body;
  }

  async editRole(name: string, change: { role_name?: string; permissions?: readonly string[] }): Promise<ScodocRoleRecord> {
    return (
      await this.http.request({ method: "POST", path: `/role/${segment(name)}/edit`, json: change, idempotent: true, schema: roleSchema })
    ).body;
  }

  async deleteRole(name: string): Promise<void> {
    await this.http.request({ method: "POST", path: `/role/${segment(name)}/delete`, idempotent: true });
  }

  /** The server's permission names; they only change with a ScoDoc upgrade, so they are fetched once. */
  permissions(): Promise<string[]> {
    if (!this.#permissions) {
      const attempt = this.http.request({ method: "GET", path: "/permissions", schema: z.array(z.string()) }).then((r) => r.body);
      attempt.catch(() => (this.#permissions = undefined));
      this.#permissions = attempt;
    }
    return this.#permissions;
  }

  // Users

  async user(id: number): Promise<ScodocUserRecord | undefined> {
    return this.#orUndefined(this.http.request({ method: "GET", path: `/user/${segment(id)}`, schema: userSchema }));
  }

  async users(filter: { departement?: string; active?: boolean; startsWith?: string } = {}): Promise<ScodocUserRecord[]> {
    const res = await this.http.request({
      method: "GET",
      path: "/users/query",
      query: {
        departement: filter.departement,
        active: filter.active === undefined ? undefined : filter.active ? "1" : "0",
        starts_with: filter.startsWith,
      },
      schema: z.array(userSchema),
    });
    return res.body;
  }

  async createUser(userName: string, fields: ScodocUserFields): Promise<ScodocUserRecord> {
    return (await this.http.request({ method: "POST", path: "/user/create", json: { user_name: userName, ...fields }, schema: userSchema }))
      .body;
  }

  async editUser(id: number, fields: ScodocUserFields): Promise<ScodocUserRecord> {
    return (
      await this.http.request({ method: "POST", path: `/user/${segment(id)}/edit`, json: fields, idempotent: true, schema: userSchema })
    ).body;
  }

  async setPassword(id: number, password: string): Promise<void> {
    await this.http.request({ method: "POST", path: `/user/${segment(id)}/password`, json: { password }, idempotent: true });
  }

  async addGrant(id: number, grant: ScodocGrant): Promise<ScodocUserRecord> {
    return this.#grant(id, grant, "add");
  }

  async removeGrant(id: number, grant: ScodocGrant): Promise<ScodocUserRecord> {
    return this.#grant(id, grant, "remove");
  }

  async #grant(id: number, grant: ScodocGrant, action: "add" | "remove"): Promise<ScodocUserRecord> {
    const where = grant.departement ? `/departement/${segment(grant.departement)}` : "";
    const res = await this.http.request({
      method: "POST",
      path: `/user/${segment(id)}/role/${segment(grant.role)}/${action}${where}`,
      // Adding a grant that exists, or removing one that does not, changes nothing.
      idempotent: true,
      schema: userSchema,
    });
    return res.body;
  }

  async #orUndefined<T>(call: Promise<{ body: T }>): Promise<T | undefined> {
    try {
      return (await call).body;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }
}
