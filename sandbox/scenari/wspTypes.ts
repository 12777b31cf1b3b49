/**
 * Installed workspace models: the seeded catalogue, the XML that
 * `wspMetaEditor` lists them in, and how a `<wspType>` body sent by a client
 * is matched against them.
 */
import { badRequest } from "./http";
import type { WspOptionDef, WspTypeDef, WspTypeRef } from "./state";
import { parseElements, XmlError, xmlAttributes, type XmlElement } from "./xml";

/**
 * Two models in two versions each, with two languages for the newest, so
 * that clients must choose by version prefix and language as scenaripy does.
 * Keys, uris and versions follow the shapes of the real packs
 * (`Opale_fr-FR_5-0-3`); option keys other than `OpaleExtEmeraude` are
 * illustrative. Every option key appears once per model: scenaripy's option
 * selection crashes when two versions of one option are offered.
 */
export function seedWspTypeDefs(): WspTypeDef[] {
  return [
    model("Opale", "4.3.2", "fr-FR", "Opale 4", [option("OpaleExtEmeraude", "4.3.0", "fr-FR", "Tutoriel (ex-Émeraude)", "ext")]),
    model("Opale", "5.0.5", "fr-FR", "Opale 5", [
      option("OpaleExtEmeraude", "5.0.2", "fr-FR", "Tutoriel (ex-Émeraude)", "ext"),
      option("OpaleSkinSobre", "5.0.1", "fr-FR", "Habillage sobre", "skin"),
      option("OpaleGenEpub", "5.0.0", "fr-FR", "Publication ePub", "gen"),
    ]),
    model("Opale", "5.0.5", "en-US", "Opale 5", [option("OpaleExtEmeraude", "5.0.2", "en-US", "Tutorial (formerly Emeraude)", "ext")]),
    model("Dokiel", "5.2.1", "fr-FR", "Dokiel 5", [option("DokielExtScreens", "5.2.0", "fr-FR", "Captures d'écran", "ext")]),
    model("Dokiel", "6.0.3", "fr-FR", "Dokiel 6", [
      option("DokielExtScreens", "6.0.1", "fr-FR", "Captures d'écran", "ext"),
      option("DokielSkinClair", "6.0.0", "fr-FR", "Habillage clair", "skin"),
    ]),
    model("Dokiel", "6.0.3", "en-US", "Dokiel 6", [option("DokielExtScreens", "6.0.1", "en-US", "Screenshots", "ext")]),
  ];
}

function model(key: string, version: string, lang: string, title: string, options: WspOptionDef[]): WspTypeDef {
  return { key, uri: packUri(key, lang, version), version, lang, title, options };
}

function option(key: string, version: string, lang: string, title: string, nature: WspOptionDef["nature"]): WspOptionDef {
  return { key, uri: packUri(key, lang, version), version, lang, title, nature };
}

function packUri(key: string, lang: string, version: string): string {
  return `${key}_${lang}_${version.replaceAll(".", "-")}`;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * The list of installed models. The root element's name is not known
 * (INFERRED); both clients only read its children. `newest` marks the
 * newest version of each model and language; `selected` the current model of
 * the workspace an update editor was asked for.
 */
export function renderEditor(defs: readonly WspTypeDef[], selected?: { type: WspTypeRef; options: readonly WspTypeRef[] }): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<wspMetaEditor>"];
  for (const def of defs) {
    const newest = defs.every(
      (other) => other.key !== def.key || other.lang !== def.lang || compareVersions(other.version, def.version) <= 0,
    );
    const isSelected = selected !== undefined && sameRef(selected.type, def);
    const attrs = xmlAttributes({
      key: def.key,
      uri: def.uri,
      version: def.version,
      lang: def.lang,
      title: def.title,
      newest: newest ? "true" : undefined,
      selected: isSelected ? "true" : undefined,
    });
    lines.push(`\t<wspTypeDef${attrs}>`);
    for (const opt of def.options) {
      const optSelected = isSelected && selected.options.some((o) => sameRef(o, opt));
      const optAttrs = xmlAttributes({
        key: opt.key,
        uri: opt.uri,
        version: opt.version,
        lang: opt.lang,
        title: opt.title,
        nature: opt.nature,
        selected: optSelected ? "true" : undefined,
      });
      lines.push(`\t\t<wspOptionDef${optAttrs}/>`);
    }
    lines.push("\t</wspTypeDef>");
  }
  lines.push("</wspMetaEditor>");
  return `${lines.join("\n")}\n`;
}

