import { describe, expect, it } from "vitest";
import { CdmSyntaxError, parseCdm, serializeCdm, type CdmValue } from "../../providers/scenari/cdm";

/** The error parseCdm throws for `text`; fails the test if it throws nothing or something else. */
function syntaxErrorOf(text: string): CdmSyntaxError {
  try {
    parseCdm(text);
  } catch (error) {
    if (error instanceof CdmSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a CdmSyntaxError for ${JSON.stringify(text)}`);
}

/** Both directions at once: the text is what we write, and reads back as the value. */
function expectEncoding(value: CdmValue, text: string): void {
  expect(serializeCdm(value)).toBe(text);
  expect(parseCdm(text)).toStrictEqual(value);
}

describe("reference worked example (scenari.md, CDM encoding)", () => {
  it("encodes and decodes byte for byte", () => {
    expectEncoding(
      { firstName: "Jo", grantedRoles: ["main:reader"], userType: "user" },
      "(firstName'Jo'grantedRoles*'main:reader'-userType'user')",
    );
  });
});

describe("reference table rows", () => {
  it("string: quoted, with ' doubled", () => {
    expectEncoding("abc", "'abc'");
    expectEncoding("", "''");
    expectEncoding("it's", "'it''s'");
    expectEncoding("'", "''''");
    expectEncoding("''", "''''''");
  });

  it("true / false", () => {
    expectEncoding(true, "!T!");
    expectEncoding(false, "!F!");
  });

  it("null", () => {
    expectEncoding(null, "!!");
  });

  it("number", () => {
    expectEncoding(42, "!42!");
    expectEncoding(0, "!0!");
    expectEncoding(-3, "!-3!");
  });

  it("list: items separated by '.', then '-'", () => {
    expectEncoding(["a", "b"], "*'a'.'b'-");
    expectEncoding([], "*-");
    expectEncoding([1, true, null, "x"], "*!1!.!T!.!!.'x'-");
    expectEncoding([[], [[]]], "**-.**---");
  });

  it("object: keys and values with no separator between entries", () => {
    expectEncoding({ a: "x", b: 1, c: false }, "(a'x'b!1!c!F!)");
    expectEncoding({}, "()");
    expectEncoding({ a: { b: { c: [] } } }, "(a(b(c*-)))");
  });

  it("keys outside [0-z] are quoted, followed by '.', and preceded by '.' unless first", () => {
    expectEncoding({ "my-key": "v" }, "('my-key'.'v')");
    expectEncoding({ a: "x", "my-key": "v" }, "(a'x'.'my-key'.'v')");
    expectEncoding({ "a b": 1, "c-d": 2 }, "('a b'.!1!.'c-d'.!2!)");
    expectEncoding({ "it's": true }, "('it''s'.!T!)");
  });

  it("bare keys are exactly those made of 0x30-0x7A", () => {
    // Range edges and the punctuation inside it: '0' '9' ':' '@' 'A' '[' '\' ']' '^' '_' '`' 'z'.
    expectEncoding({ "09:@AZ[\\]^_`az": 1 }, "(09:@AZ[\\]^_`az!1!)");
    // Just outside: '/' (0x2F) and '{' (0x7B), plus non-ASCII.
    expectEncoding({ "a/": 1 }, "('a/'.!1!)");
    expectEncoding({ "a{": 1 }, "('a{'.!1!)");
    expectEncoding({ é: 1 }, "('é'.!1!)");
  });
});

