import type { Reply } from "../core/router";
import type { Call } from "./endpoint";
import { json, notFound } from "./rails";
import { renderDatabase } from "./render";
import { type DatabaseRecord, type DrofusState, journal, railsTime } from "./state";

/**
 * `/database` (singular, as documented): the list, and per-database GET
 * actions. Databases are created only by `POST /projects` with `new_db`.
 */

const OK = { status: "ok" } as const;

export function findDatabase(state: DrofusState, name: string): DatabaseRecord | undefined {
  return state.databases.find((d) => d.name === name);
}

export function listDatabases({ state }: Call): Reply {
  return json(200, state.databases.map(renderDatabase));
}

/** `disableall` and `enableall`: every project user of the database at once. */
export function setDatabaseUsersDisabled(disabled: boolean) {
  return ({ state, id }: Call): Reply => {
    const database = findDatabase(state, id);
    if (!database) return notFound();
    database.users_disabled = disabled;
    return json(200, OK);
  };
}

export function kickAll({ state, actor, id }: Call): Reply {
  const database = findDatabase(state, id);
  if (!database) return notFound();
  journal(state.events, { action: "kickall", target: database.name, by: actor.username, at: railsTime() });
  return json(200, OK);
}

/**
 * "Downloads a backup of the database": a file, whatever format was asked.
 * The sandbox's backup is a JSON description, enough to tell one from another.
 */
export function backupNow({ state, actor, id }: Call): Reply {
  const database = findDatabase(state, id);
  if (!database) return notFound();
  const at = railsTime();
  journal(state.events, { action: "get_backup_now", target: database.name, by: actor.username, at });
  const projects = state.projects.filter((p) => p.database_id === database.name).map((p) => p.id);
  return {
    status: 200,
    body: Buffer.from(JSON.stringify({ database: database.name, projects, taken_at: at })),
    contentType: "application/octet-stream",
    headers: { "content-disposition": `attachment; filename="${database.name}.backup"` },
  };
}
