/**
 * How ScoDoc spells people's names in its computed user fields
 * (`sco_etud.format_prenom`, `format_nom`, `scu.abbrev_prenom`).
 */

/** Python's `str.capitalize`: first character upper case, the rest lower case. */
function capitalize(s: string): string {
  const [first = "", ...rest] = [...s];
  return first.toUpperCase() + rest.join("").toLowerCase();
}

/** "jean-claude  marie" -> "Jean-Claude Marie": each word and each hyphenated part capitalised. */
export function formatPrenom(s: string | null): string {
  if (!s) return "";
  return s
    .split(/\s+/u)
    .filter((w) => w !== "")
    .map((w) => w.split("-").map(capitalize).join("-"))
    .join(" ");
}

export function formatNom(s: string | null, uppercase = true): string {
  if (!s) return "";
  return uppercase ? s.toUpperCase() : formatPrenom(s);
}

/**
 * Initials: "Jean" -> "J.", "Jean-Christophe" -> "J.-C.", "Marie Odile" ->
 * "M. O.", and ScoDoc's special case "Charles" -> "Ch." (any name starting
 * with "cha", whatever its case).
 */
export function abbrevPrenom(prenom: string): string {
  const chars = [...prenom.replace(/\./g, " ").trim()];
  if (chars.length === 0) return "";
  const isSeparator = (c: string | undefined) => c === " " || c === "-";
  let abbreviation: string;
  let i: number;
  if (chars.slice(0, 3).join("").toUpperCase() === "CHA") {
    abbreviation = "Ch.";
    i = 3;
  } else {
    abbreviation = `${(chars[0] ?? "").toUpperCase()}.`;
    i = 1;
  }
  while (i < chars.length) {
    const c = chars[i];
    // A trailing hyphen is not a separator, a trailing space is (ScoDoc's precedence quirk,
    // harmless since the name was trimmed).
    if (c === " " || (c === "-" && i < chars.length - 1)) {
      let separator = c;
      i++;
      while (i < chars.length && isSeparator(chars[i])) {
        if (chars[i] === "-") separator = "-";
        i++;
      }
      if (i < chars.length) abbreviation += `${separator}${(chars[i] ?? "").toUpperCase()}.`;
    }
    i++;
  }
  return abbreviation;
}
