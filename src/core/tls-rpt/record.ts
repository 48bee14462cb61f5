// The `_smtp._tls.<domain>` TXT RRset (RFC 8460 s3):
//   tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//   tlsrpt-version = %s"v=TLSRPTv1"
//   tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//   tlsrpt-uri     = URI (RFC 3986), with ",", "!" and ";" percent-encoded
// Records not beginning with "v=TLSRPTv1;" are discarded and exactly one must remain (s3); as for
// MTA-STS, one single record may have WSP before the ";". Only mailto: and https: are defined
// (s3): a record whose URIs all use other schemes is valid but has no usable rua
// (docs/decisions.md "Engine"). Several rua fields are merged, with a warning.
import type { Diagnostic, DnsResult, Resolver, TlsRptEvidence } from '../types.ts';
import { capText, capWarnings, MAX_LIST } from '../mta-sts/limits.ts';
import { EXT_VALUE, readTxtRecords, splitTxtFields, trimWsp } from '../mta-sts/txt-fields.ts';
import { capAtWord } from '../text.ts';

export type TlsRptRecordResult =
  | { ok: true; /** The usable (mailto:, https:) URIs, in order. */ rua: string[]; warnings: Diagnostic[] }
  | { ok: false; error: Diagnostic };

export const TLSRPT_NONE = 'tls-rpt.record.none';
export const TLSRPT_MULTIPLE = 'tls-rpt.record.multiple';
export const TLSRPT_INVALID = 'tls-rpt.record.invalid';
/** Warning for a URI with a scheme other than mailto/https; with no usable URI left, the evidence is `no-usable-rua`. */
export const TLSRPT_RUA_UNUSABLE = 'tls-rpt.rua.unusable';

const VERSION = 'v=TLSRPTv1';
const DISCARD_PREFIX = 'v=TLSRPTv1;';
const SINGLE_RECORD_PREFIX = /^v=TLSRPTv1[ \t]*;/;
const LOOKS_LIKE_TLSRPT = /^[ \t]*v[ \t]*=[ \t]*tlsrpt/i;
// RFC 3986 URI characters, minus "," "!" ";" (which RFC 8460 requires encoded) and minus "%"
// except as a complete pct-encoded triplet.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~$&'()*+=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

export function parseTlsRptRecords(records: readonly (string | readonly string[])[]): TlsRptRecordResult {
  const texts = readTxtRecords(records);
  if (texts === null) return invalid('The TXT records are not text, so no TLS-RPT record can be read from them.');
  const warnings: Diagnostic[] = [];
  let candidates = texts.filter((t) => t.startsWith(DISCARD_PREFIX));
  const only = texts.length === 1 ? texts[0] : undefined;
  if (candidates.length === 0 && only !== undefined && SINGLE_RECORD_PREFIX.test(only)) {
    candidates = [only];
    warnings.push({ code: 'tls-rpt.record.space-before-semicolon', message: 'The TLS-RPT record has a space before the first ";"; some senders discard such a record.' });
  }
  if (candidates.length > 1) {
    return { ok: false, error: { code: TLSRPT_MULTIPLE, message: `There are ${candidates.length} TLS-RPT records; senders ignore TLS-RPT unless there is exactly one (RFC 8460 s3).` } };
  }
  const record = candidates[0];
  if (record === undefined) {
    if (texts.some((t) => LOOKS_LIKE_TLSRPT.test(t))) return invalid('The TLS-RPT record does not begin with "v=TLSRPTv1;", so senders ignore it (RFC 8460 s3).');
    return { ok: false, error: { code: TLSRPT_NONE, message: 'The domain publishes no TLS-RPT record.' } };
  }

  const split = splitTxtFields(record, VERSION);
  if (!split.ok) return invalid(`The TLS-RPT record is invalid: ${split.reason}.`);
  let uris: string[] | undefined;
  for (const field of split.fields) {
    if (field.name === 'rua') {
      // *WSP "," *WSP between URIs: WSP next to a comma belongs to the separator (a linear split).
      const pieces = field.value.split(',');
      const list = pieces.map((piece, i) => trimWsp(piece, i > 0, i < pieces.length - 1));
      const bad = list.find((uri) => !isUri(uri));
      if (bad !== undefined) {
        return invalid(bad === '' ? 'The TLS-RPT record is invalid: "rua" has an empty URI.' : `The TLS-RPT record is invalid: ${JSON.stringify(capText(bad, 60))} is not a URI (",", "!" and ";" must be percent-encoded).`);
      }
      if (uris !== undefined) warnings.push({ code: 'tls-rpt.rua.repeated', message: 'The record has more than one "rua" field; their URIs are combined.' });
      uris = [...(uris ?? []), ...list];
      continue;
    }
    if (!EXT_VALUE.test(field.value)) {
      return invalid(`The TLS-RPT record is invalid: the value of "${field.name}" is empty or contains a space, "=" or a control character.`);
    }
  }
  if (uris === undefined) return invalid('The TLS-RPT record is invalid: it has no "rua" field.');
  const rua: string[] = [];
  for (const uri of uris) {
    if (isUsableRua(uri)) rua.push(uri);
    else warnings.push({ code: TLSRPT_RUA_UNUSABLE, message: `Reports cannot be sent to ${JSON.stringify(capText(uri, 80))}: only mailto: and https: are defined (RFC 8460 s3).` });
  }
  return { ok: true, rua, warnings };
}

