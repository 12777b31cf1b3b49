import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ConnectionArgs } from "../core/connection";
import { BadRequest, Conflict, InvalidInput, REFRESH_HINT } from "../core/errors";
import { AccessResource } from "../core/dynamic";
import type { ResourceSpec } from "../core/spec";
import type { CdmValue } from "./cdm";
import { scenariClient, type ScenariClient, type ScenariWorkspaceRecord } from "./client";
import { modelSatisfies, resolveModel, type ModelRef, type ModelRequest, type ResolvedModel } from "./models";
import { account, alias, code, roleName } from "./names";
import { canonicalRoleMap, roleChanges, roleMapFromServer, type RoleMap } from "./roleMap";

const model = z
  .object({
    key: z.string().min(1, "must not be empty"),
    version: z
      .string()
      .regex(/^\d+(\.\d+)*$/, "must be dotted numbers, such as 5 or 5.0.5")
      .optional(),
    lang: z.string().min(1, "must not be empty").optional(),
    options: z.array(z.string().min(1, "an option key must not be empty")).optional(),
  })
  .strict();
type ModelInput = z.infer<typeof model>;

const roleEntry = z
  .object({
    allowed: z.array(roleName),
    denied: z.array(roleName).optional(),
  })
  .strict();

/** Settings only a database backend has; a file-system server refuses them. */
const DB_ONLY = ["skins", "publicWsp", "airIt", "extIt", "mirror"] as const;

const inputs = z
  .object({
    alias: alias.optional(),
    code: code.optional(),
    title: z.string().min(1, "must not be empty"),
    description: z.string().optional(),
    model,
    skins: z.array(z.string().min(1, "a skin code must not be empty")).optional(),
    publicWsp: z.boolean().optional(),
    airIt: z.boolean().optional(),
    extIt: z.boolean().optional(),
    mirror: z.boolean().optional(),
    roles: z
      .record(z.string(), roleEntry)
      // Keys checked one by one, so the message says what is wrong with the name, not only that a key is invalid.
      .superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
          const name = account.safeParse(key);
          if (!name.success)
            ctx.addIssue({ code: "custom", path: [key], message: `account name: ${name.error.issues[0]?.message ?? "invalid"}` });
        }
      })
      .optional(),
    deletionPolicy: z.enum(["trash", "purge", "retain"]).default("trash"),
  })
  .strict()
  .superRefine((w, ctx) => {
    if (w.alias === undefined && w.code === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["alias"],
        message: "required: a workspace is known by its alias on a database backend (or by its code on a file-system backend)",
      });
    }
    if (w.alias !== undefined && w.code !== undefined) {
      ctx.addIssue({ code: "custom", path: ["code"], message: "give alias (database backend) or code (file-system backend), not both" });
    }
    if (w.code !== undefined) {
      for (const field of DB_ONLY) {
        if (w[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: "a database-backend setting, but code names a workspace of a file-system backend",
          });
        }
      }
    }
  });

type Input = z.infer<typeof inputs>;

interface State {
  alias: string | null;
  code: string | null;
  title: string;
  description: string | null;
  /** The program's model while the workspace's model satisfies it, else the live one spelled out. */
  model: ModelInput;
  skins: string[];
  publicWsp: boolean | null;
  airIt: boolean | null;
  extIt: boolean | null;
  mirror: boolean | null;
  roles: RoleMap;
  wspCd: string;
  /** `odb` (database) or `fs` (file system). */
  backEnd: string;
  /** The installed model the workspace uses, as the server names it. */
  wspType: ModelRef;
  wspOptions: ModelRef[];
}

/** `props` flags are the strings "true"/"false" on the wire; absent on a file-system backend. */
function flag(value: string | undefined): boolean | null {
  if (value === undefined) return null;
  return value === "true";
}

function cleanModel(m: ModelRequest): ModelInput {
  return {
    key: m.key,
    ...(m.version !== undefined ? { version: m.version } : {}),
    ...(m.lang !== undefined ? { lang: m.lang } : {}),
    ...(m.options !== undefined ? { options: [...new Set(m.options)].sort() } : {}),
  };
}

