/**
 * The floor: the least a client can send to put the benchmark's declaration
 * on a fresh ScoDoc, with plain undici and no Pulumi, at the concurrency the
 * engine runs resources with. One token; one create per departement and
 * role; per user a create, a password and one call per grant (the API has no
 * way to do less: create does not check passwords, and grants are one call
 * each). The benchmark divides its own figures by these.
 */
import { Agent, request } from "undici";
import { DROFUS_PROJECT, DROFUS_RIGHTS, type Declaration, type DrofusDeclaration } from "./declaration";

export interface FloorResult {
  readonly requests: number;
  readonly wallMs: number;
}

export async function scodocFloor(url: string, username: string, password: string, decl: Declaration, concurrency: number): Promise<FloorResult> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const api = `${url.replace(/\/+$/, "")}/ScoDoc/api`;
  let requests = 0;
  const call = async (path: string, body: unknown, auth: string): Promise<unknown> => {
    requests++;
    const res = await request(`${api}${path}`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body ?? {}),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`floor: POST ${path} → ${res.statusCode} ${text}`);
    return JSON.parse(text) as unknown;
  };
  /** At most `concurrency` tasks at once, as the engine runs at most that many resource operations. */
  const pool = async <T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await task(items[next++] as T);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  };

  const started = performance.now();
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const { token } = (await call("/tokens", {}, basic)) as { token: string };
  const bearer = `Bearer ${token}`;
  await pool([...decl.departements.map((d) => ({ d })), ...decl.roles.map((r) => ({ r }))], async (item) => {
    if ("d" in item) await call("/departement/create", { acronym: item.d, visible: true }, bearer);
    else await call(`/role/create/${encodeURIComponent(item.r)}`, { permissions: decl.permissions }, bearer);
  });
  await pool(decl.users, async (u) => {
    const created = (await call("/user/create", { user_name: u.userName, nom: u.nom, prenom: u.prenom, dept: u.dept }, bearer)) as { id: number };
    await call(`/user/${created.id}/password`, { password: u.password }, bearer);
    for (const g of u.grants) await call(`/user/${created.id}/role/${encodeURIComponent(g.role)}/add/departement/${encodeURIComponent(g.departement)}`, {}, bearer);
  });
  const wallMs = performance.now() - started;
  await agent.close();
  return { requests, wallMs };
}

/**
 * The dRofus floor: one POST per project (a new database from the template),
 * one POST per membership (which registers the person too). Basic auth, so
 * no login request.
 */
export async function drofusFloor(url: string, username: string, password: string, decl: DrofusDeclaration, concurrency: number): Promise<FloorResult> {
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
  const root = url.replace(/\/+$/, "");
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  let requests = 0;
  const post = async (path: string, body: unknown): Promise<unknown> => {
    requests++;
    const res = await request(`${root}${path}`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: auth, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`floor: POST ${path} → ${res.statusCode} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const pool = async <T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await task(items[next++] as T);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  };
  const started = performance.now();
  const ids = new Map<string, number>();
  await pool(decl.projects, async (p) => {
    const body = {
      project: {
        new_db: "1",
        new_db_template: DROFUS_PROJECT.template,
        new_db_name: p.database,
        name: p.name,
        description: DROFUS_PROJECT.description,
        constructor: DROFUS_PROJECT.constructor,
        owner_id: DROFUS_PROJECT.ownerId,
        project_type_id: DROFUS_PROJECT.projectTypeId,
      },
    };
    const made = (await post("/projects", body)) as { project?: { id: number }; id?: number };
    ids.set(p.name, made.project?.id ?? (made.id as number));
  });
  await pool(decl.members, async (m) => {
    await post("/project_users", {
      project_user: { project_id: ids.get(m.project), room_rights: DROFUS_RIGHTS.room, equipment_rights: DROFUS_RIGHTS.equipment },
      user: { username: m.username, first_name: m.firstName, last_name: m.lastName, email: m.email },
    });
  });
  const wallMs = performance.now() - started;
  await agent.close();
  return { requests, wallMs };
}
