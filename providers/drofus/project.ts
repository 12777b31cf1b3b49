import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { InvalidInput, noLongerExists } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import {
  drofusClient,
  ValidationFailed,
  type DrofusClient,
  type DrofusDatabaseChoice,
  type DrofusProjectFields,
  type DrofusProjectRecord,
} from "./client";

/**
 * The database a project is created in. Only creation reads it, and one
 * database holds one or more projects; so what is compared is the database
 * it names: another name replaces the project, while another template, or
 * `{ existing }` for the database a template created, changes nothing.
 */
const database = z
  .object({
    newFromTemplate: z.string().min(1, "must not be empty").optional(),
    name: z.string().min(1, "must not be empty").optional(),
    existing: z.string().min(1, "must not be empty").optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const fresh = d.newFromTemplate !== undefined || d.name !== undefined;
    if (fresh && d.existing !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: "give either { newFromTemplate, name } for a new database or { existing } for an existing one, not both",
      });
    } else if (!fresh && d.existing === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "give { newFromTemplate, name } to create a database from a template, or { existing } to add the project to an existing database",
      });
    } else if (fresh && d.newFromTemplate === undefined) {
      ctx.addIssue({ code: "custom", path: ["newFromTemplate"], message: "required with name: the database to copy" });
    } else if (fresh && d.name === undefined) {
      ctx.addIssue({ code: "custom", path: ["name"], message: "required with newFromTemplate: the new database's name" });
    }
  });
type DatabaseInput = z.infer<typeof database>;

const inputs = z
  .object({
    name: z.string().min(1, "must not be empty"),
    number: z.string().nullable().optional(),
    // dRofus refuses to create a project without a description, a builder, an owner and a type.
    // The two write-only ones may be left out to adopt a project as it is (checked in create).
    description: z.string().min(1, "must not be empty: dRofus requires a description"),
    builder: z.string().min(1, "must not be empty: dRofus requires the builder or company").optional(),
    ownerId: z.number().int().positive(),
    projectTypeId: z.number().int().positive().optional(),
    database,
    active: z.boolean().default(true),
    deletionPolicy: z.enum(["deactivate", "delete"]).default("deactivate"),
  })
  .strict();

type Input = z.infer<typeof inputs>;

interface State {
  name: string;
  number: string | null;
  description: string | null;
  /** Write-only: the API never returns it, so this is what was last applied. dRofus calls it `constructor`. */
  builder: string | null;
  ownerId: number | null;
  /** Write-only, like `builder`. */
  projectTypeId: number | null;
  /** As last applied; only its name can be read back (`databaseName`). */
  database: DatabaseInput | null;
  active: boolean | null;
  projectId: number;
  databaseName: string | null;
}

/** What the server cannot tell us: kept from the program, or from the previous outputs. */
type Unreadable = Pick<State, "builder" | "projectTypeId" | "database">;

function databaseName(d: DatabaseInput | null | undefined): string | undefined {
  return d?.existing ?? d?.name;
}

function choiceOf(d: DatabaseInput): DrofusDatabaseChoice {
  return d.existing !== undefined ? { existing: d.existing } : { template: d.newFromTemplate ?? "", name: d.name ?? "" };
}

/** The database the server says the project is in, in the form last applied when it is that one. */
function databaseSeen(applied: DatabaseInput | null, live: string | null): DatabaseInput | null {
  if (live === null) return applied;
  return applied && databaseName(applied) === live ? applied : { existing: live };
}

function toState(p: DrofusProjectRecord, unreadable: Unreadable): State {
  return {
    name: p.name,
    number: p.no ?? null,
    description: p.description ?? null,
    ownerId: p.owner_id ?? null,
    active: p.active ?? null,
    projectId: p.id,
    databaseName: p.database_id === undefined || p.database_id === null ? null : String(p.database_id),
    ...unreadable,
  };
}

