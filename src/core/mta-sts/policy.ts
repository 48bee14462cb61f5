// The policy file (RFC 8461 s3.2, with errata 6253 and the intended grammar of smtp-sts#228):
//   sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]
//   sts-policy-term   = LF / CRLF
//   field             = name ":" *WSP value
// Names and registered values are case-sensitive (%s). Decisions (notes/standards.md section 0):
// blank lines, a trailing blank line and a leading BOM are accepted with a warning; a bare CR or a
// malformed line (extensions included) makes the policy invalid; a duplicated non-mx field keeps
// the first occurrence (s3.2), with a warning; max_age is 1*10DIGIT and at most 31557600; an
// invalid mx pattern is kept as written but matches nothing, with a warning.
import type { Diagnostic, MtaStsMode, MtaStsPolicy } from '../types.ts';
import { quote } from './limits.ts';
import { isValidMxPattern } from './match.ts';

export type MtaStsPolicyResult = { ok: true; policy: MtaStsPolicy; warnings: Diagnostic[] } | { ok: false; error: Diagnostic };

export const POLICY_INVALID = 'mta-sts.policy.invalid';
export const MAX_AGE_LIMIT = 31_557_600; // RFC 8461 s3.2: "maximum value of 31557600"

const LINE = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31}):[ \t]*([^]*?)[ \t]*$/;
// sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]; vchar = VCHAR / UTF8-2..4.
const EXT_VALUE = /^[\x21-\x7e\u0080-\u{10ffff}](?:[\x20-\x7e\u0080-\u{10ffff}]*[\x21-\x7e\u0080-\u{10ffff}])?$/u;
const MODES: readonly string[] = ['enforce', 'testing', 'none'] satisfies MtaStsMode[];
const SINGLE_FIELDS = ['version', 'mode', 'max_age'] as const;
type SingleField = (typeof SINGLE_FIELDS)[number];

export function parseMtaStsPolicy(body: string): MtaStsPolicyResult {
  const warnings: Diagnostic[] = [];
  let text = body;
  if (text.startsWith('\uFEFF')) {
    text = text.slice(1);
    warnings.push({ code: 'mta-sts.policy.bom', message: 'The policy file starts with a byte-order mark, which the grammar does not allow; some senders reject it.' });
  }
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  // The final terminator is optional: "a\n" splits into ["a", ""], and that "" is not a line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const single: Partial<Record<SingleField, string>> = {};
  const mx: string[] = [];
  let blankLines = 0;
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    if (line.includes('\r')) return invalid(`Line ${lineNo} contains a carriage return that does not end the line (lines end with LF or CRLF).`);
    if (/^[ \t]*$/.test(line)) {
      blankLines++;
      continue;
    }
    const match = LINE.exec(line);
    if (!match) return invalid(`Line ${lineNo} is not a "name: value" field: ${quote(line)}.`);
    const name = match[1] ?? '';
    const value = match[2] ?? '';
    // No grammar of the policy admits a control character (HTAB included) inside a value.
    if (value !== '' && !EXT_VALUE.test(value)) return invalid(`Line ${lineNo}: the value of "${name}" contains a control character.`);
    if (name === 'mx') {
      mx.push(value);
      continue;
    }
    if (isSingleField(name)) {
      if (single[name] !== undefined) {
        warnings.push({ code: 'mta-sts.policy.duplicate-field', message: `The field "${name}" appears more than once; senders use the first one (RFC 8461 s3.2).` });
      } else {
        single[name] = value;
      }
      continue;
    }
    // An extension: checked against the grammar, then ignored (RFC 8461 s3.2).
    if (value === '') return invalid(`Line ${lineNo}: the field "${name}" has no value.`);
    if (['version', 'mode', 'max_age', 'mx'].includes(name.toLowerCase())) {
      warnings.push({ code: 'mta-sts.policy.field-case', message: `"${name}" is not "${name.toLowerCase()}": field names are case-sensitive, so it is ignored.` });
    }
  }
  if (blankLines > 0) {
    warnings.push({ code: 'mta-sts.policy.blank-line', message: 'The policy file contains blank lines, which the grammar does not allow; some senders reject it.' });
  }

  if (single.version === undefined) return invalid('The policy has no "version" field.');
  if (single.version !== 'STSv1') return invalid(`The policy version is ${quote(single.version)}, not "STSv1".`);
  if (single.mode === undefined) return invalid('The policy has no "mode" field.');
  if (!MODES.includes(single.mode)) return invalid(`The policy mode ${quote(single.mode)} is not "enforce", "testing" or "none".`);
  const mode = single.mode as MtaStsMode;
  if (single.max_age === undefined) return invalid('The policy has no "max_age" field.');
  if (!/^[0-9]{1,10}$/.test(single.max_age)) return invalid(`The policy max_age ${quote(single.max_age)} is not a number of seconds (1 to 10 digits).`);
  const maxAge = Number(single.max_age);
  if (maxAge > MAX_AGE_LIMIT) return invalid(`The policy max_age ${maxAge} is above the maximum of ${MAX_AGE_LIMIT} seconds.`);

  let validPatterns = 0;
  for (const pattern of mx) {
    if (isValidMxPattern(pattern)) {
      validPatterns++;
    } else {
      warnings.push({ code: 'mta-sts.policy.mx-invalid', message: `The mx pattern ${quote(pattern)} is not a valid host name pattern and matches no host.` });
    }
  }
  if (mode !== 'none' && validPatterns === 0) {
    return invalid(mx.length === 0 ? `A policy in mode "${mode}" needs at least one "mx" field.` : `A policy in mode "${mode}" needs at least one valid "mx" pattern.`);
  }
  return { ok: true, policy: { version: 'STSv1', mode, mx, maxAge }, warnings };
}

function isSingleField(name: string): name is SingleField {
  return (SINGLE_FIELDS as readonly string[]).includes(name);
}

function invalid(message: string): { ok: false; error: Diagnostic } {
  return { ok: false, error: { code: POLICY_INVALID, message } };
}