/**
 * The model as a state records it. A program's `version: "5"` is satisfied
 * by a workspace on 5.0.5: recording the request itself then keeps the diff
 * empty, and a 5.0.6 installed later upgrades nothing by surprise. Once the
 * workspace no longer satisfies it, the live model shows, and so does a diff.
 */
function modelSeen(declared: ModelRequest | undefined, live: ResolvedModel): ModelInput {
  if (declared && modelSatisfies(declared, live)) return cleanModel(declared);
  return cleanModel({
    key: live.wspType.key,
    ...(live.wspType.version ? { version: live.wspType.version } : {}),
    ...(live.wspType.lang ? { lang: live.wspType.lang } : {}),
    options: live.wspOptions.map((o) => o.key),
  });
}

function toState(w: ScenariWorkspaceRecord, declared: ModelRequest | undefined, roles: RoleMap, backEndHint: string): State {
  const backEnd = w.backEnd ?? backEndHint;
  return {
    alias: w.alias,
    code: backEnd === "fs" ? w.wspCd : null,
    title: w.title,
    description: w.props.desc ? w.props.desc : null,
    model: modelSeen(declared, w.model),
    skins: [...w.skins].sort(),
    publicWsp: flag(w.props.publicWsp),
    airIt: flag(w.props.airIt),
    extIt: flag(w.props.extIt),
    mirror: flag(w.props.mirror),
    roles,
    wspCd: w.wspCd,
    backEnd,
    wspType: { ...w.model.wspType },
    wspOptions: w.model.wspOptions.map((o) => ({ ...o })),
  };
}

/** The backend a program means: `code` only exists on a file system. */
function backEndOf(input: Pick<Input, "code">): string {
  return input.code !== undefined ? "fs" : "odb";
}

type Params = { [key: string]: CdmValue | undefined };

function createParams(input: Input): Params {
  return {
    title: input.title,
    alias: input.alias,
    code: input.code,
    desc: input.description ? input.description : undefined,
    skins: input.skins,
    publicWsp: input.publicWsp,
    airIt: input.airIt,
    extIt: input.extIt,
    mirror: input.mirror,
  };
}

/** Only what changed: UpdateWspProps merges, and the Python client sends partial params too. */
function updateParams(input: Input, changed: ReadonlySet<string>): Params {
  const params: Params = {};
  if (changed.has("title")) params.title = input.title;
  if (changed.has("alias")) params.alias = input.alias;
  // An empty description clears it: the server reads null as "no description".
  if (changed.has("description")) params.desc = input.description ? input.description : null;
  if (changed.has("skins")) params.skins = input.skins;
  for (const field of ["publicWsp", "airIt", "extIt", "mirror"] as const) if (changed.has(field)) params[field] = input[field];
  return params;
}

/** Every account of a role map must exist before anything is sent: the server would keep an entry for nobody. */
async function checkAccounts(client: ScenariClient, roles: Input["roles"]): Promise<void> {
  const names = Object.keys(roles ?? {});
  if (names.length === 0) return;
  const found = await client.accounts(names);
  const missing = names.filter((name) => !found.get(name));
  if (missing.length > 0) {
    throw new InvalidInput(
      "scenari",
      `roles: no account ${missing.map((m) => `"${m}"`).join(", ")} on the server`,
      "create it with a ScenariUser or ScenariGroup and make the workspace wait for it (build the map from its account output, or dependsOn), or correct the name",
    );
  }
}

/**
 * Turn a refused create into the reason a user can act on: an alias held by
 * a workspace in the trash, or an alias/code that does not fit the server's
 * backend. Anything else is returned unchanged.
 */