describe("serializeCdm decisions where the reference is silent", () => {
  it("writes non-integers and large numbers in JavaScript's shortest round-trip form", () => {
    expectEncoding(0.5, "!0.5!");
    expectEncoding(-1.25, "!-1.25!");
    expectEncoding(1e21, "!1e+21!");
    expectEncoding(1e-7, "!1e-7!");
    expectEncoding(Number.MAX_SAFE_INTEGER, "!9007199254740991!");
  });

  it("drops the sign of zero, as JSON does", () => {
    expect(serializeCdm(-0)).toBe("!0!");
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects %s with a RangeError naming the path", (n) => {
    expect(() => serializeCdm(n)).toThrow(RangeError);
    expect(() => serializeCdm({ options: [1, n] })).toThrow(/at \$\.options\[1\]: CDM numbers must be finite/);
  });

  it("skips undefined properties, without a stray '.' when the first key written is quoted", () => {
    type Props = { firstName?: string; "my-key"?: string; email?: string };
    const props: Props = { firstName: undefined, "my-key": "v", email: undefined };
    expect(serializeCdm(props)).toBe("('my-key'.'v')");
    expect(serializeCdm({ a: undefined } as Props)).toBe("()");
  });

  it("quotes the empty key, which the clients' bare form would make unreadable", () => {
    expectEncoding({ "": "v" }, "(''.'v')");
    expectEncoding({ a: 1, "": 2 }, "(a!1!.''.!2!)");
  });

  it("writes shared (non-circular) references once per occurrence", () => {
    const roles = ["main:reader"];
    expect(serializeCdm({ a: roles, b: roles })).toBe("(a*'main:reader'-b*'main:reader'-)");
  });

  it.each<[string, unknown, RegExp]>([
    ["undefined at the top", undefined, /cannot serialize undefined at \$:/],
    ["undefined list item", ["a", undefined], /undefined at \$\[1\]: list items cannot be undefined/],
    // biome-ignore lint/suspicious/noSparseArray: the hole is what the codec must refuse
    ["list hole", [1, , 3], /undefined at \$\[1\]/],
    ["bigint", { n: 1n }, /a bigint at \$\.n/],
    ["function", { f: () => 1 }, /a function at \$\.f/],
    ["symbol", [Symbol("s")], /a symbol at \$\[0\]/],
    ["Date", { when: new Date(0) }, /an instance of Date at \$\.when: only plain objects/],
    ["Map", { "my-map": new Map() }, /an instance of Map at \$\["my-map"\]/],
    ["class instance", { x: new (class Point {})() }, /an instance of Point at \$\.x/],
  ])("rejects %s with a TypeError naming the path", (_name, value, message) => {
    expect(() => serializeCdm(value as CdmValue)).toThrow(TypeError);
    expect(() => serializeCdm(value as CdmValue)).toThrow(message);
  });

  it("rejects circular structures", () => {
    const loop: { [key: string]: CdmValue } = { a: [] };
    (loop.a as CdmValue[]).push(loop);
    expect(() => serializeCdm(loop)).toThrow(/circular structure: \$\.a\[0\]/);
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.create(null) as { [key: string]: CdmValue };
    bare.k = "v";
    expect(serializeCdm(bare)).toBe("(k'v')");
  });
});

