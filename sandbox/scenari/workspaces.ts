/**
 * Workspaces: identity (`wspCd`, `alias`, FS `code`), how they are rendered
 * (`WspInList`, `InfoWsp`), and how `createParams`/`updateParams` change them.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { CdmValue } from "../../providers/scenari/cdm";
import { effectiveGlobalRoles } from "./accounts";
import { badRequest, ScenariHttpError } from "./http";
import { renderRoleMap, rolesOnNode } from "./roleMaps";
import type { ScenariState, StoredAccount, StoredWsp } from "./state";
import { isInstalled, type ResolvedWspType } from "./wspTypes";

/** Where an FS server keeps workspaces it is given no folder for (INFERRED). */
const FS_CONTENT_ROOT = "/var/lib/scenarichain/wsps";
const FS_GEN_ROOT = "/var/lib/scenarichain/gen";

const WSP_CD_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** The alias rule of the web client: anything that could be mistaken for a server-assigned code is refused. */
const ALIAS_PATTERN = /^(?![0-9A-Za-z]{22}$)[A-Za-z0-9_-]+$/;
const FS_CODE_PATTERN = /^[A-Za-z0-9_]+$/;
const DRV_AXIS_PATTERN = /^[A-Za-z0-9_-]+$/;

/** A fresh 22-character code, drawn without modulo bias. */
export function newWspCd(state: ScenariState): string {
  for (;;) {
    let code = "";
    while (code.length < 22) {
      for (const byte of randomBytes(32)) {
        // 248 = 4 × 62: bytes above it would favour the first letters.
        if (byte < 248 && code.length < 22) code += WSP_CD_ALPHABET[byte % 62];
      }
    }
    if (!state.wsps.some((w) => w.wspCd === code)) return code;
  }
}

/** The workspace a `param` designates: its code, or on `odb` its alias. Trashed ones included. */
export function findWsp(state: ScenariState, codeOrAlias: string): StoredWsp | undefined {
  return state.wsps.find((w) => w.wspCd === codeOrAlias) ?? state.wsps.find((w) => w.alias === codeOrAlias);
}

export function requireWsp(state: ScenariState, codeOrAlias: string): StoredWsp {
  const wsp = findWsp(state, codeOrAlias);
  if (!wsp) throw new ScenariHttpError(404, `Workspace '${codeOrAlias}' not found`);
  return wsp;
}

// ---------------------------------------------------------------------------
// Rendering

export interface RenderOptions {
  readonly caller: StoredAccount;
  /** `srcFields` requested with `fields=srcRoles*srcRi*srcDt*srcSt`. */
  readonly fields?: readonly string[];
  readonly withSpecifiedRoles?: boolean;
}

export function wspProvider(state: ScenariState): Record<string, string> {
  return state.backEnd === "fs" ? { backEnd: "fs", defaultContentPath: FS_CONTENT_ROOT, defaultGenPath: FS_GEN_ROOT } : { backEnd: "odb" };
}

/**
 * Drafts and derived workspaces have no title of their own; they show their
 * draft title, or the reference's or master's title (INFERRED).
 */
function titleOf(state: ScenariState, wsp: StoredWsp): string {
  if (wsp.title !== undefined) return wsp.title;
  if (wsp.draft) return wsp.draft.title ?? findWsp(state, wsp.draft.refWsp)?.title ?? "";
  if (wsp.derived) return findWsp(state, wsp.derived.masterWsp)?.title ?? "";
  return "";
}

/** `props` values are strings: flags read "true"/"false", paths are space-separated. */
function propsOf(state: ScenariState, wsp: StoredWsp): Record<string, string> {
  const props: Record<string, string> = {};
  if (wsp.desc !== undefined) props.desc = wsp.desc;
  if (state.backEnd === "odb") {
    // INFERRED: the flags are always present on a database backend.
    props.publicWsp = String(wsp.publicWsp ?? false);
    props.airIt = String(wsp.airIt ?? false);
    props.extIt = String(wsp.extIt ?? false);
    props.mirror = String(wsp.mirror ?? false);
  }
  if (wsp.draft) {
    props.drfRefWsp = wsp.draft.refWsp;
    if (wsp.draft.title !== undefined) props.draftTitle = wsp.draft.title;
  }
  if (wsp.derived) {
    props.drvMasterWsp = wsp.derived.masterWsp;
    props.drvAxis = wsp.derived.axis;
    if (wsp.derived.defaultSrcFindPath.length > 0) props.drvDefaultSrcFindPath = wsp.derived.defaultSrcFindPath.join(" ");
  }
  return props;
}