async function explainRefusedCreate(client: ScenariClient, input: Input, error: unknown): Promise<unknown> {
  if (error instanceof Conflict && input.alias !== undefined) {
    const holder = await client.workspace(input.alias).catch(() => undefined);
    if (holder?.trashed && holder.alias === input.alias) {
      return new InvalidInput(
        "scenari",
        `workspace alias ${input.alias} is held by a workspace in the server's trash (wspCd ${holder.wspCd})`,
        "set adopt: true to restore it and take it over, or empty the trash in Scenari",
      );
    }
  }
  if (error instanceof BadRequest) {
    const backEnd = await client.backEnd().catch(() => undefined);
    if (backEnd === "odb" && input.code !== undefined) {
      return new InvalidInput(
        "scenari",
        "code: this server keeps its workspaces in a database, where a workspace is known by its alias",
        "set alias instead of code",
      );
    }
    if (backEnd === "fs" && input.alias !== undefined) {
      return new InvalidInput(
        "scenari",
        "alias: this server keeps its workspaces on its file system, where a workspace is known by its code",
        "set code instead of alias, without skins, publicWsp, airIt, extIt or mirror",
      );
    }
  }
  return error;
}

/** What the runtime runs for this kind; not part of the public API. @internal */
export const workspaceSpec: ResourceSpec<Input, State, ScenariClient> = {
  app: "scenari",
  kind: "scenari:Workspace",
  schemaVersion: 1,
  inputs,
  // The id is the wspCd, so a new alias or title is an edit; only a file-system code names the folder.
  replaceOn: ["code"],
  behaviour: ["deletionPolicy"],
  sets: ["skins"],
  canonical(field, value) {
    if (field === "description" && value === "") return undefined;
    if (field === "model" && value && typeof value === "object" && !Array.isArray(value)) return cleanModel(value as ModelRequest);
    if (field === "roles") return canonicalRoleMap(value);
    return value;
  },
  describe: (input) => (input.alias !== undefined ? `workspace alias ${input.alias}` : `workspace code ${input.code ?? "?"}`),
  client: scenariClient,

  async create(ctx, input) {
    const { client } = ctx;
    // Everything that can be refused offline is, before the first write.
    const resolved = resolveModel(await client.models(), input.model);
    await checkAccounts(client, input.roles);
    let made: ScenariWorkspaceRecord;
    try {
      made = await client.createWorkspace(createParams(input), resolved);
    } catch (error) {
      throw await explainRefusedCreate(client, input, error);
    }
    let state = toState(made, input.model, {}, backEndOf(input));
    ctx.created(made.wspCd, state);
    const wanted = input.roles ? (canonicalRoleMap(input.roles) as RoleMap) : {};
    if (Object.keys(wanted).length > 0) {
      state = { ...state, roles: roleMapFromServer(await client.setRoles(made.wspCd, roleChanges({}, wanted))) };
    }
    return { id: made.wspCd, state };
  },

  async read({ client }, id, previous) {
    const w = await client.workspace(id);
    // In the trash, a workspace is gone for its users: refresh drops it, and `adopt` can bring it back.
    if (!w || w.trashed) return undefined;
    return toState(w, previous.model, roleMapFromServer(await client.roles(id)), previous.backEnd);
  },

  async update({ client }, id, previous, input, changed) {
    if (changed.has("roles")) await checkAccounts(client, input.roles);
    const current = { wspType: previous.wspType, wspOptions: previous.wspOptions };
    // A program that now asks for what the workspace already has (say, version "5" for 5.0.5) needs no new type.
    const resolved =
      changed.has("model") && !modelSatisfies(input.model, current) ? resolveModel(await client.models(), input.model) : undefined;

    const params = updateParams(input, changed);
    if (Object.keys(params).length > 0) await client.updateWorkspaceProps(id, params);
    if (resolved) await client.updateWorkspaceModel(id, resolved);
    let roles: RoleMap | undefined;
    if (changed.has("roles") && input.roles !== undefined) {
      const live = roleMapFromServer(await client.roles(id));
      const changes = roleChanges(live, input.roles);
      roles = changes.size > 0 ? roleMapFromServer(await client.setRoles(id, changes)) : live;
    }

    const w = await client.workspace(id);
    if (!w || w.trashed) {
      throw new InvalidInput(
        "scenari",
        `workspace ${previous.alias ?? previous.code ?? id} (wspCd ${id}) no longer exists or is in the trash`,
        REFRESH_HINT,
      );
    }
    roles ??= roleMapFromServer(await client.roles(id));
    return toState(w, input.model, roles, previous.backEnd);
  },

  async delete({ client }, id, previous) {
    const policy = previous.deletionPolicy ?? "trash";
    if (policy === "retain") return;
    // Asked first because it answers an unknown workspace in band: a 404 from it means a wrong URL, never "already gone".
    const live = await client.workspace(id);
    if (!live) return;
    const fs = (live.backEnd ?? previous.backEnd) === "fs";
    if (policy === "purge") {
      // A file system has no trash: deleting the content folder is what makes it permanent there.
      if (fs) await client.deleteWorkspace(id, { deleteGen: true, deleteContent: true });
      else await client.purgeWorkspace(id, { deleteGen: true });
      return;
    }
    // Recoverable: nothing generated or written is removed.
    await client.deleteWorkspace(id, fs ? { deleteGen: false, deleteContent: false } : { deleteGen: false });
  },

  async find({ client }, input) {
    const key = input.alias ?? input.code;
    if (key === undefined) return undefined;
    let w = await client.workspace(key);
    // `param` takes a code or an alias: make sure this is the workspace the program names.
    if (!w || (input.alias !== undefined ? w.alias !== input.alias : w.wspCd !== input.code)) return undefined;
    if (w.trashed) {
      // Only adopt brings a workspace back from the trash: it is the program's explicit "this one is mine".
      if (!(input as Input & { adopt?: boolean }).adopt) return undefined;
      await client.restoreWorkspace(w.wspCd);
      w = { ...w, trashed: false };
    }
    return { id: w.wspCd, state: toState(w, input.model, roleMapFromServer(await client.roles(w.wspCd)), backEndOf(input)) };
  },
};