function isUri(text: string): boolean {
  return URI.test(text) && text.split('#').length <= 2;
}

function isUsableRua(uri: string): boolean {
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (scheme === 'mailto') return /^mailto:[^@?]+@[^@?]+/i.test(uri);
  if (scheme !== 'https') return false;
  try {
    return new URL(uri).hostname !== '';
  } catch {
    return false;
  }
}

function invalid(message: string): { ok: false; error: Diagnostic } {
  return { ok: false, error: { code: TLSRPT_INVALID, message } };
}

export interface TlsRptDiscovery {
  evidence: TlsRptEvidence;
  /** Seconds the result may be reused. */
  ttl: number;
  /** Why the record is invalid or the lookup failed. */
  problem?: Diagnostic;
  warnings: Diagnostic[];
}

const LOOKUP_FAILED_TTL = 60;
const MAX_TTL = 86_400;

/** TXT `_smtp._tls.<domain>` (RFC 8460 s3). Never throws. */
export async function discoverTlsRpt(domain: string, deps: { resolver: Resolver; signal?: AbortSignal }): Promise<TlsRptDiscovery> {
  let txt: DnsResult<'TXT'>;
  try {
    txt = await deps.resolver.query(`_smtp._tls.${domain}`, 'TXT', deps.signal);
  } catch (error) {
    return lookupFailed(error instanceof Error ? error.message : String(error));
  }
  const ttl = Math.max(0, Math.min(Math.floor(txt.ttl), MAX_TTL));
  switch (txt.outcome) {
    case 'answer': {
      const parsed = parseTlsRptRecords(txt.records);
      if (!parsed.ok) {
        const record = parsed.error.code === TLSRPT_NONE ? 'absent' : 'invalid';
        return { evidence: { record, rua: [] }, ttl, problem: parsed.error, warnings: [] };
      }
      const rua = parsed.rua.slice(0, MAX_LIST).map((uri) => capText(uri));
      return { evidence: { record: rua.length > 0 ? 'valid' : 'no-usable-rua', rua }, ttl, warnings: capWarnings(parsed.warnings) };
    }
    case 'nodata':
    case 'nxdomain':
      return { evidence: { record: 'absent', rua: [] }, ttl, warnings: [] };
    default:
      return lookupFailed(txt.error ? `${txt.outcome}, ${txt.error}` : txt.outcome);
  }
}

function lookupFailed(detail: string): TlsRptDiscovery {
  return {
    evidence: { record: 'lookup-failed', rua: [] },
    ttl: LOOKUP_FAILED_TTL,
    problem: { code: 'tls-rpt.record.lookup-failed', message: `The TLS-RPT record could not be looked up (${capAtWord(capText(detail, 400), 200)}).` },
    warnings: [],
  };
}
