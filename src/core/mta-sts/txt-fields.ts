// The tag-list shape shared by the MTA-STS TXT record (RFC 8461 s3.1) and the TLS-RPT TXT record
// (RFC 8460 s3):
//   record      = version 1*(field-delim field) [field-delim]
//   field-delim = *WSP ";" *WSP
//   field       = name "=" value
//   name        = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
// No field value of either grammar may contain ";", so splitting on ";" is exact. The value's own
// grammar is checked by the caller. Every step is a linear scan: the record is attacker-controlled
// (docs/decisions.md "Engine": linear parsers).

export interface TxtField {
  name: string;
  value: string;
}

export type TxtFieldsResult = { ok: true; fields: TxtField[] } | { ok: false; reason: string };

const FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const NON_ASCII = /[\u0080-\uffff]/;

const isWsp = (code: number): boolean => code === 0x20 || code === 0x09;

/** `text` without leading (and, when `end` is set, trailing) SP / HTAB; one pass from each side. */
export function trimWsp(text: string, start = true, end = true): string {
  let from = 0;
  let to = text.length;
  if (start) while (from < to && isWsp(text.charCodeAt(from))) from++;
  if (end) while (to > from && isWsp(text.charCodeAt(to - 1))) to--;
  return from === 0 && to === text.length ? text : text.slice(from, to);
}

/** True when `text` is empty or only SP / HTAB. */
export function isOnlyWsp(text: string): boolean {
  return trimWsp(text, true, false) === '';
}

/** Concatenates one TXT record's character-strings without separators (RFC 8461 s3.1). */
export function joinTxtRecord(record: string | readonly string[]): string {
  return typeof record === 'string' ? record : record.join('');
}

/**
 * The TXT RRset as one string per record, or null when the input is not an array of records
 * (each a string or an array of strings): the public parsers answer that with an error result.
 */
export function readTxtRecords(records: unknown): string[] | null {
  if (!Array.isArray(records)) return null;
  const texts: string[] = [];
  for (const record of records as unknown[]) {
    if (typeof record === 'string') texts.push(record);
    else if (Array.isArray(record) && record.every((part) => typeof part === 'string')) texts.push((record as string[]).join(''));
    else return null;
  }
  return texts;
}

/** Splits a record into its fields; `version` is the literal, case-sensitive first field. */
export function splitTxtFields(record: string, version: string): TxtFieldsResult {
  if (typeof record !== 'string' || typeof version !== 'string') return { ok: false, reason: 'it is not text' };
  if (NON_ASCII.test(record)) return { ok: false, reason: 'it contains characters outside US-ASCII' };
  if (!record.startsWith(version)) return { ok: false, reason: `it does not begin with "${version}"` };
  const parts = record.slice(version.length).split(';');
  if (parts.length === 1) {
    return { ok: false, reason: parts[0] === '' ? `it has no field after "${version}"` : `"${version}" is not followed by ";"` };
  }
  if (!isOnlyWsp(parts[0] ?? '')) return { ok: false, reason: `"${version}" is not followed by ";"` };
  const fields: TxtField[] = [];
  for (let i = 1; i < parts.length; i++) {
    const isLast = i === parts.length - 1;
    // WSP before a ";" and after it belongs to the delimiter; after the last field there is no
    // delimiter unless the record ends with ";", so trailing WSP there is outside the grammar.
    const segment = trimWsp(parts[i] ?? '', true, !isLast);
    if (segment === '') {
      if (isLast && fields.length > 0) break; // the optional trailing delimiter
      return { ok: false, reason: fields.length === 0 && isLast ? `it has no field after "${version}"` : 'it has an empty field (";;")' };
    }
    const equals = segment.indexOf('=');
    const name = equals > 0 && equals <= 32 ? segment.slice(0, equals) : '';
    if (!FIELD_NAME.test(name)) return { ok: false, reason: `the field ${JSON.stringify(segment.slice(0, 40))} is malformed` };
    fields.push({ name, value: segment.slice(equals + 1) });
  }
  return { ok: true, fields };
}

/** sts-ext-value / tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): no SP, ";", "=" or CTL. */
export const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