/** A model as a program asks for it. */
export interface ScenariModelArgs {
  /** The model's key, e.g. `Opale`, `Dokiel`. */
  key: pulumi.Input<string>;
  /**
   * A version or a prefix of whole components: `5` takes the newest installed
   * 5.x at creation. The workspace keeps its version until the program asks
   * for one it does not satisfy: installing a newer pack changes nothing.
   */
  version?: pulumi.Input<string>;
  /** The content language, e.g. `fr-FR`; needed when the chosen version is installed in several. */
  lang?: pulumi.Input<string>;
  /** Option keys (extensions, skins, generators), e.g. `OpaleExtEmeraude`; a set. */
  options?: pulumi.Input<pulumi.Input<string>[]>;
}

/** One account's roles on a workspace. */
export interface ScenariRoleEntryArgs {
  /** Roles allowed on the workspace, e.g. `main:author`, `main:reader`; a set. */
  allowed: pulumi.Input<pulumi.Input<string>[]>;
  /** Roles denied on the workspace, even if held globally or through a group; a set. */
  denied?: pulumi.Input<pulumi.Input<string>[]>;
}

/** A model as a workspace's state records it: the program's request while the workspace satisfies it, else the live model. */
export interface ScenariModel {
  /** The model's key, e.g. `Opale`. */
  key: string;
  /** The version or version prefix. */
  version?: string;
  /** The content language. */
  lang?: string;
  /** Option keys, sorted. */
  options?: string[];
}

/** An installed model or option, as the server names it. */
export interface ScenariModelRef {
  /** The key, e.g. `Opale`. */
  key: string;
  /** The pack's URI, e.g. `Opale_fr-FR_5-0-5`. */
  uri: string;
  /** The full version, e.g. `5.0.5`. */
  version: string;
  /** The language, e.g. `fr-FR`. */
  lang: string;
  /** The title the server shows. */
  title: string;
}

/** One account's roles on a workspace, as the server holds them. */
export interface ScenariRoleEntry {
  /** Allowed roles, sorted. */
  allowed: string[];
  /** Denied roles, sorted; absent when none. */
  denied?: string[];
}

