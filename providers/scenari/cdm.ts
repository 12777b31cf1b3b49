/**
 * Scenari's CDM text encoding: how Scenari clients put structured values
 * (user props, `createParams`, `SetSpecifiedRoles` options, `List` options)
 * into a single query-string or form field.
 *
 * The writer reproduces byte for byte what the official clients write (the
 * Python `serialize_cdm` of the scchainserver client packages, and the web
 * client's `CDM.stringify`), because the real server's parser is not public
 * and the safest bet is to send exactly what it is known to accept. The two
 * exceptions are where the clients themselves disagree or break: numbers
 * that are not integers (Python prints `1e-07`, JavaScript `1e-7`; we follow
 * JavaScript) and the empty key (see {@link serializeCdm}). The
 * reader accepts everything those clients write plus insignificant
 * separators, and rejects anything else with the offset of the fault,
 * because the sandbox server uses it to judge what clients send.
 *
 * Grammar, as read here (`sep` = space, tab, CR, LF or `.`):
 *
 *     document = sep* value sep*
 *     value    = string | "!" bang "!" | "*" (sep* value)* sep* "-"
 *              | "(" (sep* key sep* value)* sep* ")"
 *     string   = "'" (any char but "'" | "''")* "'"
 *     bang     = "" | "T" | "F" | number
 *     key      = string | one or more chars in 0x30-0x7A
 */

/**
 * A value CDM can carry; the same shape as JSON values.
 *
 * Object properties that are `undefined` are accepted by
 * {@link serializeCdm} and skipped, so an object type with optional fields
 * (`{ email?: string }`) can be passed as is. TypeScript only checks that for
 * type aliases and object literals: an `interface` has no implicit index
 * signature and needs to be spread into a literal first.
 */
export type CdmValue = string | number | boolean | null | CdmValue[] | { [key: string]: CdmValue };

/**
 * Thrown by {@link parseCdm} on input that is not well-formed CDM.
 *
 * It extends `SyntaxError`, as `JSON.parse` errors do, so that code which
 * already turns syntax errors into "400 Bad Request" handles it too.
 *
 * The message never quotes the input beyond a single character: CDM payloads
 * carry passwords (`userProps` of `CreateUser`), and a badly escaped string
 * can spill its content anywhere in the text, so quoting the neighbourhood of
 * an error could write a password into a log.
 */
export class CdmSyntaxError extends SyntaxError {
  /**
   * Where the fault is, as an index into the parsed string (UTF-16 code
   * units, as `String.prototype.slice` counts). For an unterminated string,
   * list, object or `!…!` token it is the offset of its opening character;
   * otherwise the offset of the first character that cannot be accepted, or
   * the input's length when the input ends too early.
   */
  readonly offset: number;

  /**
   * @param reason what is wrong, without the offset
   * @param offset see {@link CdmSyntaxError.offset}
   */
  constructor(reason: string, offset: number) {
    super(`Invalid CDM at offset ${offset}: ${reason}`);
    this.name = "CdmSyntaxError";
    this.offset = offset;
  }
}

/**
 * Encodes a value as CDM, exactly as Scenari's own clients do.
 *
 * - string: `'…'` with every `'` doubled;
 * - `true`/`false`: `!T!`/`!F!`; `null`: `!!`;
 * - number: `!` + the shortest decimal that reads back as the same number
 *   (`String(n)`) + `!`, e.g. `!42!`, `!-3!`, `!0.5!`, `!1e+21!`. `-0` is
 *   written `!0!`. This is what the web client writes; for integers it is
 *   also exactly what the Python client writes.
 * - list: `*`, the items separated by `.`, then `-`: `*'a'.'b'-`;
 * - object: `(`, then each key and its value with no separator, then `)`.
 *   A key made only of characters 0x30–0x7A (`0`–`z`) is written bare;
 *   any other key is quoted and followed by a `.` (`'my-key'.`), and
 *   preceded by a `.` unless it is the first key written. The empty key is
 *   quoted too (see below).
 *
 * Properties whose value is `undefined` are skipped, so optional fields can
 * be passed without filtering them first.
 *
 * @throws RangeError for `NaN`, `Infinity` or `-Infinity`, which CDM cannot
 *   carry in a form our parser, or any server we know, reads back.
 * @throws TypeError for anything that is not a {@link CdmValue} at run time
 *   (`undefined` outside an object property, a bigint, a function, a symbol,
 *   an object that is not plain, such as a `Date` or a `Map`) and for circular
 *   structures. Every error names where the value is, e.g. `$.groups[2]`.
 */
