// The `_mta-sts.<domain>` TXT RRset (RFC 8461 s3.1):
//   sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
//   sts-version     = %s"v=STSv1"
//   sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
//   sts-extension   = sts-ext-name "=" sts-ext-value
// Decisions (docs/decisions.md "Engine"): records not beginning with the literal "v=STSv1;" are
// discarded (s3.1), except that a set holding one single record may use WSP before the ";"
// (the ABNF allows it; erratum 6285); exactly one record must remain (s3.1); a duplicate id keeps
// the first, with a warning; any other deviation from the ABNF makes the record invalid.
import type { Diagnostic } from '../types.ts';
import { EXT_VALUE, readTxtRecords, splitTxtFields } from './txt-fields.ts';

export type MtaStsRecordResult = { ok: true; id: string; warnings: Diagnostic[] } | { ok: false; error: Diagnostic };

/** Error codes: no STS record at all, more than one, or one that breaks the grammar. */
export const RECORD_NONE = 'mta-sts.record.none';
export const RECORD_MULTIPLE = 'mta-sts.record.multiple';
export const RECORD_INVALID = 'mta-sts.record.invalid';

const VERSION = 'v=STSv1';
const DISCARD_PREFIX = 'v=STSv1;';
const SINGLE_RECORD_PREFIX = /^v=STSv1[ \t]*;/;
const ID = /^[A-Za-z0-9]{1,32}$/;
/** Something that was meant to be an MTA-STS record: reported as invalid rather than absent. */
const LOOKS_LIKE_STS = /^[ \t]*v[ \t]*=[ \t]*sts/i;

export function parseMtaStsRecords(records: readonly (string | readonly string[])[]): MtaStsRecordResult {
  const texts = readTxtRecords(records);
  if (texts === null) return invalid('The TXT records are not text, so no MTA-STS record can be read from them.');
  const warnings: Diagnostic[] = [];
  let candidates = texts.filter((t) => t.startsWith(DISCARD_PREFIX));
  const only = texts.length === 1 ? texts[0] : undefined;
  if (candidates.length === 0 && only !== undefined && SINGLE_RECORD_PREFIX.test(only)) {
    candidates = [only];
    warnings.push({
      code: 'mta-sts.record.space-before-semicolon',
      message: 'The record has a space before the first ";". The grammar allows it, but some senders discard such a record (RFC 8461 erratum 6285).',
    });
  }
  if (candidates.length > 1) {
    return { ok: false, error: { code: RECORD_MULTIPLE, message: `There are ${candidates.length} MTA-STS records; senders ignore MTA-STS unless there is exactly one (RFC 8461 s3.1).` } };
  }
  const discardedSts = texts.filter((t) => !candidates.includes(t) && LOOKS_LIKE_STS.test(t)).length;
  const record = candidates[0];
  if (record === undefined) {
    if (discardedSts > 0) {
      return { ok: false, error: { code: RECORD_INVALID, message: 'The MTA-STS record does not begin with "v=STSv1;", so senders ignore it (RFC 8461 s3.1).' } };
    }
    return { ok: false, error: { code: RECORD_NONE, message: 'The domain publishes no MTA-STS record.' } };
  }
  if (discardedSts > 0) {
    warnings.push({ code: 'mta-sts.record.ignored', message: 'Another TXT record that looks like MTA-STS does not begin with "v=STSv1;" and is ignored.' });
  }

  const split = splitTxtFields(record, VERSION);
  if (!split.ok) return invalid(`The MTA-STS record is invalid: ${split.reason}.`);
  let id: string | undefined;
  for (const field of split.fields) {
    if (!EXT_VALUE.test(field.value)) {
      return invalid(`The MTA-STS record is invalid: the value of "${field.name}" is empty or contains a space, "=" or a control character.`);
    }
    if (field.name !== 'id') continue; // extensions are ignored (RFC 8461 s3.1); "ID" is one
    if (id !== undefined) {
      warnings.push({ code: 'mta-sts.record.duplicate-id', message: `The record has more than one "id"; the first (${id}) is used.` });
      continue;
    }
    if (!ID.test(field.value)) {
      return invalid('The MTA-STS record is invalid: "id" must be 1 to 32 letters or digits.');
    }
    id = field.value;
  }
  if (id === undefined) return invalid('The MTA-STS record is invalid: it has no "id" field.');
  return { ok: true, id, warnings };
}

function invalid(message: string): { ok: false; error: Diagnostic } {
  return { ok: false, error: { code: RECORD_INVALID, message } };
}
