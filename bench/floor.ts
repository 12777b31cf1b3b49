/**
 * The floor: the least a client can send to put the benchmark's declaration
 * on fresh servers, with plain undici and no Pulumi, at the concurrency the
 * engine runs resources with. The benchmark divides its own figures by
 * these. Each application's floor is the request set its API cannot do
 * without; the comment above each says what that is.
 */
import { Agent, request } from "undici";
import { serializeCdm } from "../providers/scenari/cdm";
import {
  DROFUS_PROJECT,
  DROFUS_RIGHTS,
  SCENARI_MODEL,
  type Declaration,
  type DrofusDeclaration,
  type FessDeclaration,
  type ScenariDeclaration,
} from "./declaration";

export interface FloorResult {
  readonly requests: number;
  readonly wallMs: number;
}

interface Send {
  readonly method: "GET" | "POST" | "PUT";
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** One keep-alive pool, a request counter, and the engine's bound on work in flight. */
class FloorClient {
  requests = 0;
  readonly #agent: Agent;
  readonly #concurrency: number;
  readonly #started = performance.now();

  constructor(concurrency: number) {
    this.#concurrency = concurrency;
    this.#agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  }

  async send(url: string, { method, headers = {}, body }: Send): Promise<string> {
    this.requests++;
    const res = await request(url, {
      method,
      dispatcher: this.#agent,
      headers: { accept: "application/json", ...headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`floor: ${method} ${url} → ${res.statusCode} ${text}`);
    return text;
  }

  /** At most `concurrency` tasks at once, as the engine runs at most that many resource operations. */
  async pool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await task(items[next++] as T);
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, items.length) }, worker));
  }

  async done(): Promise<FloorResult> {
    const wallMs = performance.now() - this.#started;
    await this.#agent.close();
    return { requests: this.requests, wallMs };
  }
}

const basic = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
const json = (auth: string, body: unknown): Send => ({
  method: "POST",
  headers: { authorization: auth, "content-type": "application/json" },
  body: JSON.stringify(body),
});

/**
 * ScoDoc: one token; one create per departement and role; per user a
 * create, a password and one call per grant (create does not take a
 * password, and grants are one call each).
 */
export async function scodocFloor(
  url: string,
  username: string,
  password: string,
  decl: Declaration,
  concurrency: number,
): Promise<FloorResult> {
  const client = new FloorClient(concurrency);
  const api = `${url.replace(/\/+$/, "")}/ScoDoc/api`;
  const { token } = JSON.parse(await client.send(`${api}/tokens`, json(basic(username, password), {}))) as { token: string };
  const bearer = `Bearer ${token}`;
  const call = async (path: string, body: unknown) => JSON.parse(await client.send(`${api}${path}`, json(bearer, body))) as unknown;
  await client.pool([...decl.departements.map((d) => ({ d })), ...decl.roles.map((r) => ({ r }))], async (item) => {
    if ("d" in item) await call("/departement/create", { acronym: item.d, visible: true });
    else await call(`/role/create/${encodeURIComponent(item.r)}`, { permissions: decl.permissions });
  });
  await client.pool(decl.users, async (u) => {
    const created = (await call("/user/create", { user_name: u.userName, nom: u.nom, prenom: u.prenom, dept: u.dept })) as { id: number };
    await call(`/user/${created.id}/password`, { password: u.password });
    for (const g of u.grants)
      await call(`/user/${created.id}/role/${encodeURIComponent(g.role)}/add/departement/${encodeURIComponent(g.departement)}`, {});
  });
  return client.done();
}

/**
 * dRofus: one POST per project (a new database from the template), one POST
 * per membership (which registers the person too). Basic auth, so no login.
 */
export async function drofusFloor(
  url: string,
  username: string,
  password: string,
  decl: DrofusDeclaration,
  concurrency: number,
): Promise<FloorResult> {
  const client = new FloorClient(concurrency);
  const root = url.replace(/\/+$/, "");
  const auth = basic(username, password);
  const ids = new Map<string, number>();
  await client.pool(decl.projects, async (p) => {
    const project = {
      new_db: "1",
      new_db_template: DROFUS_PROJECT.template,
      new_db_name: p.database,
      name: p.name,
      description: DROFUS_PROJECT.description,
      constructor: DROFUS_PROJECT.constructor,
      owner_id: DROFUS_PROJECT.ownerId,
      project_type_id: DROFUS_PROJECT.projectTypeId,
    };
    const made = JSON.parse(await client.send(`${root}/projects`, json(auth, { project }))) as { project?: { id: number }; id?: number };
    ids.set(p.name, made.project?.id ?? (made.id as number));
  });
  await client.pool(decl.members, async (m) => {
    await client.send(
      `${root}/project_users`,
      json(auth, {
        project_user: { project_id: ids.get(m.project), room_rights: DROFUS_RIGHTS.room, equipment_rights: DROFUS_RIGHTS.equipment },
        user: { username: m.username, first_name: m.firstName, last_name: m.lastName, email: m.email },
      }),
    );
  });
  return client.done();
}

