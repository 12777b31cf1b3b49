/**
 * Just enough XML for the documents the sandbox reads and writes: flat
 * elements with attributes. The one document it reads, the `<wspType>` body
 * of `CreateWsp`, is two levels of empty elements; anything richer is
 * refused rather than half understood.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
}

export class XmlError extends Error {
  override readonly name = "XmlError";
}

const ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** `name="value"` pairs for the attributes that are defined, in the given order. */
export function xmlAttributes(attributes: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join("");
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named = NAMED_ENTITIES[ref];
    if (named === undefined) throw new XmlError(`unknown entity ${whole}`);
    return named;
  });
}

const PROLOG = /^\uFEFF?\s*(<\?xml[^?]*\?>\s*)?/;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;

/**
 * Parses a document made only of elements, attributes and whitespace
 * (comments and text are refused).
 *
 * @throws XmlError when the document is anything else or is not well formed
 */
export function parseElements(text: string): XmlElement {
  let pos = PROLOG.exec(text)?.[0].length ?? 0;
  const stack: { name: string; attributes: Record<string, string>; children: XmlElement[] }[] = [];
  let root: XmlElement | undefined;
  while (pos < text.length) {
    const space = /\s*/y;
    space.lastIndex = pos;
    pos += space.exec(text)?.[0].length ?? 0;
    if (pos >= text.length) break;
    if (root) throw new XmlError(`content after the root element at offset ${pos}`);
    TAG.lastIndex = pos;
    const tag = TAG.exec(text);
    if (!tag) throw new XmlError(`expected an element at offset ${pos}`);
    pos = TAG.lastIndex;
    const [, closing, name = "", rawAttributes = "", selfClosing] = tag;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name || rawAttributes !== "" || selfClosing) {
        throw new XmlError(`unexpected closing tag </${name}>`);
      }
      const element: XmlElement = open;
      if (stack.length === 0) root = element;
      else stack[stack.length - 1]?.children.push(element);
      continue;
    }
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [, attr = "", double, single] of rawAttributes.matchAll(ATTRIBUTE)) {
      if (attr in attributes) throw new XmlError(`attribute ${attr} given twice`);
      attributes[attr] = unescapeXml(double ?? single ?? "");
    }
    const element = { name, attributes, children: [] as XmlElement[] };
    if (selfClosing) {
      if (stack.length === 0) root = element;
      else stack[stack.length - 1]?.children.push(element);
    } else {
      stack.push(element);
    }
  }
  if (stack.length > 0 || !root) throw new XmlError("the document ends before its root element is closed");
  return root;
}