/** Our input names and the API's, for every field written the same way. */
const FIELDS = {
  name: "name",
  number: "no",
  description: "description",
  builder: "builder",
  ownerId: "owner_id",
  projectTypeId: "project_type_id",
  active: "active",
} as const satisfies Partial<Record<keyof Input, keyof DrofusProjectFields>>;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];
/** The fields a project's JSON shows, hence the ones a create can be seen to have kept. */
const READABLE = ["name", "number", "description", "ownerId", "active"] as const satisfies readonly Field[];

/**
 * The fields a create's answer shows with other values than were sent. Rails'
 * strong parameters drop what a create does not permit, silently, and which
 * fields dRofus permits there is not documented: these are sent again.
 */
function notKept(state: State, input: Input): Set<Field> {
  const blank = (value: unknown) => (value === "" || value === undefined ? null : value);
  return new Set(READABLE.filter((f) => input[f] !== undefined && blank(state[f]) !== blank(input[f])));
}

function fieldsOf(input: Input, only?: ReadonlySet<string>): DrofusProjectFields {
  const fields: Record<string, unknown> = {};
  for (const field of FIELD_NAMES) {
    const value = input[field];
    if (value === undefined || (only && !only.has(field))) continue;
    fields[FIELDS[field]] = value;
  }
  return fields as DrofusProjectFields;
}

/** Translate the server's field names in a 422 into the program's inputs. */
function explained(error: unknown, input: Input): unknown {
  if (!(error instanceof ValidationFailed)) return error;
  const f = error.fields;
  const hints: string[] = [];
  if (f.owner || f.owner_id) hints.push(`ownerId: the server has no owner ${input.ownerId}`);
  if (f.project_type_id) hints.push(`projectTypeId: ${input.projectTypeId} is not one of the server's project types`);
  if (f.new_db_template)
    hints.push(`database.newFromTemplate: the server has no database "${input.database.newFromTemplate ?? ""}" to copy`);
  if (f.new_db_name?.some((m) => /taken/.test(m))) {
    hints.push(
      `database.name: a database "${input.database.name ?? ""}" exists already; use database: { existing: "${input.database.name ?? ""}" } to add the project to it`,
    );
  } else if (f.new_db_name) {
    hints.push("database.name: the server refused this database name (letters, digits, _ and - are safe)");
  }
  if (f.existing_db_name) hints.push(`database.existing: the server has no database "${input.database.existing ?? ""}"`);
  return hints.length > 0 ? error.withHint(hints.join("; ")) : error;
}

/**
 * The project a program means: this name in this database. Inactive
 * projects count (a destroyed stack leaves its projects deactivated); when
 * several match, an active one is preferred, and a tie is refused.
 */