describe("what scenaripy_api sends (Python serialize_cdm), byte for byte", () => {
  // Each value is the dict the Python client builds, in its insertion order.
  it.each<[string, CdmValue, string]>([
    [
      "create_or_update_user from the seed example",
      { firstName: "Prénom", lastName: "Nom", grantedRoles: ["main:reader"], userType: "user", password: "Mon-Password" },
      "(firstName'Prénom'lastName'Nom'grantedRoles*'main:reader'-userType'user'password'Mon-Password')",
    ],
    [
      "create_or_update_group from the docstring example",
      {
        groupName: "Mon Groupe d'auteurs",
        email: "email@domain.org",
        groups: ["site-Paris", "site-Montpellier"],
        grantedRoles: ["main:author"],
      },
      "(groupName'Mon Groupe d''auteurs'email'email@domain.org'groups*'site-Paris'.'site-Montpellier'-grantedRoles*'main:author'-)",
    ],
    ["set_granted_roles on the portal (userProps)", { grantedRoles: ["main:author"] }, "(grantedRoles*'main:author'-)"],
    ["set_granted_roles with no role", { grantedRoles: [] }, "(grantedRoles*-)"],
    [
      "set_granted_roles on a workspace, bare account",
      { user1: { allowedRoles: ["main:author"] } },
      "(user1(allowedRoles*'main:author'-))",
    ],
    [
      "set_granted_roles on a workspace, account needing quotes",
      { "mon-compte-user": { allowedRoles: ["main:reader", "main:author"] } },
      "('mon-compte-user'.(allowedRoles*'main:reader'.'main:author'-))",
    ],
    [
      "SetSpecifiedRoles from the web client, with a removal",
      { alice: { allowedRoles: ["main:reader"], deniedRoles: [] }, "bob-2": null },
      "(alice(allowedRoles*'main:reader'-deniedRoles*-).'bob-2'.!!)",
    ],
    ["list_users_or_groups, users only", { filterType: "user" }, "(filterType'user')"],
    ["list_users_or_groups, groups only", { filterType: "group" }, "(filterType'group')"],
    [
      "List with every kind of option",
      { filterType: "user", filterHidden: false, filterRoles: ["main:admin"], maxResults: 50 },
      "(filterType'user'filterHidden!F!filterRoles*'main:admin'-maxResults!50!)",
    ],
    ["create_or_update_wsp, DB", { title: "Mon atelier Opale", alias: "opale" }, "(title'Mon atelier Opale'alias'opale')"],
    [
      "create_or_update_wsp, DB with skins and flags",
      { title: "T", alias: "a", skins: ["s1", "s2"], publicWsp: true, airIt: false, extIt: true },
      "(title'T'alias'a'skins*'s1'.'s2'-publicWsp!T!airIt!F!extIt!T!)",
    ],
    [
      "create_or_update_wsp, derived",
      { alias: "testDrv2", wspMaster: "X1y2", drvAxis: "alternance", drvDefaultSrcFindPath: ["fc"] },
      "(alias'testDrv2'wspMaster'X1y2'drvAxis'alternance'drvDefaultSrcFindPath*'fc'-)",
    ],
    [
      "create_or_update_wsp, draft",
      { alias: "testDrf", wspRef: "X1y2", draftTitle: "Mon atelier brouillon" },
      "(alias'testDrf'wspRef'X1y2'draftTitle'Mon atelier brouillon')",
    ],
    ["deleteParams", { deleteGen: true, deleteContent: false }, "(deleteGen!T!deleteContent!F!)"],
    ["List options with nothing to filter", {}, "()"],
  ])("%s", (_name, value, text) => {
    expectEncoding(value, text);
  });

  it.each<[string, CdmValue]>([
    // What Python's repr writes for floats, which differs from JavaScript's form.
    ["!1e-07!", 1e-7],
    ["!1e+16!", 1e16],
    ["!2.0!", 2],
    ["!-0.0!", -0],
    // Leading zeros: no client writes them, but they are unambiguous.
    ["!007!", 7],
  ])("reads the number token %s", (text, value) => {
    expect(parseCdm(text)).toBe(value);
  });
});

describe("parser tolerance", () => {
  it.each<[string, string, CdmValue]>([
    [
      "spaces, tabs and newlines between tokens",
      " ( firstName\t'Jo'\n grantedRoles * 'main:reader' 'main:author' - ) \n",
      { firstName: "Jo", grantedRoles: ["main:reader", "main:author"] },
    ],
    ["CRLF line ends", "(a'x'\r\nb'y')\r\n", { a: "x", b: "y" }],
    ["dots anywhere between tokens", "..(.a.'x'..b.*.'1'..'2'.-.).", { a: "x", b: ["1", "2"] }],
    ["a dot before the first quoted key", "(.'my-key'.'v')", { "my-key": "v" }],
    ["a quoted key followed by a non-string value without the dot", "('my-key'!T!'k-2'*-)", { "my-key": true, "k-2": [] }],
    ["non-string list items without dots", "*!1!!2!(a!!)*-'x'-", [1, 2, { a: null }, [], "x"]],
    ["separators inside strings are kept", "'. \t\n.'", ". \t\n."],
    ["structural characters inside strings are kept", "'(*-)!!T!.'", "(*-)!!T!."],
  ])("%s", (_name, text, value) => {
    expect(parseCdm(text)).toStrictEqual(value);
  });

  it("reads two adjacent strings as one string with a quote: the reason separators exist", () => {
    expect(parseCdm("*'a''b'-")).toStrictEqual(["a'b"]);
  });

  it("makes __proto__ and other Object.prototype names ordinary own properties", () => {
    const parsed = parseCdm("(__proto__(polluted!T!)constructor'c'toString!1!hasOwnProperty!!)") as { [key: string]: CdmValue };
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toStrictEqual(["__proto__", "constructor", "toString", "hasOwnProperty"]);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toStrictEqual({ polluted: true });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(serializeCdm(parsed)).toBe("(__proto__(polluted!T!)constructor'c'toString!1!hasOwnProperty!!)");
  });

  it("accepts lists and objects nested 512 deep", () => {
    expect(() => parseCdm(`${"*".repeat(256)}${"(a".repeat(256)}!!${")".repeat(256)}${"-".repeat(256)}`)).not.toThrow();
  });
});