function sameRef(ref: WspTypeRef, def: { key: string; uri: string; version: string; lang: string }): boolean {
  if (ref.uri !== undefined) return ref.uri === def.uri;
  return ref.key === def.key && (ref.version ?? def.version) === def.version && (ref.lang ?? def.lang) === def.lang;
}

/** Whether the workspace's model is still installed; when not, `InfoWsp` carries a `wspTypeWarn`. */
export function isInstalled(defs: readonly WspTypeDef[], type: WspTypeRef): boolean {
  return defs.some((def) => sameRef(type, def));
}

export interface ResolvedWspType {
  readonly wspType: WspTypeRef;
  readonly wspOptions: WspTypeRef[];
}

/**
 * Reads a `<wspType key=… [uri version lang title]><wspOption …/></wspType>`
 * body and matches it against the installed models.
 *
 * With `normalise` (the default, INFERRED), the stored model is the installed
 * one: missing attributes are filled in from it, the newest version wins
 * when several match. Without, the attributes are stored as sent, but the
 * model must still be installed. Either way an unknown model or option is
 * refused with 400 (INFERRED; the real server may accept it and flag the
 * workspace).
 */
export function resolveWspType(body: string, defs: readonly WspTypeDef[], normalise: boolean): ResolvedWspType {
  let root: XmlElement;
  try {
    root = parseElements(body);
  } catch (error) {
    if (error instanceof XmlError) throw badRequest(`The wspType body is not valid: ${error.message}`);
    throw error;
  }
  if (root.name !== "wspType") throw badRequest(`The body must be a <wspType> element, not <${root.name}>`);
  const asked = refOf(root);
  const options = root.children.map((child) => {
    if (child.name !== "wspOption") throw badRequest(`Unexpected <${child.name}> in <wspType>`);
    return refOf(child);
  });

  const candidates = defs.filter((def) => matches(asked, def)).sort((a, b) => compareVersions(b.version, a.version));
  const def = candidates[0];
  if (!def) throw badRequest(`Workspace model '${describe(asked)}' is not installed`);
  const wspOptions = options.map((opt) => {
    const found = def.options.find((candidate) => matches(opt, candidate));
    if (!found) throw badRequest(`Option '${describe(opt)}' is not offered by model '${def.uri}'`);
    return normalise ? pick(found) : opt;
  });
  return { wspType: normalise ? pick(def) : asked, wspOptions };
}

function refOf(element: XmlElement): WspTypeRef {
  const { key, uri, version, lang, title } = element.attributes;
  if (!key) throw badRequest(`<${element.name}> must have a key attribute`);
  return {
    key,
    ...(uri !== undefined ? { uri } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(lang !== undefined ? { lang } : {}),
    ...(title !== undefined ? { title } : {}),
  };
}

/** A version matches itself or as a prefix of whole components (`5` and `5.0` match `5.0.5`). */
function matches(ref: WspTypeRef, def: { key: string; uri: string; version: string; lang: string }): boolean {
  if (ref.key !== def.key) return false;
  if (ref.uri !== undefined && ref.uri !== def.uri) return false;
  if (ref.version !== undefined && ref.version !== def.version && !def.version.startsWith(`${ref.version}.`)) return false;
  if (ref.lang !== undefined && ref.lang !== def.lang) return false;
  return true;
}

function pick(def: { key: string; uri: string; version: string; lang: string; title: string }): WspTypeRef {
  return { key: def.key, uri: def.uri, version: def.version, lang: def.lang, title: def.title };
}

function describe(ref: WspTypeRef): string {
  return [ref.key, ref.version, ref.lang].filter((p) => p !== undefined).join(" ");
}
