// The shared vocabulary of the assessment engine. Pure types: every module of src/core, the
// extension, the CLI and the tests speak these.

/** A short, stable, machine-readable code plus one plain sentence for people. */
export interface Diagnostic {
  code: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// DNS

export type RRType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'TLSA';

export interface MxRecord {
  preference: number;
  /** Lower-case, no trailing dot; '' for the null MX ('.'). */
  exchange: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  /** Certificate association data, lower-case hex. */
  data: string;
}

/** TXT: one element per record; each record is its list of character-strings. */
export type TxtRecord = string[];

export interface RecordData {
  A: string;
  AAAA: string;
  CNAME: string;
  MX: MxRecord;
  TXT: TxtRecord;
  TLSA: TlsaRecord;
}

/**
 * How a query ended.
 * - `answer`: NOERROR with at least one record of the asked type (after following CNAMEs).
 * - `nodata`: NOERROR, no record of that type.
 * - `nxdomain`: the name does not exist (RCODE 3).
 * - `servfail`: SERVFAIL or another error RCODE (for DNSSEC: a validation failure).
 * - `timeout`: no resolver answered in time.
 * - `error`: every resolver failed otherwise (HTTP error, malformed response, network).
 */
export type DnsOutcome = 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'timeout' | 'error';

export interface DnsResult<T extends RRType = RRType> {
  name: string;
  type: T;
  outcome: DnsOutcome;
  /** The AD bit of the validating resolver's answer (RFC 4035 s3.2.3; RFC 6840 s5.8). */
  secure: boolean;
  records: RecordData[T][];
  /** Seconds this answer may be cached (smallest answer TTL; SOA minimum for denials). */
  ttl: number;
  /** CNAME targets followed from `name`, in order (lower-case, no trailing dot). */
  cnames: string[];
  /** The resolver URL that answered, when one did. */
  resolver?: string;
  /** A readable reason for `timeout` and `error`. */
  error?: string;
}

/** The six-way classification the verdict logic reasons with. */
export type DnsClass = 'secure' | 'insecure' | 'secure-denial' | 'insecure-denial' | 'nxdomain' | 'servfail' | 'timeout' | 'error';

export interface Resolver {
  query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>>;
}

// ---------------------------------------------------------------------------------------------
// HTTP (injected so the service worker and Node run the same code)

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

// ---------------------------------------------------------------------------------------------
// Verdicts

/** Ordered best to worst, except that `unknown` is never shown as safe (DESIGN.md). */
export type Level = 'protected' | 'encrypted' | 'unverified' | 'misconfigured' | 'undeliverable' | 'unknown';

/** Levels an organisation adds through policy (applied by the extension over core's Level). */
export type OrgLevel = 'internal' | 'required';

/** What the sending side enforces: a sender honours a recipient's MTA-STS and/or DANE. */
export interface SenderCapabilities {
  mtaSts: boolean;
  dane: boolean;
}

export interface Reason extends Diagnostic {
  /** How much this reason weighs on the verdict: `info` explains, `warning` weakens, `error` breaks. */
  severity: 'info' | 'warning' | 'error';
}