export function serializeCdm(value: CdmValue): string {
  return encode(value, "$", new Set());
}

/**
 * Decodes CDM text, as written by {@link serializeCdm}, the Python client or
 * the web client.
 *
 * Spaces, tabs, carriage returns, line feeds and `.` are skipped wherever
 * one token ends and another starts, before the value and after it. A number
 * token may be any decimal `-?digits[.digits][(e|E)[+-]digits]`, which
 * covers what both JavaScript and Python print for finite numbers. Objects
 * are built as plain objects whose prototype is `Object.prototype`; a key
 * such as `__proto__` becomes an ordinary own property. The top level is
 * exactly one value, so an object there needs its parentheses (the web
 * client's parser also reads a bare `key value…` sequence as an object, but
 * no client writes one).
 *
 * @param text the CDM document, already percent-decoded
 * @throws CdmSyntaxError when `text` is not exactly one well-formed value,
 *   including: an unterminated string, list, object or `!…!` token, an
 *   unknown `!…!` token (only `!!`, `!T!`, `!F!` and numbers exist), a
 *   number too large for a double, a key without a value, the same key twice
 *   in one object, characters after the value, or lists and objects nested
 *   more than 512 deep.
 * @throws TypeError when `text` is not a string at all.
 */
export function parseCdm(text: string): CdmValue {
  if (typeof text !== "string") {
    throw new TypeError(`parseCdm expects a string, got ${describeType(text)}`);
  }
  return new Parser(text).parseDocument();
}

// ---------------------------------------------------------------------------
// Writing

function encode(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case "string":
      return quote(value);
    case "boolean":
      return value ? "!T!" : "!F!";
    case "number":
      if (!Number.isFinite(value)) {
        throw new RangeError(`cannot serialize ${String(value)} at ${path}: CDM numbers must be finite`);
      }
      // String(-0) is "0": the sign of zero is dropped, as JSON.stringify drops it.
      return `!${String(value)}!`;
    case "object":
      if (value === null) return "!!";
      if (ancestors.has(value)) throw new TypeError(`cannot serialize a circular structure: ${path} refers to one of its ancestors`);
      ancestors.add(value);
      try {
        return Array.isArray(value) ? encodeList(value, path, ancestors) : encodeObject(value, path, ancestors);
      } finally {
        // Only the current branch counts: the same object may appear twice side by side.
        ancestors.delete(value);
      }
    default:
      throw new TypeError(`cannot serialize ${describeType(value)} at ${path}: not a CDM value`);
  }
}

function encodeList(list: readonly unknown[], path: string, ancestors: Set<object>): string {
  let out = "*";
  // An index loop rather than map(): map() skips holes, and a hole must be
  // reported, not silently shorten the list.
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item === undefined) {
      throw new TypeError(`cannot serialize undefined at ${path}[${i}]: list items cannot be undefined`);
    }
    // The separator is required between two strings ('a''b' reads as "a'b");
    // the clients write it between all items, and so do we.
    if (i > 0) out += ".";
    out += encode(item, `${path}[${i}]`, ancestors);
  }
  return `${out}-`;
}

