/**
 * Workspace models ("wsp types"): the catalogue `wspMetaEditor GetNewEditor`
 * answers in XML, how a program's `{ key, version?, lang?, options? }` is
 * resolved against it, and the `<wspType>` body that CreateWsp and
 * UpdateWspType take.
 *
 * The catalogue is the one XML document this package reads, so it gets a
 * small parser of its own rather than a dependency: it only needs the
 * `wspTypeDef` elements and the `wspOptionDef` elements inside them, and
 * skips everything else (the root's name is not documented).
 */
import { InvalidInput } from "../core/errors";

/** A model or an option as the server names it. */
export interface ModelRef {
  readonly key: string;
  readonly uri: string;
  readonly version: string;
  readonly lang: string;
  readonly title: string;
}

export interface InstalledModel extends ModelRef {
  readonly options: readonly ModelRef[];
}

/** What a program asks for. */
export interface ModelRequest {
  readonly key: string;
  /** A version or a prefix of whole components: `5` and `5.0` both match `5.0.5`. */
  readonly version?: string | undefined;
  readonly lang?: string | undefined;
  /** Option keys; each resolves to the newest version the chosen model offers. */
  readonly options?: readonly string[] | undefined;
}

/** A workspace's model and options, as `InfoWsp` reports them and `<wspType>` carries them. */
export interface ResolvedModel {
  readonly wspType: ModelRef;
  readonly wspOptions: readonly ModelRef[];
}

export class ModelCatalogueError extends Error {}

// ---------------------------------------------------------------------------
// Reading the catalogue

/** `<name attr="v" …>`, `<name …/>` or `</name>`; attribute values in either quote. */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** Comments, processing instructions, CDATA sections and a DOCTYPE carry nothing we read. */
const IGNORED = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>/g;

/**
 * The installed models listed by `GetNewEditor`. Tolerant of what it does not
 * know: other elements, namespace prefixes, attribute order, either quote.
 * Entries the server marks as not usable are left out: `unknown="true"` (a
 * model some workspace refers to but that is not installed) and those with an
 * `errorPack` (a pack that failed to load), since creating a workspace with
 * them cannot succeed.
 *
 * @throws ModelCatalogueError when the text holds no XML element at all.
 */
export function parseModelCatalogue(xml: string): InstalledModel[] {
  const text = xml.replace(IGNORED, "");
  const models: InstalledModel[] = [];
  let current: { def: ModelRef; options: ModelRef[]; usable: boolean } | undefined;
  let sawElement = false;
  for (const match of text.matchAll(TAG)) {
    const [, closing, rawName, rawAttributes, selfClosing] = match;
    sawElement = true;
    const name = localName(rawName ?? "");
    if (name === "wspTypeDef") {
      if (closing) {
        if (current?.usable) models.push({ ...current.def, options: current.options });
        current = undefined;
        continue;
      }
      const attributes = parseAttributes(rawAttributes ?? "");
      const def = refOf(attributes);
      const usable = def !== undefined && attributes.unknown !== "true" && attributes.errorPack === undefined;
      current = { def: def ?? { key: "", uri: "", version: "", lang: "", title: "" }, options: [], usable };
      if (selfClosing) {
        if (usable && def) models.push({ ...def, options: [] });
        current = undefined;
      }
    } else if (name === "wspOptionDef" && !closing && current) {
      const option = refOf(parseAttributes(rawAttributes ?? ""));
      if (option) current.options.push(option);
    }
  }
  if (!sawElement) throw new ModelCatalogueError("expected the XML list of installed models");
  return models;
}

function localName(name: string): string {
  const colon = name.lastIndexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name, double, single] of text.matchAll(ATTRIBUTE)) {
    // Object.defineProperty keeps a `__proto__` attribute an ordinary key.
    if (name) Object.defineProperty(out, name, { value: decodeEntities(double ?? single ?? ""), enumerable: true, writable: true });
  }
  return out;
}

/** A model needs a key and a version to be chosen at all; the rest may be missing. */
function refOf(attributes: Record<string, string>): ModelRef | undefined {
  const { key, version } = attributes;
  if (!key || !version) return undefined;
  return { key, version, uri: attributes.uri ?? "", lang: attributes.lang ?? "", title: attributes.title ?? "" };
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (entity, body: string) => {
    if (body.startsWith("#x")) return codePoint(parseInt(body.slice(2), 16), entity);
    if (body.startsWith("#")) return codePoint(parseInt(body.slice(1), 10), entity);
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[body] ?? entity;
  });
}

function codePoint(value: number, fallback: string): string {
  return Number.isInteger(value) && value >= 0 && value <= 0x10ffff ? String.fromCodePoint(value) : fallback;
}