/**
 * Fess (15.x): one `POST /setting` per role, group and user. A user names
 * its roles and groups by id, which Fess derives from the name (URL-safe
 * base64), so nothing has to be read first.
 */
export async function fessFloor(url: string, token: string, decl: FessDeclaration, concurrency: number): Promise<FloorResult> {
  const client = new FloorClient(concurrency);
  const api = `${url.replace(/\/+$/, "")}/api/admin`;
  const auth = `Bearer ${token}`;
  const id = (name: string) => {
    const unpadded = Buffer.from(name).toString("base64url");
    return unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, "=");
  };
  const create = async (kind: string, body: unknown) => {
    const answer = JSON.parse(await client.send(`${api}/${kind}/setting`, json(auth, body))) as { response: { status: number } };
    if (answer.response.status !== 0) throw new Error(`floor: Fess ${kind} create answered ${JSON.stringify(answer)}`);
  };
  await client.pool(
    [
      ...decl.roles.map((name) => ({ kind: "role", body: { name } })),
      ...decl.groups.map((g) => ({ kind: "group", body: { name: g.name, attributes: { gidNumber: g.gidNumber } } })),
    ],
    (item) => create(item.kind, item.body),
  );
  await client.pool(decl.users, (u) =>
    create("user", { name: u.name, password: u.password, roles: u.roles.map(id), groups: u.groups.map(id) }),
  );
  return client.done();
}

/**
 * Scenari: the installed models once (the declaration names a version
 * prefix, which only the server can resolve); one `CreateGroup` per group,
 * one `CreateUser` per user with its group and password; per workspace a
 * `CreateWsp` and one `SetSpecifiedRoles` carrying its whole role map.
 */
export async function scenariFloor(
  url: string,
  username: string,
  password: string,
  decl: ScenariDeclaration,
  concurrency: number,
): Promise<FloorResult> {
  const client = new FloorClient(concurrency);
  const root = `${url.replace(/\/+$/, "")}/script/u`;
  const auth = basic(username, password);
  const service = (svc: string, query: Record<string, string>) => `${root}/${svc}?${new URLSearchParams(query).toString()}`;
  const account = (cdaction: string, name: string, props: Record<string, unknown>) =>
    client.send(service("adminUsers", { cdaction, param: name }), {
      method: "POST",
      headers: { authorization: auth, sccsrf: "1", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ userProps: serializeCdm(props as never) }).toString(),
    });

  const catalogue = await client.send(service("wspMetaEditor", { cdaction: "GetNewEditor" }), {
    method: "GET",
    headers: { authorization: auth },
  });
  const version = [...catalogue.matchAll(/<wspTypeDef\b[^>]*\bkey="([^"]*)"[^>]*\bversion="([^"]*)"[^>]*\blang="([^"]*)"/g)]
    .filter(
      ([, key, v, lang]) => key === SCENARI_MODEL.key && lang === SCENARI_MODEL.lang && (v ?? "").split(".")[0] === SCENARI_MODEL.version,
    )
    .map(([, , v]) => v as string)[0];
  if (!version) throw new Error(`floor: the Scenari server has no ${SCENARI_MODEL.key} ${SCENARI_MODEL.version}`);

  await client.pool(decl.groups, async (g) => void (await account("CreateGroup", g, { groupName: g })));
  await client.pool(
    decl.users,
    async (u) =>
      void (await account("CreateUser", u.account, {
        firstName: u.firstName,
        lastName: u.lastName,
        groups: [u.group],
        password: u.password,
        userType: "user",
      })),
  );
  await client.pool(decl.workspaces, async (w) => {
    const wspType = `<wspType key="${SCENARI_MODEL.key}" version="${version}" lang="${SCENARI_MODEL.lang}"/>`;
    const made = JSON.parse(
      await client.send(service("adminWsp", { cdaction: "CreateWsp", createParams: serializeCdm({ title: w.title, alias: w.alias }) }), {
        method: "PUT",
        headers: { authorization: auth, "content-type": "application/xml; charset=utf-8" },
        body: wspType,
      }),
    ) as { wspCd: string };
    const roles = Object.fromEntries([
      ...w.authors.map((a) => [a, { allowedRoles: ["main:author"] }]),
      [w.readers, { allowedRoles: ["main:reader"] }],
    ]);
    await client.send(service("wspSrc", { cdaction: "SetSpecifiedRoles", param: made.wspCd, refUri: "", options: serializeCdm(roles) }), {
      method: "POST",
      headers: { authorization: auth, sccsrf: "1" },
    });
  });
  return client.done();
}
