import type { Reply } from "../core/router";
import type { Call } from "./endpoint";
import { findOwner } from "./owners";
import { bodyParams, json, locationOf, noContent, notFound, own, permit, type Params, requireParam, unprocessable } from "./rails";
import { PROJECT_COLUMNS, renderProject } from "./render";
import { type DrofusState, type ProjectRecord, railsTime } from "./state";
import {
  BLANK,
  castBoolean,
  castDecimal,
  castInteger,
  castString,
  DOES_NOT_EXIST,
  Errors,
  INVALID,
  isBlank,
  MUST_EXIST,
  NOT_A_NUMBER,
  NOT_IN_LIST,
  parseId,
  TAKEN,
} from "./validation";

/** `/projects`: list, show, create (with a new or an existing database), update, delete. */

/** What an update may change: the registry's columns plus the two fields the create form takes. */
const UPDATABLE = [
  "name",
  "description",
  "active",
  "contact",
  "gross_area",
  "no",
  "status",
  "owner_id",
  "constructor",
  "project_type_id",
] as const;

/** A create also chooses the database, once and for all. */
const CREATABLE = [...UPDATABLE, "new_db", "new_db_template", "new_db_name", "existing_db_name"] as const;

/** The documentation names no rule; database names in it are identifiers such as `akl-test` and `rest_test`. */
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function findProject(state: DrofusState, id: number | undefined): ProjectRecord | undefined {
  return id === undefined ? undefined : state.projects.find((p) => p.id === id);
}

export function listProjects({ ctx, state }: Call): Reply {
  const showAll = castBoolean(ctx.query.get("show_all")) === true;
  const query = ctx.query.get("query")?.toLowerCase() ?? "";
  const projects = state.projects.filter((p) => (showAll || p.active) && p.name.toLowerCase().includes(query)).sort((a, b) => a.id - b.id);
  return json(200, projects.map(renderProject));
}

export function showProject({ state, id }: Call): Reply {
  const project = findProject(state, parseId(id));
  return project ? json(200, renderProject(project)) : notFound();
}

export function createProject({ ctx, state, actor }: Call): Reply {
  const params = permit(requireParam(bodyParams(ctx, "project", PROJECT_COLUMNS), "project"), CREATABLE);
  const errors = new Errors();
  const changes = validateAttributes(params, state, errors, true);
  const database = validateDatabaseChoice(params, state, errors);
  if (errors.any || !database) return unprocessable(errors.toJSON());

  const at = railsTime();
  if (database.template !== undefined) {
    state.databases.push({
      name: database.name,
      owner_id: changes.owner_id ?? null,
      template: database.template,
      created_at: at,
      users_disabled: false,
    });
  }
  // Validation guarantees `changes` holds every mandatory field; these defaults are only the optional ones.
  const project: ProjectRecord = {
    id: state.nextProjectId++,
    name: "",
    no: null,
    description: null,
    active: true,
    contact: null,
    gross_area: null,
    status: null,
    owner_id: 0,
    database_id: database.name,
    created_at: at,
    created_by: actor.username,
    updated: null,
    updated_by: null,
    constructor: null,
    project_type_id: 0,
    ...changes,
  };
  state.projects.push(project);
  return json(201, renderProject(project), { location: locationOf(ctx, `/projects/${project.id}`) });
}

export function updateProject({ ctx, state, actor, id }: Call): Reply {
  const project = findProject(state, parseId(id));
  if (!project) return notFound();
  const params = permit(requireParam(bodyParams(ctx, "project", PROJECT_COLUMNS), "project"), UPDATABLE);
  const errors = new Errors();
  const changes = validateAttributes(params, state, errors, false);
  if (errors.any) return unprocessable(errors.toJSON());
  Object.assign(project, changes, { updated: railsTime(), updated_by: actor.username });
  return json(200, renderProject(project));
}

export function destroyProject({ state, id }: Call): Reply {
  const project = findProject(state, parseId(id));
  if (!project) return notFound();
  state.projects = state.projects.filter((p) => p !== project);
  // Its memberships go with it; the database stays, since other projects may share it.
  state.projectUsers = state.projectUsers.filter((pu) => pu.project_id !== project.id);
  return noContent;
}

type Attributes = Partial<Omit<ProjectRecord, "id" | "database_id" | "created_at" | "created_by" | "updated" | "updated_by">>;

/**
 * The attributes present in `params`, cast, with what is wrong about them
 * added to `errors`. On create the seed makes every documented field
 * mandatory; on update only the name may not be cleared (the documented
 * template project has no description).
 */
function validateAttributes(params: Params, state: DrofusState, errors: Errors, creating: boolean): Attributes {
  const changes: Attributes = {};
  const given = (field: string) => creating || Object.hasOwn(params, field);

  if (given("name")) {
    if (isBlank(own(params, "name"))) errors.add("name", BLANK);
    else changes.name = String(own(params, "name"));
  }
  for (const field of ["description", "constructor"] as const) {
    if (creating && isBlank(own(params, field))) errors.add(field, BLANK);
    else if (Object.hasOwn(params, field)) changes[field] = castString(params[field]);
  }
  for (const field of ["contact", "no", "status"] as const) {
    if (Object.hasOwn(params, field)) changes[field] = castString(params[field]);
  }
  if (Object.hasOwn(params, "active")) {
    const active = castBoolean(params.active);
    if (active === null) errors.add("active", NOT_IN_LIST);
    else changes.active = active;
  }
  if (Object.hasOwn(params, "gross_area")) {
    const area = castDecimal(params.gross_area);
    if (Number.isNaN(area)) errors.add("gross_area", NOT_A_NUMBER);
    else changes.gross_area = area;
  }
  if (given("owner_id")) {
    // Rails 5's belongs_to names the association, not the column.
    const owner = findOwner(state, castInteger(own(params, "owner_id")));
    if (owner) changes.owner_id = owner.id;
    else errors.add("owner", MUST_EXIST);
  }
  if (given("project_type_id")) {
    const typeId = castInteger(own(params, "project_type_id"));
    const type = state.projectTypes.find((t) => t.id === typeId);
    if (typeId === undefined) errors.add("project_type_id", BLANK);
    else if (type) changes.project_type_id = type.id;
    else errors.add("project_type_id", NOT_IN_LIST);
  }
  return changes;
}

/** Where a new project goes: a new database copied from a template, or an existing one. */
function validateDatabaseChoice(params: Params, state: DrofusState, errors: Errors): { name: string; template?: string } | undefined {
  const newDb = castBoolean(own(params, "new_db"));
  const exists = (name: unknown) => state.databases.some((d) => d.name === String(name));
  if (newDb === null) {
    errors.add("new_db", BLANK);
    return undefined;
  }
  if (newDb) {
    const name = own(params, "new_db_name");
    const template = own(params, "new_db_template");
    const nameError = isBlank(name) ? BLANK : !DATABASE_NAME.test(String(name)) ? INVALID : exists(name) ? TAKEN : undefined;
    const templateError = isBlank(template) ? BLANK : exists(template) ? undefined : DOES_NOT_EXIST;
    if (nameError) errors.add("new_db_name", nameError);
    if (templateError) errors.add("new_db_template", templateError);
    return nameError || templateError ? undefined : { name: String(name), template: String(template) };
  }
  const existing = own(params, "existing_db_name");
  const existingError = isBlank(existing) ? BLANK : exists(existing) ? undefined : DOES_NOT_EXIST;
  if (existingError) errors.add("existing_db_name", existingError);
  return existingError ? undefined : { name: String(existing) };
}