/** ESrcRights bits: read 1 … move 256. */
const ALL_RIGHTS = 511;
const AUTHOR_RIGHTS = 255;
const READER_RIGHTS = 3;

function srcFields(state: ScenariState, wsp: StoredWsp, caller: StoredAccount, fields: readonly string[]): Record<string, unknown> {
  const roles = rolesOnNode(state, wsp, caller, "");
  const admin = caller.isSuperAdmin === true || ["main:admin", "main:manager"].some((r) => effectiveGlobalRoles(state, caller).has(r));
  // INFERRED: rights follow the main role; the real mapping is defined by each model.
  const rights =
    admin || roles.includes("main:admin") || roles.includes("main:manager")
      ? ALL_RIGHTS
      : roles.includes("main:author")
        ? AUTHOR_RIGHTS
        : roles.includes("main:reader")
          ? READER_RIGHTS
          : 0;
  const all: Record<string, unknown> = {
    srcRoles: roles,
    srcRi: rights,
    srcDt: wsp.modifiedAt,
    // A workspace root is a folder (2); in the trash it is gone (-1).
    srcSt: wsp.trashed ? -1 : 2,
    srcUri: "",
  };
  return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
}

export function renderWspInList(state: ScenariState, wsp: StoredWsp, options: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    wspCd: wsp.wspCd,
    status: "ok",
    title: titleOf(state, wsp),
  };
  if (wsp.alias !== undefined) out.alias = wsp.alias;
  out.props = propsOf(state, wsp);
  out.wspType = { ...wsp.wspType };
  out.wspOptions = wsp.wspOptions.map((o) => ({ ...o }));
  if (!isInstalled(state.wspTypeDefs, wsp.wspType)) out.wspTypeWarn = "wspTypeNotInstalled";
  if (options.fields && options.fields.length > 0) out.srcFields = srcFields(state, wsp, options.caller, options.fields);
  if (options.withSpecifiedRoles) out.srcSpecifiedRoles = renderRoleMap(state, wsp, "");
  return out;
}

