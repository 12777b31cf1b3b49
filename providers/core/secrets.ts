/**
 * Every credential and write-only value the process has seen, so that any
 * text leaving the package (error messages, the debug log) can be scrubbed of
 * them even when a server echoes one back.
 */
const known = new Set<string>();

/** Values shorter than this are not scrubbed: they would mangle ordinary words. */
const MIN_LENGTH = 4;

export function registerSecret(value: string | undefined | null): void {
  if (typeof value === "string" && value.length >= MIN_LENGTH) {
    known.add(value);
    // Servers echo secrets back encoded, notably in URLs and Basic headers.
    known.add(encodeURIComponent(value));
    // Our own query strings and form bodies use the form encoding (space as
    // `+`, quotes and parentheses escaped), which encodeURIComponent does not produce.
    known.add(new URLSearchParams([["", value]]).toString().slice(1));
  }
}

export function scrub(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join("***");
  }
  return out;
}

const SECRET_KEY = /pass(word|wd)?|pwd|token|secret|authorization|credential/i;

/** True for a field name whose value must never be logged. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of a JSON value with every secret-named field masked, however deep. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? "***" : redactJson(v)]));
  }
  return value;
}

/**
 * Mask secret-named fields in a request or response body of any of the
 * formats our applications use: JSON, urlencoded forms, and Scenari's CDM,
 * where a field is a bare or quoted key directly followed by a quoted string.
 */
export function redactBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return scrub(JSON.stringify(redactJson(JSON.parse(trimmed))));
    } catch {
      // Not JSON after all: fall through to the textual rules.
    }
  }
  let out = body.replace(/([?&]|^)([^=&\s]+)=([^&\s]*)/g, (m, sep: string, key: string, value: string) => {
    if (isSecretKey(decodeSafe(key))) return `${sep}${key}=***`;
    // Scenari sends CDM inside a form or query field, percent-encoded, where
    // the CDM rule below cannot see its quotes: decode the value to redact it.
    const decoded = decodeSafe(value.replace(/\+/g, " "));
    const redacted = redactCdm(decoded);
    return redacted === decoded ? m : `${sep}${key}=${encodeURIComponent(redacted)}`;
  });
  out = redactCdm(out);
  return scrub(out);
}

function redactCdm(text: string): string {
  return text.replace(/([A-Za-z0-9_]+|'(?:[^']|'')*')('(?:[^']|'')*')/g, (m, key: string) =>
    isSecretKey(key.replace(/'/g, "")) ? `${key}'***'` : m,
  );
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
