// Strings from the network (names decoded from DNS wire data, TXT contents, policy files, error
// texts of servers) are printed with every control character made visible, so that no domain can
// move the cursor, recolour or clear the terminal, forge a line, or reorder what is shown (the
// "Trojan Source" bidi controls, CVE-2021-42574). See docs/decisions.md "Command line".
//
// Escaped: C0 and C1 controls and DEL (Cc), format characters (Cf: bidi embeddings, overrides and
// isolates U+202A–202E and U+2066–2069, LRM/RLM U+200E/200F, ALM U+061C, zero-width characters,
// soft hyphen, BOM, tags), the line and paragraph separators U+2028/2029, lone surrogates, and
// the backslash itself, so that an escape sequence in the output is never the string's own text.

const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_CHAR = new RegExp(UNSAFE.source, 'u');
// The same minus the backslash and C0 (JSON.stringify escapes those itself).
const UNSAFE_IN_JSON = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** `\x1b`, `\u202e`, `\u{e0001}`, `\\`: how one unsafe character is shown. */
function visible(char: string): string {
  if (char === '\\') return '\\\\';
  const code = char.codePointAt(0) as number;
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  if (code <= 0xffff) return `\\u${hex(code, 4)}`;
  return `\\u{${hex(code, 0)}}`;
}

/** The text with every unsafe character replaced by its visible escape. */
export function escapeForTerminal(text: string): string {
  return String(text).replace(UNSAFE, visible);
}

/**
 * The text as a list of display units: each safe character alone, each escape sequence whole.
 * Lets a column cut text without splitting an escape.
 */
export function terminalUnits(text: string): string[] {
  const units: string[] = [];
  for (const char of String(text)) units.push(UNSAFE_CHAR.test(char) ? visible(char) : char);
  return units;
}

/**
 * JSON for a terminal or a log: valid JSON whose parsed value is unchanged, with every character
 * the table would escape written as a \uXXXX escape (JSON.stringify already escapes C0 controls
 * and lone surrogates; it leaves DEL, C1, bidi controls and U+2028/2029 raw).
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => {
    let out = '';
    for (let i = 0; i < char.length; i++) out += `\\u${hex(char.charCodeAt(i), 4)}`;
    return out;
  });
}