export function renderInfoWsp(state: ScenariState, wsp: StoredWsp, options: RenderOptions): Record<string, unknown> {
  const out = renderWspInList(state, wsp, options);
  if (wsp.skins && wsp.skins.length > 0) out.skins = [...wsp.skins];
  out.wspProvider = wspProvider(state);
  if (state.backEnd === "fs") {
    out.content = wsp.folderContent ?? `${FS_CONTENT_ROOT}/${wsp.wspCd}`;
    out.gen = wsp.folderGen ?? `${FS_GEN_ROOT}/${wsp.wspCd}`;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Creating and updating

const flag = z.boolean().nullable().optional();
const text = z.string().nullable().optional();

/** `createParams` and `updateParams` share their fields; what each backend and action accepts is checked below. */
const WspParams = z.object({
  title: text,
  desc: text,
  alias: text,
  skins: z.array(z.string()).nullable().optional(),
  publicWsp: flag,
  airIt: flag,
  extIt: flag,
  mirror: flag,
  wspRef: text,
  draftTitle: text,
  wspMaster: text,
  drvAxis: text,
  drvDefaultSrcFindPath: z.array(z.string().min(1)).nullable().optional(),
  code: text,
  folderContent: text,
  folderGen: text,
});

type WspParams = z.infer<typeof WspParams>;

const DB_ONLY = [
  "alias",
  "skins",
  "publicWsp",
  "airIt",
  "extIt",
  "mirror",
  "wspRef",
  "draftTitle",
  "wspMaster",
  "drvAxis",
  "drvDefaultSrcFindPath",
] as const;
const FS_ONLY = ["code", "folderContent", "folderGen"] as const;

function parseParams(name: string, value: CdmValue | undefined): WspParams {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw badRequest(`Parameter '${name}' must be an object`);
  const parsed = WspParams.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Parameter '${name}': ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`.trim());
  }
  return parsed.data;
}

function refuseForeignParams(state: ScenariState, name: string, params: WspParams): void {
  const foreign = state.backEnd === "fs" ? DB_ONLY : FS_ONLY;
  for (const key of foreign) {
    if (params[key] !== undefined && params[key] !== null) {
      throw badRequest(
        `Parameter '${name}': '${key}' is not supported on a${state.backEnd === "fs" ? " file-system" : " database"} backend`,
      );
    }
  }
}

function checkAlias(state: ScenariState, alias: string, self?: StoredWsp): void {
  if (!ALIAS_PATTERN.test(alias)) throw badRequest(`Invalid alias '${alias}'`);
  // Aliases of trashed workspaces stay reserved until they are purged (INFERRED).
  const holder = state.wsps.find((w) => w !== self && (w.alias === alias || w.wspCd === alias));
  if (holder) throw new ScenariHttpError(409, `Alias '${alias}' is already used by workspace '${holder.wspCd}'`);
}

function liveWsp(state: ScenariState, codeOrAlias: string, role: string): StoredWsp {
  const wsp = findWsp(state, codeOrAlias);
  if (!wsp || wsp.trashed) throw badRequest(`The ${role} workspace '${codeOrAlias}' does not exist`);
  return wsp;
}

export function createWsp(state: ScenariState, rawParams: CdmValue | undefined, type: ResolvedWspType, now: number): StoredWsp {
  const params = parseParams("createParams", rawParams);
  refuseForeignParams(state, "createParams", params);
  const wsp: StoredWsp = {
    wspCd: "",
    wspType: type.wspType,
    wspOptions: type.wspOptions,
    createdAt: now,
    modifiedAt: now,
    roleNodes: [],
  };
  if (params.desc) wsp.desc = params.desc;

  if (state.backEnd === "fs") {
    const code = params.code;
    if (!code) throw badRequest("Parameter 'createParams': 'code' is required on a file-system backend");
    if (!FS_CODE_PATTERN.test(code)) throw badRequest(`Invalid workspace code '${code}'`);
    if (state.wsps.some((w) => w.wspCd === code)) throw new ScenariHttpError(409, `Workspace '${code}' already exists`);
    wsp.wspCd = code;
    if (params.title) wsp.title = params.title;
    if (params.folderContent) wsp.folderContent = params.folderContent;
    if (params.folderGen) wsp.folderGen = params.folderGen;
    return wsp;
  }

  if (params.wspRef && params.wspMaster) throw badRequest("A workspace cannot be both a draft and a derived workspace");
  if (params.wspRef) {
    if (params.title) throw badRequest("A draft workspace has no title; use draftTitle");
    wsp.draft = { refWsp: liveWsp(state, params.wspRef, "reference").wspCd };
    if (params.draftTitle) wsp.draft.title = params.draftTitle;
  } else if (params.wspMaster) {
    if (params.title) throw badRequest("A derived workspace has no title of its own");
    if (!params.drvAxis || !DRV_AXIS_PATTERN.test(params.drvAxis)) throw badRequest("A derived workspace needs a valid drvAxis");
    wsp.derived = {
      masterWsp: liveWsp(state, params.wspMaster, "master").wspCd,
      axis: params.drvAxis,
      defaultSrcFindPath: params.drvDefaultSrcFindPath ?? [],
    };
  } else {
    // The client library types `title` as required on a database backend.
    if (!params.title) throw badRequest("Parameter 'createParams': 'title' is required");
    wsp.title = params.title;
    if (params.draftTitle || params.drvAxis || params.drvDefaultSrcFindPath) {
      throw badRequest("draftTitle, drvAxis and drvDefaultSrcFindPath need wspRef or wspMaster");
    }
  }
  if (params.alias) {
    checkAlias(state, params.alias);
    wsp.alias = params.alias;
  }
  if (params.skins) wsp.skins = [...params.skins];
  for (const key of ["publicWsp", "airIt", "extIt", "mirror"] as const) {
    const value = params[key];
    if (typeof value === "boolean") wsp[key] = value;
  }
  wsp.wspCd = newWspCd(state);
  return wsp;
}

/**
 * Merges `updateParams` into the workspace: keys not given are kept, `null`
 * or `""` clear an optional text (INFERRED). Fixed identity fields may be
 * repeated with their current value, as scenaripy does, but not changed.
 * All checks run before anything changes.
 */
export function updateWspProps(state: ScenariState, wsp: StoredWsp, rawParams: CdmValue | undefined, now: number): void {
  const params = parseParams("updateParams", rawParams);
  refuseForeignParams(state, "updateParams", params);
  const fixed = (name: string, given: string | null | undefined, current: string | undefined): void => {
    if (given !== undefined && given !== null && given !== current) {
      throw badRequest(`'${name}' cannot be changed (it is '${current ?? ""}')`);
    }
  };

  if (state.backEnd === "fs") {
    fixed("code", params.code, wsp.wspCd);
    fixed("folderContent", params.folderContent, wsp.folderContent);
    fixed("folderGen", params.folderGen, wsp.folderGen);
  } else {
    if (params.wspRef != null && (!wsp.draft || resolveCode(state, params.wspRef) !== wsp.draft.refWsp)) {
      throw badRequest("Changing drfRefWsp is forbidden");
    }
    if (params.wspMaster != null && (!wsp.derived || resolveCode(state, params.wspMaster) !== wsp.derived.masterWsp)) {
      throw badRequest("Changing drvMasterWsp is forbidden");
    }
    if (params.draftTitle != null && !wsp.draft) throw badRequest("draftTitle only applies to a draft workspace");
    if ((params.drvAxis != null || params.drvDefaultSrcFindPath != null) && !wsp.derived) {
      throw badRequest("drvAxis and drvDefaultSrcFindPath only apply to a derived workspace");
    }
    if (params.drvAxis != null && !DRV_AXIS_PATTERN.test(params.drvAxis)) throw badRequest(`Invalid drvAxis '${params.drvAxis}'`);
    if (params.alias) checkAlias(state, params.alias, wsp);
  }
  if (params.title != null && (wsp.draft || wsp.derived)) throw badRequest("This workspace has no title of its own");
  if (params.title === "") throw badRequest("The title cannot be empty");

  if (params.title != null) wsp.title = params.title;
  if (params.desc === null || params.desc === "") delete wsp.desc;
  else if (params.desc !== undefined) wsp.desc = params.desc;
  if (state.backEnd === "odb") {
    if (params.alias === null || params.alias === "") delete wsp.alias;
    else if (params.alias !== undefined) wsp.alias = params.alias;
    if (params.skins === null) delete wsp.skins;
    else if (params.skins !== undefined) wsp.skins = [...params.skins];
    for (const key of ["publicWsp", "airIt", "extIt", "mirror"] as const) {
      const value = params[key];
      if (value === null) delete wsp[key];
      else if (value !== undefined) wsp[key] = value;
    }
    if (wsp.draft && params.draftTitle !== undefined) {
      if (params.draftTitle === null || params.draftTitle === "") delete wsp.draft.title;
      else wsp.draft.title = params.draftTitle;
    }
    if (wsp.derived) {
      if (params.drvAxis) wsp.derived.axis = params.drvAxis;
      if (params.drvDefaultSrcFindPath !== undefined) wsp.derived.defaultSrcFindPath = params.drvDefaultSrcFindPath ?? [];
    }
  }
  wsp.modifiedAt = now;
}

function resolveCode(state: ScenariState, codeOrAlias: string): string | undefined {
  return findWsp(state, codeOrAlias)?.wspCd;
}