// ---------------------------------------------------------------------------
// Choosing a model

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`; numeric per component. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".");
  const right = b.split(".");
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i] ?? "0";
    const r = right[i] ?? "0";
    const diff = /^\d+$/.test(l) && /^\d+$/.test(r) ? Number(l) - Number(r) : l.localeCompare(r);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Whether `version` is `prefix` or starts with it followed by a dot. Whole
 * components only: scenaripy compares strings, so its `5` would also pick a
 * `50.1`; a program saying `5` means Opale 5.
 */
export function versionMatches(prefix: string, version: string): boolean {
  return version === prefix || version.startsWith(`${prefix}.`);
}

/**
 * The installed model a program means, as scenaripy_api chooses it: the
 * newest version among those with this key, version prefix and language,
 * and for each option key the newest version that model offers. Where
 * scenaripy would pick silently between two languages of one version (by
 * document order), this refuses and asks for `lang`: a course written in
 * the wrong language is not something to find out later.
 */
export function resolveModel(installed: readonly InstalledModel[], request: ModelRequest): ResolvedModel {
  const byKey = installed.filter((m) => m.key === request.key);
  if (byKey.length === 0) {
    throw new InvalidInput(
      "scenari",
      `model.key: no model "${request.key}" is installed on this server`,
      `installed: ${describeCatalogue(installed)}`,
    );
  }
  const byLang = request.lang === undefined ? byKey : byKey.filter((m) => m.lang === request.lang);
  if (byLang.length === 0) {
    throw new InvalidInput(
      "scenari",
      `model.lang: ${request.key} is not installed in ${request.lang}`,
      `${request.key} is installed in ${unique(byKey.map((m) => m.lang)).join(", ")}`,
    );
  }
  const { version } = request;
  const candidates = version === undefined ? byLang : byLang.filter((m) => versionMatches(version, m.version));
  if (candidates.length === 0) {
    throw new InvalidInput(
      "scenari",
      `model.version: no installed ${request.key}${request.lang ? ` in ${request.lang}` : ""} matches version ${version}`,
      `installed versions: ${unique(byLang.map((m) => m.version)).join(", ")}`,
    );
  }
  const newest = [...candidates].sort((a, b) => compareVersions(b.version, a.version));
  const chosen = newest[0] as InstalledModel;
  const tied = newest.filter((m) => compareVersions(m.version, chosen.version) === 0);
  if (unique(tied.map((m) => m.lang)).length > 1) {
    throw new InvalidInput(
      "scenari",
      `model.lang: ${chosen.key} ${chosen.version} is installed in ${unique(tied.map((m) => m.lang)).join(" and ")}`,
      "set model.lang to the language of the workspace's content",
    );
  }
  const wspOptions = (request.options ?? []).map((key) => {
    const offered = chosen.options.filter((o) => o.key === key).sort((a, b) => compareVersions(b.version, a.version));
    const option = offered[0];
    if (!option) {
      throw new InvalidInput(
        "scenari",
        `model.options: ${chosen.key} ${chosen.version} (${chosen.lang}) offers no option "${key}"`,
        chosen.options.length > 0 ? `offered: ${unique(chosen.options.map((o) => o.key)).join(", ")}` : "this model offers no option",
      );
    }
    return pick(option);
  });
  return { wspType: pick(chosen), wspOptions };
}

/** Whether a workspace's live model is one the request accepts: then nothing needs to change. */
export function modelSatisfies(request: ModelRequest, live: ResolvedModel): boolean {
  if (request.key !== live.wspType.key) return false;
  if (request.lang !== undefined && request.lang !== live.wspType.lang) return false;
  if (request.version !== undefined && !versionMatches(request.version, live.wspType.version)) return false;
  if (request.options !== undefined) {
    const wanted = unique(request.options).sort();
    const have = unique(live.wspOptions.map((o) => o.key)).sort();
    if (wanted.length !== have.length || wanted.some((k, i) => k !== have[i])) return false;
  }
  return true;
}

function pick(ref: ModelRef): ModelRef {
  return { key: ref.key, uri: ref.uri, version: ref.version, lang: ref.lang, title: ref.title };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** `Dokiel (5.2.1 fr-FR, 6.0.3 en-US, 6.0.3 fr-FR), Opale (…)`, or `none`. */
function describeCatalogue(installed: readonly InstalledModel[]): string {
  if (installed.length === 0) return "none";
  const byKey = new Map<string, string[]>();
  for (const m of installed) byKey.set(m.key, [...(byKey.get(m.key) ?? []), `${m.version}${m.lang ? ` ${m.lang}` : ""}`]);
  return [...byKey.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, versions]) => `${key} (${unique(versions).sort().join(", ")})`)
    .join(", ");
}

// ---------------------------------------------------------------------------
// Writing the <wspType> body

/** The body of CreateWsp and UpdateWspType: every attribute of the resolved model, as scenaripy sends them. */
export function wspTypeXml(model: ResolvedModel): string {
  const options = model.wspOptions.map((o) => `<wspOption${attributesOf(o)}/>`).join("");
  return `<wspType${attributesOf(model.wspType)}>${options}</wspType>`;
}

function attributesOf(ref: ModelRef): string {
  return (["key", "uri", "version", "lang", "title"] as const)
    .filter((name) => ref[name] !== "")
    .map((name) => ` ${name}="${escapeAttribute(ref[name])}"`)
    .join("");
}

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}