function encodeObject(object: object, path: string, ancestors: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    throw new TypeError(`cannot serialize ${describeType(object)} at ${path}: only plain objects are CDM objects`);
  }
  let out = "(";
  let first = true;
  for (const key of Object.keys(object)) {
    const value: unknown = (object as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (isBareKey(key)) {
      out += key;
    } else {
      // The dots keep a quoted key from merging with a neighbouring string:
      // without them, 'x''my-key''v' would read as one string.
      out += `${first ? "" : "."}${quote(key)}.`;
    }
    out += encode(value, childPath(path, key), ancestors);
    first = false;
  }
  return `${out})`;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Both clients write the empty key bare, that is as nothing at all, which no
 * parser can read back (`('v')` is a key `v` without a value). We quote it
 * instead: `''.` is what the clients' own rule gives for any other key
 * needing quotes, and their parser reads it as the empty key.
 */
function isBareKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    if (!isBareKeyChar(key.charCodeAt(i))) return false;
  }
  return true;
}

/** `0`–`z`: includes `:`, `@`, `_`, `[`, `^`; excludes every character CDM gives a meaning to. */
function isBareKeyChar(code: number): boolean {
  return code >= 0x30 && code <= 0x7a;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    const ctor: unknown = proto === null ? undefined : (proto as { constructor?: unknown }).constructor;
    return typeof ctor === "function" && ctor.name !== "" ? `an instance of ${ctor.name}` : "an object";
  }
  if (typeof value === "undefined") return "undefined";
  return `a ${typeof value}`;
}

// ---------------------------------------------------------------------------
// Reading

/**
 * Far deeper than any Scenari payload (roles maps nest three levels), and
 * shallow enough that hostile input cannot exhaust the call stack: the
 * parser recurses once per level.
 */
const MAX_DEPTH = 512;

/** Exactly one decimal number; Number() alone would also accept "", " 1", "0x10" and "Infinity". */
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

class Parser {
  private readonly text: string;
  private pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  parseDocument(): CdmValue {
    this.skipSeparators();
    if (this.atEnd()) this.fail("expected a value, found the end of input", this.pos);
    const start = this.text.charCodeAt(this.pos);
    if (!isValueStart(start)) {
      // The web client's parser reads a bare `key value…` sequence at the top
      // level as an object; no client writes one, so it is an error here, with a hint.
      const hint = isBareKeyChar(start) ? " (objects must be enclosed in parentheses)" : "";
      this.fail(`expected a value, found ${this.describeCharAt(this.pos)}${hint}`, this.pos);
    }
    const value = this.parseValue(0);
    this.skipSeparators();
    if (!this.atEnd()) this.fail(`unexpected ${this.describeCharAt(this.pos)} after the end of the value`, this.pos);
    return value;
  }

  /** Reads the value starting at `pos`, which the caller has checked with {@link isValueStart}. */
  private parseValue(depth: number): CdmValue {
    const start = this.pos;
    switch (this.text.charCodeAt(start)) {
      case QUOTE:
        return this.parseString();
      case BANG:
        return this.parseBang();
      case STAR:
        this.enter(depth, start);
        return this.parseList(depth + 1);
      case OPEN:
        this.enter(depth, start);
        return this.parseObject(depth + 1);
      default:
        // Unreachable when callers check isValueStart first; kept so that a
        // future caller that forgets fails with a syntax error, not a wrong value.
        return this.fail(`expected a value, found ${this.describeCharAt(start)}`, start);
    }
  }

  private enter(depth: number, offset: number): void {
    if (depth >= MAX_DEPTH) this.fail(`lists and objects nested more than ${MAX_DEPTH} deep`, offset);
  }

  private parseString(): string {
    const open = this.pos;
    let value = "";
    let from = open + 1;
    for (;;) {
      const quote = this.text.indexOf("'", from);
      if (quote < 0) this.fail("unterminated string: no closing quote", open);
      if (this.text.charCodeAt(quote + 1) === QUOTE) {
        // A doubled quote: keep one, go on after both.
        value += this.text.slice(from, quote + 1);
        from = quote + 2;
      } else {
        value += this.text.slice(from, quote);
        this.pos = quote + 1;
        return value;
      }
    }
  }

