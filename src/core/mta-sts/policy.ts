// The policy file (RFC 8461 s3.2, with errata 6253 and the intended grammar of smtp-sts#228):
//   sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]
//   sts-policy-term   = LF / CRLF
//   field             = name ":" *WSP value
// Names and registered values are case-sensitive (%s). Decisions (docs/decisions.md "Engine"):
// blank lines and a trailing blank line are accepted with a warning; a leading byte-order mark
// makes the policy invalid (`mta-sts.policy.bom`: strict senders reject it); a bare CR or a
// malformed line (extensions included) makes the policy invalid; a duplicated non-mx field keeps
// the first occurrence (s3.2), with a warning; max_age is 1*10DIGIT and at most 31557600; an
// invalid mx pattern is kept as written but matches nothing, with a warning.
//
// Every check is a single linear scan: the body is attacker-controlled (up to 64 KiB), so no
// regular expression here may backtrack over it (docs/decisions.md "Engine": linear parsers).
import type { Diagnostic, MtaStsMode, MtaStsPolicy } from '../types.ts';
import { quote } from './limits.ts';
import { isValidMxPattern } from './match.ts';

export type MtaStsPolicyResult = { ok: true; policy: MtaStsPolicy; warnings: Diagnostic[] } | { ok: false; error: Diagnostic };

export const POLICY_INVALID = 'mta-sts.policy.invalid';
export const POLICY_BOM = 'mta-sts.policy.bom';
export const MAX_AGE_LIMIT = 31_557_600; // RFC 8461 s3.2: "maximum value of 31557600"

/** sts-policy-ext-name (RFC 8461 s3.2): (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const MODES: readonly string[] = ['enforce', 'testing', 'none'] satisfies MtaStsMode[];
const SINGLE_FIELDS = ['version', 'mode', 'max_age'] as const;
type SingleField = (typeof SINGLE_FIELDS)[number];

const isWsp = (code: number): boolean => code === 0x20 || code === 0x09;

/** Index of the first non-WSP character at or after `from`. */
function skipWsp(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWsp(text.charCodeAt(i))) i++;
  return i;
}

/** Index just after the last non-WSP character before `to`. */
function trimWspEnd(text: string, to: number, floor: number): number {
  let i = to;
  while (i > floor && isWsp(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]; vchar = VCHAR / UTF8-2..4.
 * The value arrives trimmed of WSP, so only CTLs (HTAB inside included) can be wrong.
 */
function isPolicyValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

export function parseMtaStsPolicy(body: string): MtaStsPolicyResult {
  if (typeof body !== 'string') return invalid('The policy file is not text.');
  const warnings: Diagnostic[] = [];
  if (body.startsWith('\uFEFF')) {
    // Outside the grammar (RFC 8461 s3.2), and rejected by strict senders (mox, postfix-tlspol,
    // mailauth in strict mode), which then act as if the domain had no MTA-STS.
    return {
      ok: false,
      error: {
        code: POLICY_BOM,
        message: 'The policy file starts with a byte-order mark (U+FEFF), which the policy grammar does not allow; strict senders reject such a policy and deliver as if the domain had no MTA-STS.',
      },
    };
  }
  const lines = body.split('\n');
  // The final terminator is optional: "a\n" splits into ["a", ""], and that "" is not a line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  const single: Partial<Record<SingleField, string>> = {};
  const mx: string[] = [];
  let blankLines = 0;
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw; // CRLF
    const lineNo = index + 1;
    if (line.includes('\r')) return invalid(`Line ${lineNo} contains a carriage return that does not end the line (lines end with LF or CRLF).`);
    if (skipWsp(line, 0) === line.length) {
      blankLines++;
      continue;
    }
    // field = name ":" *WSP value *WSP, split by scanning (no backtracking over the value).
    const colon = line.indexOf(':');
    const name = colon > 0 && colon <= 32 ? line.slice(0, colon) : '';
    if (!FIELD_NAME.test(name)) return invalid(`Line ${lineNo} is not a "name: value" field: ${quote(line)}.`);
    const start = skipWsp(line, colon + 1);
    const value = line.slice(start, trimWspEnd(line, line.length, start));
    // No grammar of the policy admits a control character (HTAB included) inside a value.
    if (!isPolicyValue(value)) return invalid(`Line ${lineNo}: the value of "${name}" contains a control character.`);
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
