// The tag-list shape shared by the MTA-STS TXT record (RFC 8461 s3.1) and the TLS-RPT TXT record
// (RFC 8460 s3):
//   record      = version 1*(field-delim field) [field-delim]
//   field-delim = *WSP ";" *WSP
//   field       = name "=" value
//   name        = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
// No field value of either grammar may contain ";", so splitting on ";" is exact. The value's own
// grammar is checked by the caller.

export interface TxtField {
  name: string;
  value: string;
}

export type TxtFieldsResult = { ok: true; fields: TxtField[] } | { ok: false; reason: string };

const ONLY_WSP = /^[ \t]*$/;
const FIELD = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31})=([^]*)$/;
const NON_ASCII = /[\u0080-\uffff]/;

/** Concatenates one TXT record's character-strings without separators (RFC 8461 s3.1). */
export function joinTxtRecord(record: string | readonly string[]): string {
  return typeof record === 'string' ? record : record.join('');
}

/** Splits a record into its fields; `version` is the literal, case-sensitive first field. */
export function splitTxtFields(record: string, version: string): TxtFieldsResult {
  if (NON_ASCII.test(record)) return { ok: false, reason: 'it contains characters outside US-ASCII' };
  if (!record.startsWith(version)) return { ok: false, reason: `it does not begin with "${version}"` };
  const parts = record.slice(version.length).split(';');
  if (parts.length === 1) {
    return { ok: false, reason: parts[0] === '' ? `it has no field after "${version}"` : `"${version}" is not followed by ";"` };
  }
  if (!ONLY_WSP.test(parts[0] ?? '')) return { ok: false, reason: `"${version}" is not followed by ";"` };
  const fields: TxtField[] = [];
  for (let i = 1; i < parts.length; i++) {
    const isLast = i === parts.length - 1;
    // WSP before a ";" and after it belongs to the delimiter; after the last field there is no
    // delimiter unless the record ends with ";", so trailing WSP there is outside the grammar.
    let segment = (parts[i] ?? '').replace(/^[ \t]+/, '');
    if (!isLast) segment = segment.replace(/[ \t]+$/, '');
    if (segment === '') {
      if (isLast && fields.length > 0) break; // the optional trailing delimiter
      return { ok: false, reason: fields.length === 0 && isLast ? `it has no field after "${version}"` : 'it has an empty field (";;")' };
    }
    const match = FIELD.exec(segment);
    if (!match) return { ok: false, reason: `the field ${JSON.stringify(segment.slice(0, 40))} is malformed` };
    fields.push({ name: match[1] ?? '', value: match[2] ?? '' });
  }
  return { ok: true, fields };
}

/** sts-ext-value / tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): no SP, ";", "=" or CTL. */
export const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;