describe("malformed input", () => {
  it.each<[string, string, number, RegExp]>([
    ["empty input", "", 0, /expected a value, found the end of input/],
    ["separators only", " .\n", 3, /expected a value, found the end of input/],
    ["unterminated string", "'abc", 0, /unterminated string/],
    ["unterminated string inside an object", "(a'x'b'oops)", 6, /unterminated string/],
    ["a doubled quote does not close a string", "'a''", 0, /unterminated string/],
    ["unknown ! token", "!x!", 0, /unknown '!' token/],
    ["unknown ! token as a value", "(a!yes!)", 2, /unknown '!' token/],
    ["NaN as the web client writes it", "!N!", 0, /unknown '!' token/],
    ["number with a bare trailing dot", "!1.!", 0, /unknown '!' token/],
    ["number with a plus sign", "!+1!", 0, /unknown '!' token/],
    ["space inside a ! token", "! 1!", 0, /unknown '!' token/],
    ["Infinity spelled out", "!Infinity!", 0, /unknown '!' token/],
    ["number beyond a double", "(n!1e999!)", 2, /number too large/],
    ["unterminated ! token", "(a!T)", 2, /unterminated '!' token/],
    ["trailing garbage after a string", "'a'x", 3, /unexpected "x" after the end of the value/],
    ["trailing ')'", "(a'x'))", 6, /unexpected "\)" after the end of the value/],
    ["trailing '!'", "!!!", 2, /unexpected "!" after the end of the value/],
    ["two values", "(a'x')(b'y')", 6, /after the end of the value/],
    ["value after a list", "*'a'.'b'-'c'", 9, /after the end of the value/],
    ["unterminated list", "*'a'", 0, /unterminated list: no closing '-'/],
    ["list closed by ')'", "*'a')", 4, /expected a list item or '-', found "\)"/],
    ["bare word in a list", "*abc-", 1, /expected a list item or '-', found "a"/],
    ["unterminated object", "(a'x'", 0, /unterminated object: no closing '\)'/],
    ["object closed by '-'", "(a'x'-", 5, /expected a key or '\)', found "-"/],
    ["list as a key", "(*'a'-)", 1, /expected a key or '\)', found "\*"/],
    ["key without value before ')'", "(a)", 2, /missing value after key, found "\)"/],
    ["key without value at the end", "(a", 2, /missing value after key, found the end of input/],
    ["quoted key without value", "('my-key'.)", 10, /missing value after key/],
    ["key with a space inside", "(a b'x')", 3, /missing value after key, found "b"/],
    ["quoted key merged with its value", "('my-key''v')", 12, /missing value after key/],
    ["duplicate key", "(a'x'a'y')", 5, /duplicate key/],
    ["duplicate key, quoted then bare", "('a'.'x'a'y')", 8, /duplicate key/],
    ["object without parentheses", "firstName'Jo'", 0, /expected a value, found "f" \(objects must be enclosed in parentheses\)/],
    ["lone '-'", "-", 0, /expected a value, found "-"/],
    ["lone ')'", ")", 0, /expected a value, found "\)"/],
    ["control character", "\u0000", 0, /found "\\u0000"/],
    ["astral character", "😀", 0, /found "😀"/],
    ["nesting beyond 512", `${"*".repeat(513)}${"-".repeat(513)}`, 512, /nested more than 512 deep/],
  ])("%s", (_name, text, offset, message) => {
    const error = syntaxErrorOf(text);
    expect(error.offset).toBe(offset);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`at offset ${offset}:`);
  });

  it("is a SyntaxError and an Error, named CdmSyntaxError", () => {
    const error = syntaxErrorOf("(");
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CdmSyntaxError");
  });

  it("never quotes string content in its message", () => {
    const error = syntaxErrorOf("(password'hunter2)");
    expect(error.message).not.toContain("hunter2");
  });

  it("rejects a non-string argument with a TypeError", () => {
    expect(() => parseCdm(undefined as unknown as string)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------
// Generated values

/** xorshift32: deterministic, so that a failure names a case that can be replayed. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  next(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 0x1_0000_0000;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}

const STRING_PIECES = [
  "",
  "a",
  "Jo",
  "main:reader",
  "'",
  "''",
  "'''",
  "é",
  "中文",
  "😀",
  "👩‍💻",
  " ",
  ".",
  "-",
  "*",
  "(",
  ")",
  "!",
  "!T!",
  "!!",
  "\n",
  "\t",
  "\r",
  "\\",
  '"',
  "\u0000",
  "{",
  "0",
  "z",
];
const BARE_KEYS = ["a", "Z", "0", "z", "firstName", "grantedRoles", "x1:y", "@", "[", "^_`", "__proto__", "constructor", "toString"];
const QUOTED_KEYS = [
  "my-key",
  "a b",
  "'",
  "''",
  "é",
  "中文",
  "😀",
  "",
  ".",
  "-",
  "*",
  "(",
  ")",
  "!",
  "{",
  "/",
  "~",
  "a.b",
  "mon-compte-user",
];
const NUMBERS = [
  0,
  1,
  -1,
  42,
  -3,
  0.5,
  -0.25,
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a float to round-trip, not pi
  3.14159,
  1e21,
  -1e-7,
  5e-324,
  1.7976931348623157e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
];

/** What the generated corpus covered, so that a degenerate generator cannot pass silently. */
interface Coverage {
  quotedKeys: number;
  bareKeys: number;
  emptyStrings: number;
  emptyLists: number;
  emptyObjects: number;
  maxDepth: number;
}

function generate(random: Random, depth: number, coverage: Coverage): CdmValue {
  coverage.maxDepth = Math.max(coverage.maxDepth, depth);
  const roll = random.next();
  if (depth < 8 && roll < 0.3) {
    const size = random.int(5);
    if (random.next() < 0.5) {
      if (size === 0) coverage.emptyLists++;
      return Array.from({ length: size }, () => generate(random, depth + 1, coverage));
    }
    if (size === 0) coverage.emptyObjects++;
    const object: { [key: string]: CdmValue } = {};
    for (let i = 0; i < size; i++) {
      const quoted = random.next() < 0.4;
      const key = quoted ? random.pick(QUOTED_KEYS) : random.pick(BARE_KEYS);
      if (quoted) coverage.quotedKeys++;
      else coverage.bareKeys++;
      // defineProperty, so that "__proto__" is a key and not a prototype change.
      Object.defineProperty(object, key, {
        value: generate(random, depth + 1, coverage),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  if (roll < 0.6) {
    let text = "";
    for (let n = random.int(4); n > 0; n--) text += random.pick(STRING_PIECES);
    if (text === "") coverage.emptyStrings++;
    return text;
  }
  if (roll < 0.8) return random.next() < 0.5 ? random.pick(NUMBERS) : random.int(2_000_001) - 1_000_000;
  if (roll < 0.92) return random.next() < 0.5;
  return null;
}

function generateCorpus(seed: number, count: number): { values: CdmValue[]; coverage: Coverage } {
  const random = new Random(seed);
  const coverage: Coverage = { quotedKeys: 0, bareKeys: 0, emptyStrings: 0, emptyLists: 0, emptyObjects: 0, maxDepth: 0 };
  const values = Array.from({ length: count }, () => generate(random, 0, coverage));
  return { values, coverage };
}

/**
 * Writes a value the way a sloppy but valid client could: the same tokens,
 * with random separators wherever the grammar allows them, and at least one
 * where two strings would otherwise merge.
 */
function writeNoisily(value: CdmValue, random: Random): string {
  const optional = (): string => random.pick(["", "", "", " ", "\t", "\n", "\r\n", ".", " . ", ".."]);
  const required = (): string => random.pick([" ", "\t", "\n", "\r\n", ".", " . ", "..", ".\n"]);
  const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;
  const write = (v: CdmValue): string => {
    if (typeof v === "string") return quote(v);
    if (typeof v === "boolean") return v ? "!T!" : "!F!";
    if (typeof v === "number") return `!${String(v)}!`;
    if (v === null) return "!!";
    if (Array.isArray(v)) return `*${optional()}${v.map(write).join(required())}${optional()}-`;
    const entries = Object.keys(v).map((key) => {
      const item = v[key];
      if (item === undefined) throw new Error("unreachable: generated values have no undefined");
      const bare = key !== "" && [...key].every((c) => c >= "0" && c <= "z" && c.length === 1);
      return `${bare ? key : quote(key)}${bare ? optional() : required()}${write(item)}`;
    });
    return `(${optional()}${entries.join(required())}${optional()})`;
  };
  return `${optional()}${write(value)}${optional()}`;
}

/**
 * An independent model of Python's serialize_cdm, written from its rules:
 * a key is quoted when it contains any character outside [0-z] (so the empty
 * key is bare), followed by "." and preceded by "." unless first.
 */
function pythonSerializeCdm(value: CdmValue): string {
  if (typeof value === "string") return `'${value.split("'").join("''")}'`;
  if (typeof value === "boolean") return value ? "!T!" : "!F!";
  if (typeof value === "number") return `!${value}!`;
  if (value === null) return "!!";
  if (Array.isArray(value)) return `*${value.map(pythonSerializeCdm).join(".")}-`;
  let out = "(";
  let first = true;
  for (const [key, item] of Object.entries(value)) {
    out += /[^0-z]/u.test(key) ? `${first ? "'" : ".'"}${key.split("'").join("''")}'.` : key;
    out += pythonSerializeCdm(item);
    first = false;
  }
  return `${out})`;
}

/**
 * Deep equality plus "every container is a plain array or object". Not
 * toStrictEqual: its type check compares the `constructor` property, which
 * here is often an own key holding data.
 */
function expectSameValue(actual: CdmValue, expected: CdmValue, message: string): void {
  expect(actual, message).toEqual(expected);
  expect(onlyPlainContainers(actual), message).toBe(true);
}

function onlyPlainContainers(value: CdmValue): boolean {
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype && value.every(onlyPlainContainers);
  if (typeof value !== "object" || value === null) return true;
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(value).every(onlyPlainContainers);
}

function containsEmptyKey(value: CdmValue): boolean {
  if (Array.isArray(value)) return value.some(containsEmptyKey);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, item]) => key === "" || containsEmptyKey(item));
}

describe("round trip over generated values", () => {
  const { values, coverage } = generateCorpus(0x5eed_cd1, 4000);

  it("covers the cases that matter", () => {
    expect(coverage.quotedKeys).toBeGreaterThan(500);
    expect(coverage.bareKeys).toBeGreaterThan(500);
    expect(coverage.emptyStrings).toBeGreaterThan(100);
    expect(coverage.emptyLists).toBeGreaterThan(50);
    expect(coverage.emptyObjects).toBeGreaterThan(50);
    expect(coverage.maxDepth).toBe(8);
  });

  it("parseCdm(serializeCdm(v)) equals v, and writing it again gives the same text", () => {
    values.forEach((value, index) => {
      const text = serializeCdm(value);
      const parsed = parseCdm(text);
      expectSameValue(parsed, value, `case ${index}: ${text}`);
      expect(serializeCdm(parsed), `case ${index}`).toBe(text);
    });
  });

  it("matches the Python client's output byte for byte wherever that output is readable", () => {
    let compared = 0;
    values.forEach((value, index) => {
      // The Python client writes the empty key as nothing, which nothing can read back; we quote it.
      if (containsEmptyKey(value)) return;
      compared++;
      expect(serializeCdm(value), `case ${index}`).toBe(pythonSerializeCdm(value));
    });
    expect(compared).toBeGreaterThan(3000);
  });

  it("reads the same values written with random separators between tokens", () => {
    const random = new Random(0xd07);
    values.forEach((value, index) => {
      const text = writeNoisily(value, random);
      expectSameValue(parseCdm(text), value, `case ${index}: ${JSON.stringify(text)}`);
    });
  });
});