  private parseBang(): boolean | number | null {
    const open = this.pos;
    const close = this.text.indexOf("!", open + 1);
    if (close < 0) this.fail("unterminated '!' token: no closing '!'", open);
    const body = this.text.slice(open + 1, close);
    this.pos = close + 1;
    switch (body) {
      case "":
        return null;
      case "T":
        return true;
      case "F":
        return false;
    }
    if (!NUMBER.test(body)) {
      // The web client writes NaN as !N!; it has no CdmValue, so it lands here too.
      this.fail("unknown '!' token: expected !!, !T!, !F! or a decimal number between the '!'", open);
    }
    const number = Number(body);
    if (!Number.isFinite(number)) this.fail("number too large to be represented", open);
    return number;
  }

  private parseList(depth: number): CdmValue[] {
    const open = this.pos++;
    const items: CdmValue[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) this.fail("unterminated list: no closing '-' before the end of input", open);
      const code = this.text.charCodeAt(this.pos);
      if (code === DASH) {
        this.pos++;
        return items;
      }
      if (!isValueStart(code)) this.fail(`expected a list item or '-', found ${this.describeCharAt(this.pos)}`, this.pos);
      items.push(this.parseValue(depth));
    }
  }

  private parseObject(depth: number): { [key: string]: CdmValue } {
    const open = this.pos++;
    const object: { [key: string]: CdmValue } = {};
    for (;;) {
      this.skipSeparators();
      if (this.atEnd()) this.fail("unterminated object: no closing ')' before the end of input", open);
      const keyStart = this.pos;
      const code = this.text.charCodeAt(keyStart);
      if (code === CLOSE) {
        this.pos++;
        return object;
      }
      let key: string;
      if (code === QUOTE) {
        key = this.parseString();
      } else if (isBareKeyChar(code)) {
        while (this.pos < this.text.length && isBareKeyChar(this.text.charCodeAt(this.pos))) this.pos++;
        key = this.text.slice(keyStart, this.pos);
      } else {
        this.fail(`expected a key or ')', found ${this.describeCharAt(keyStart)}`, keyStart);
      }
      // Same key twice is never written by a client, and which one wins would be a guess.
      if (Object.hasOwn(object, key)) this.fail("duplicate key in object", keyStart);

      this.skipSeparators();
      if (this.atEnd()) this.fail("missing value after key, found the end of input", this.pos);
      if (!isValueStart(this.text.charCodeAt(this.pos))) {
        this.fail(`missing value after key, found ${this.describeCharAt(this.pos)}`, this.pos);
      }
      // defineProperty, not assignment: `object["__proto__"] = v` would replace
      // the prototype instead of creating a property.
      Object.defineProperty(object, key, { value: this.parseValue(depth), enumerable: true, writable: true, configurable: true });
    }
  }

  private skipSeparators(): void {
    while (this.pos < this.text.length && isSeparator(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** One character, JSON-quoted so that control characters and spaces are visible. */
  private describeCharAt(offset: number): string {
    const codePoint = this.text.codePointAt(offset);
    return codePoint === undefined ? "the end of input" : JSON.stringify(String.fromCodePoint(codePoint));
  }

  private fail(reason: string, offset: number): never {
    throw new CdmSyntaxError(reason, offset);
  }
}

const QUOTE = 0x27; // '
const BANG = 0x21; // !
const STAR = 0x2a; // *
const DASH = 0x2d; // -
const OPEN = 0x28; // (
const CLOSE = 0x29; // )

function isValueStart(code: number): boolean {
  return code === QUOTE || code === BANG || code === STAR || code === OPEN;
}

/**
 * The clients' parser skips space, tab, LF and `.`; CR is added so that a
 * hand-written CRLF document reads the same. None of these can start a token.
 */
function isSeparator(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2e;
}