async function findProject(client: DrofusClient, input: Input): Promise<DrofusProjectRecord | undefined> {
  const db = databaseName(input.database);
  const matches = (await client.projects(input.name)).filter((p) => p.name === input.name && String(p.database_id) === db);
  const active = matches.filter((p) => p.active !== false);
  const candidates = active.length > 0 ? active : matches;
  if (candidates.length > 1) {
    throw new InvalidInput(
      "drofus",
      `${candidates.length} projects are named "${input.name}" in database ${db ?? "?"} (ids ${candidates.map((p) => p.id).join(", ")})`,
      "rename all but one in the admin site, or deactivate the others, so that adopt knows which to take over",
    );
  }
  return candidates[0];
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const projectSpec: ResourceSpec<Input, State, DrofusClient> = {
  app: "drofus",
  kind: "drofus:Project",
  // 2: the builder is `builder`, no longer `constructor` (which every JavaScript object has).
  schemaVersion: 2,
  inputs,
  replaceOn: ["database"],
  behaviour: ["deletionPolicy"],
  canonical(field, value) {
    if (field === "database" && value && typeof value === "object") return databaseName(value as DatabaseInput);
    if (field === "number" && value === "") return undefined;
    return value;
  },
  describe: (input) => `project "${input.name}" in database ${databaseName(input.database) ?? "?"}`,
  migrate(outputs, fromVersion) {
    if (fromVersion >= 2) return outputs;
    // Own key only: every object inherits a `constructor`, which is not a builder.
    const { constructor: builder, ...rest } = Object.hasOwn(outputs, "constructor") ? outputs : { ...outputs, constructor: undefined };
    return { ...rest, builder: typeof builder === "string" ? builder : null };
  },
  client: drofusClient,

  async create(ctx, input) {
    const { client } = ctx;
    // The server takes a second project of the same name in a database: look first, so no duplicate is made.
    if (await findProject(client, input)) {
      throw new InvalidInput(
        "drofus",
        `${projectSpec.describe(input)} already exists`,
        "set adopt: true on the resource to take the existing project over",
      );
    }
    for (const field of ["builder", "projectTypeId"] as const) {
      if (input[field] === undefined) {
        throw new InvalidInput(
          "drofus",
          `${field}: dRofus requires it to create ${projectSpec.describe(input)}`,
          "it may only be left out to adopt an existing project (adopt: true)",
        );
      }
    }
    const unreadable: Unreadable = {
      builder: input.builder as string,
      projectTypeId: input.projectTypeId as number,
      database: input.database,
    };
    let made: DrofusProjectRecord;
    try {
      made = await client.createProject(choiceOf(input.database), fieldsOf(input));
    } catch (error) {
      throw explained(error, input);
    }
    const id = String(made.id);
    let state = toState(made, unreadable);
    ctx.created(id, state);
    const dropped = notKept(state, input);
    if (dropped.size > 0) state = toState(await client.updateProject(made.id, fieldsOf(input, dropped)), unreadable);
    return { id, state };
  },

  async read({ client }, id, previous) {
    // Refresh: one list of projects serves every project of the process.
    const p = await client.projectForRefresh(Number(id));
    if (!p) return undefined;
    const seen = toState(p, {
      builder: previous.builder ?? null,
      projectTypeId: previous.projectTypeId ?? null,
      database: null,
    });
    // Of the database only the name can be seen: another one than applied shows as a change of `database`.
    return { ...seen, database: databaseSeen(previous.database ?? null, seen.databaseName) };
  },

  async update({ client }, id, previous, input, changed) {
    const fields = fieldsOf(input, changed);
    let p: DrofusProjectRecord | undefined;
    try {
      p = Object.keys(fields).length > 0 ? await client.updateProject(Number(id), fields) : await client.project(Number(id));
    } catch (error) {
      throw explained(error, input);
    }
    if (!p) throw noLongerExists("drofus", `project ${id}`);
    // Left out, the write-only fields are not managed: keep what was last applied.
    return toState(p, {
      builder: input.builder ?? previous.builder ?? null,
      projectTypeId: input.projectTypeId ?? previous.projectTypeId ?? null,
      database: previous.database ?? input.database,
    });
  },

  async delete({ client }, id, previous) {
    if (previous.deletionPolicy === "delete") await client.deleteProject(Number(id));
    else await client.updateProject(Number(id), { active: false });
  },

  async find({ client }, input) {
    const p = await findProject(client, input);
    // Adopted: what the server holds of the write-only fields is unknown, so the program's values are sent.
    return p && { id: String(p.id), state: toState(p, { builder: null, projectTypeId: null, database: input.database }) };
  },
};

/** A new database copied from a template, or an existing database. */
export type DrofusDatabaseArgs =
  | {
      /** The database to copy, e.g. `dev-template`. */
      newFromTemplate: pulumi.Input<string>;
      /** The new database's name: what users type in the client's "Database" login field. */
      name: pulumi.Input<string>;
      /** Not with `newFromTemplate`. */
      existing?: never;
    }
  | {
      /** An existing database's name: the project is added to it. */
      existing: pulumi.Input<string>;
      /** Not with `existing`. */
      newFromTemplate?: never;
      /** Not with `existing`: the database is named already. */
      name?: never;
    };

/** The inputs of a {@link DrofusProject}. */
export interface DrofusProjectArgs {
  /** The project's name. A rename is an update: the id is dRofus's number. */
  name: pulumi.Input<string>;
  /** The project number (dRofus's `no`), e.g. `"01"`; null clears it. */
  number?: pulumi.Input<string | null>;
  /** The project's description; dRofus refuses to create a project without one. */
  description: pulumi.Input<string>;
  /**
   * The builder or company (dRofus's `constructor`). Write-only: the API never
   * returns it, so it is compared with what was last applied and a change made
   * elsewhere is not seen. Required to create a project; left out, it is not
   * managed (to adopt a project as it is). Named `constructor` up to 0.1.0,
   * which a JavaScript program may still pass.
   */
  builder?: pulumi.Input<string>;
  /** The owner (customer) the project belongs to; see `GET /owners`. */
  ownerId: pulumi.Input<number>;
  /** The project type's id. Write-only, and optional, like `builder`. */
  projectTypeId?: pulumi.Input<number>;
  /**
   * Where the project is created, read at creation only. A different database
   * name replaces the project; another template, or `{ existing }` naming the
   * database a template created, changes nothing.
   */
  database: pulumi.Input<DrofusDatabaseArgs>;
  /** Default true. */
  active?: pulumi.Input<boolean>;
  /**
   * `"deactivate"` (default): delete sets the project inactive and keeps it,
   * its members and its database. `"delete"`: a real DELETE, which removes
   * the project and its memberships (the database stays).
   */
  deletionPolicy?: pulumi.Input<"deactivate" | "delete">;
  /** Take over the existing project with this name in this database instead of failing. */
  adopt?: pulumi.Input<boolean>;
  /** The server and credentials, when not the stack's `drofus:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A dRofus project. Id: dRofus's numeric project id. */
export class DrofusProject extends AccessResource {
  /** The project's name. */
  declare public readonly name: pulumi.Output<string>;
  /** The project number (dRofus's `no`), or null. */
  declare public readonly number: pulumi.Output<string | null>;
  /** The project's description. */
  declare public readonly description: pulumi.Output<string | null>;
  /** The owner (customer) the project belongs to. */
  declare public readonly ownerId: pulumi.Output<number>;
  /** The project type's id, as last applied (write-only on the server). */
  declare public readonly projectTypeId: pulumi.Output<number>;
  /** Whether the project is active. */
  declare public readonly active: pulumi.Output<boolean>;
  /** What delete does to the project. */
  declare public readonly deletionPolicy: pulumi.Output<"deactivate" | "delete">;
  /** dRofus's numeric id, for `DrofusProjectUser.projectId`. */
  declare public readonly projectId: pulumi.Output<number>;
  /** The name of the database holding the project, as the server reports it. */
  declare public readonly databaseName: pulumi.Output<string>;

  /** The builder or company, as last applied (write-only on the server). */
  declare public readonly builder: pulumi.Output<string>;

  constructor(name: string, args: DrofusProjectArgs, opts?: pulumi.CustomResourceOptions) {
    super("drofus:Project", name, withBuilder(args), opts, {
      outputs: ["projectId", "databaseName", "active", "number", "deletionPolicy"],
    });
  }
}

/** The inputs, with a 0.1.0 program's `constructor` (its own key, not Object's) passed as `builder`. */
function withBuilder(args: DrofusProjectArgs): Record<string, unknown> {
  if (!Object.hasOwn(args, "constructor")) return { ...args };
  const { constructor: legacy, ...rest } = args as DrofusProjectArgs & { constructor?: pulumi.Input<string> };
  return rest.builder === undefined ? { ...rest, builder: legacy } : rest;
}
