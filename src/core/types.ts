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
 * - `servfail`: RCODE 2 SERVFAIL; a DNSSEC validation failure only when `ede` says so.
 * - `timeout`: no resolver answered in time.
 * - `error`: every resolver failed otherwise (HTTP error, malformed response or an answer that
 *   does not answer the question, network, another error RCODE such as REFUSED).
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
  /** A readable reason for `servfail`, `timeout` and `error`. */
  error?: string;
  /**
   * The Extended DNS Error (RFC 8914) the resolver sent with its answer, when it sent one: for
   * a SERVFAIL, why it failed (DNSSEC-related codes mean the zone is broken).
   */
  ede?: { code: number; text?: string };
}

/** The six-way classification the verdict logic reasons with. */
export type DnsClass = 'secure' | 'insecure' | 'secure-denial' | 'insecure-denial' | 'nxdomain' | 'servfail' | 'timeout' | 'error';

export interface Resolver {
  query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>>;
}

// ---------------------------------------------------------------------------------------------
// HTTP (injected so the service worker and Node run the same code)

/**
 * What InTransit reads of an HTTP response. A WHATWG Response has all of it (the browser's fetch);
 * the Node fetches (src/node) return only this, so that the CLI never loads Node's own fetch
 * classes (undici: ~18 ms of CPU at the start of every run, docs/decisions.md "Command line").
 */
export interface FetchResponse {
  readonly status: number;
  /** 'opaqueredirect' for a browser's manual redirect; Node's fetches give the 3xx itself. */
  readonly type: ResponseType;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<FetchResponse>;

// ---------------------------------------------------------------------------------------------
// Verdicts

/** Ordered best to worst, except that `unknown` is never shown as safe (README.md "What the verdicts mean"). */
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

// ---------------------------------------------------------------------------------------------
// Evidence: what the verdict was built from, for the popup's details and the CLI's --json.

export interface MxHostEvidence {
  host: string;
  preference: number;
  /** The MTA-STS pattern this host matched, null when a policy exists and none matched. */
  mtaStsPattern?: string | null;
  /** Provider id from the providers table, when the host belongs to a known provider. */
  provider?: string;
  /**
   * Set when the MX target is not a valid DNS host name: it is never looked up and no policy can
   * cover it (docs/decisions.md "Engine": MX targets).
   */
  invalidName?: true;
}

export interface MxEvidence {
  /** How the MX query ended (see DnsClass). */
  status: DnsClass;
  /** Usable hosts, lowest preference first. For an implicit MX: the domain itself at 0. */
  hosts: MxHostEvidence[];
  implicit: boolean;
  nullMx: boolean;
}

export type MtaStsMode = 'enforce' | 'testing' | 'none';

export interface MtaStsPolicy {
  version: 'STSv1';
  mode: MtaStsMode;
  mx: string[];
  maxAge: number;
}

export interface MtaStsEvidence {
  /** The `_mta-sts` TXT RRset: absent, one valid record, invalid, or the lookup failed. */
  record: 'absent' | 'valid' | 'invalid' | 'lookup-failed';
  id?: string;
  /**
   * The policy file: `not-checked` when the extension lacks the permission to fetch it,
   * `fetched` / `cached`, `fetch-failed`, `invalid`, or `not-applicable` without a record.
   */
  policy: 'not-checked' | 'fetched' | 'cached' | 'fetch-failed' | 'invalid' | 'not-applicable';
  policyUrl?: string;
  mode?: MtaStsMode;
  mx?: string[];
  maxAge?: number;
  /** Why the fetch or the parse failed, as a diagnostic. */
  problem?: Diagnostic;
  warnings: Diagnostic[];
}

export type DaneHostStatus =
  | 'dane'             // secure, usable TLSA: DANE senders require TLS and pin the certificate
  | 'unusable-tlsa'    // secure TLSA RRset, but no usable record: TLS mandatory, not authenticated
  | 'no-tlsa'          // secure denial of TLSA: no DANE for this host
  | 'insecure'         // the host's address or TLSA answers are not DNSSEC-signed
  | 'dnssec-failure'   // SERVFAIL on a signed zone: DANE senders will skip or defer this host
  | 'lookup-failed';   // timeout or resolver error

export interface DaneHostEvidence {
  host: string;
  status: DaneHostStatus;
  /** The TLSA base name actually queried (CNAME-expanded when the chain is secure). */
  tlsaName?: string;
  usages: number[];
  /** For `lookup-failed` and `dnssec-failure`: which query failed and how, in short. */
  problem?: string;
  /** The Extended DNS Error of that failure, when the resolver sent one (RFC 8914). */
  ede?: { code: number; text?: string };
}

export interface DaneEvidence {
  /** Whether the MX RRset (or the implicit-MX address answer) was DNSSEC-secure. */
  mxSecure: boolean;
  hosts: DaneHostEvidence[];
}

export interface TlsRptEvidence {
  record: 'absent' | 'valid' | 'no-usable-rua' | 'invalid' | 'lookup-failed';
  rua: string[];
}

export interface ProviderEvidence {
  id: string;
  name: string;
  /** Public source of what this provider supports. */
  source: string;
}

export interface Evidence {
  mx: MxEvidence;
  mtaSts: MtaStsEvidence;
  dane: DaneEvidence;
  tlsRpt: TlsRptEvidence;
  /** Set when every MX host belongs to one known provider. */
  provider?: ProviderEvidence;
  /** The sender capabilities the verdict was computed for, when the caller gave them. */
  sender?: SenderCapabilities;
}

export interface Assessment {
  /** The policy domain as queried: lower-case A-labels, no trailing dot. */
  domain: string;
  /** The domain as the user wrote it, when it differs (an IDN in U-labels). */
  displayDomain?: string;
  level: Level;
  /** The mechanism that gives the level, when one does. */
  mechanism?: 'dane' | 'mta-sts' | 'provider';
  /** Most important first. reasons[0] is the one-line explanation. */
  reasons: Reason[];
  evidence: Evidence;
  /** Epoch milliseconds. */
  checkedAt: number;
  expiresAt: number;
}