/** The inputs of a {@link ScenariWorkspace}. */
export interface ScenariWorkspaceArgs {
  /**
   * The workspace's alias on a database backend: its natural key, letters,
   * digits, `_` and `-`, never 22 letters and digits (the shape of a
   * server-assigned code). A new alias is an in-place update.
   */
  alias?: pulumi.Input<string>;
  /** The workspace's code on a file-system backend (letters, digits, `_`): it names the folder, so a change replaces the workspace. */
  code?: pulumi.Input<string>;
  /** The title shown to users; not unique. */
  title: pulumi.Input<string>;
  /** An empty string clears it. */
  description?: pulumi.Input<string>;
  /** The model, resolved against the server's installed ones; a change goes through `UpdateWspType`. */
  model: pulumi.Input<ScenariModelArgs>;
  /** Database backend only; a set. */
  skins?: pulumi.Input<pulumi.Input<string>[]>;
  /** Database backend only. */
  publicWsp?: pulumi.Input<boolean>;
  /** Database backend only: accept AIR items. */
  airIt?: pulumi.Input<boolean>;
  /** Database backend only: accept external items. */
  extIt?: pulumi.Input<boolean>;
  /** Database backend only. */
  mirror?: pulumi.Input<boolean>;
  /**
   * Who holds which role on the workspace's root, by account (user or
   * group). Authoritative when given: an account left out loses its entry,
   * `{}` removes all. Every account must exist: build the map from
   * ScenariUser/ScenariGroup `account` outputs (e.g. with `pulumi.all`) so
   * that the workspace waits for them.
   */
  roles?: pulumi.Input<Record<string, pulumi.Input<ScenariRoleEntryArgs>>>;
  /**
   * What destroy does. `"trash"` (default): to the trash on a database
   * backend, recoverable; unregistered with its content kept on a
   * file system. `"purge"`: gone for good, generated files and (file system)
   * content included. `"retain"`: nothing.
   */
  deletionPolicy?: pulumi.Input<"trash" | "purge" | "retain">;
  /** Take over the workspace with this alias (or code) instead of failing; one in the trash is restored. */
  adopt?: pulumi.Input<boolean>;
  /** The chain portlet and credentials, when not the stack's `scenari:*` configuration. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A Scenari workspace (atelier), its model and who holds which role in it. Id: its `wspCd`. */
export class ScenariWorkspace extends AccessResource {
  /** The alias (database backend), or null. */
  declare public readonly alias: pulumi.Output<string | null>;
  /** The code (file-system backend), or null. */
  declare public readonly code: pulumi.Output<string | null>;
  /** The title. */
  declare public readonly title: pulumi.Output<string>;
  /** The description, or null. */
  declare public readonly description: pulumi.Output<string | null>;
  /** The model: the program's request while the workspace satisfies it, else the live one. */
  declare public readonly model: pulumi.Output<ScenariModel>;
  /** The skins, sorted (database backend). */
  declare public readonly skins: pulumi.Output<string[]>;
  /** Null on a file-system backend. */
  declare public readonly publicWsp: pulumi.Output<boolean | null>;
  /** Null on a file-system backend. */
  declare public readonly airIt: pulumi.Output<boolean | null>;
  /** Null on a file-system backend. */
  declare public readonly extIt: pulumi.Output<boolean | null>;
  /** Null on a file-system backend. */
  declare public readonly mirror: pulumi.Output<boolean | null>;
  /** The root's role map as the server holds it. */
  declare public readonly roles: pulumi.Output<Record<string, ScenariRoleEntry>>;
  /** What delete does to the workspace. */
  declare public readonly deletionPolicy: pulumi.Output<"trash" | "purge" | "retain">;
  /** The server's code of the workspace: 22 letters and digits on a database backend, the code on a file system. */
  declare public readonly wspCd: pulumi.Output<string>;
  /** `odb` (database) or `fs` (file system). */
  declare public readonly backEnd: pulumi.Output<string>;
  /** The installed model in use: `{ key, uri, version, lang, title }`. */
  declare public readonly wspType: pulumi.Output<ScenariModelRef>;
  /** The installed options in use. */
  declare public readonly wspOptions: pulumi.Output<ScenariModelRef[]>;

  constructor(name: string, args: ScenariWorkspaceArgs, opts?: pulumi.CustomResourceOptions) {
    super("scenari:Workspace", name, { ...args }, opts, {
      outputs: [
        "wspCd",
        "backEnd",
        "wspType",
        "wspOptions",
        "alias",
        "code",
        "description",
        "skins",
        "publicWsp",
        "airIt",
        "extIt",
        "mirror",
        "roles",
        "deletionPolicy",
      ],
    });
  }
}
