// A Resolver built from declarative answers, for DANE and MX tests. Never touches the network.
//
// Answers are keyed "TYPE name" (the dane-discovery.json `query` form). A query with no entry
// answers NODATA without the AD bit: a name the scenario does not mention has nothing to say.

import type { DnsOutcome, DnsResult, MxRecord, RRType, RecordData, Resolver, TlsaRecord } from '../../../src/core/types.ts';

export interface FakeAnswer {
  rcode?: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT' | 'ERROR';
  ad?: boolean;
  /** Presentation-format RRs: "owner. TYPE data". CNAME lines become `cnames`. */
  answer?: string[];
  ttl?: number;
  /** RFC 8914 INFO-CODE the resolver sends with its answer (a SERVFAIL's reason). */
  ede?: number;
  /** The `error` text of a failed lookup. */
  error?: string;
}

export interface FakeResolver extends Resolver {
  /** Every query, in the order it was made: "TYPE name". */
  calls: string[];
}

const SHA256 = 'ab'.repeat(32);
const SHA512 = 'cd'.repeat(64);

function parseData<T extends RRType>(type: T, data: string): RecordData[T] {
  const fields = data.trim().split(/\s+/);
  switch (type) {
    case 'MX': {
      const exchange = (fields[1] ?? '').toLowerCase().replace(/\.$/, '');
      return { preference: Number(fields[0]), exchange } satisfies MxRecord as RecordData[T];
    }
    case 'TLSA': {
      const raw = fields.slice(3).join('');
      const hex = raw === '<sha256>' ? SHA256 : raw === '<sha512>' ? SHA512 : raw.toLowerCase();
      return { usage: Number(fields[0]), selector: Number(fields[1]), matchingType: Number(fields[2]), data: hex } satisfies TlsaRecord as RecordData[T];
    }
    case 'TXT':
      return [data] as RecordData[T];
    default:
      return data.trim().toLowerCase().replace(/\.$/, '') as RecordData[T];
  }
}

export function toResult<T extends RRType>(name: string, type: T, answer: FakeAnswer | undefined): DnsResult<T> {
  const base = { name, type, records: [] as RecordData[T][], cnames: [] as string[], ttl: answer?.ttl ?? 300, ...(answer?.ede !== undefined ? { ede: { code: answer.ede } } : {}) };
  if (!answer) return { ...base, outcome: 'nodata', secure: false };
  const rcode = answer.rcode ?? 'NOERROR';
  if (rcode === 'TIMEOUT') return { ...base, outcome: 'timeout', secure: false, ttl: 0, error: answer.error ?? 'timed out' };
  if (rcode === 'ERROR') return { ...base, outcome: 'error', secure: false, ttl: 0, error: answer.error ?? 'HTTP 500' };
  // A validating resolver never sets AD on SERVFAIL (RFC 4035 s3.2.3), whatever the scenario says.
  if (rcode === 'SERVFAIL') return { ...base, outcome: 'servfail', secure: false, ttl: 0, ...(answer.error ? { error: answer.error } : {}) };
  const secure = answer.ad === true;
  if (rcode === 'NXDOMAIN') return { ...base, outcome: 'nxdomain', secure };
  for (const line of answer.answer ?? []) {
    const match = /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!match) throw new Error(`fake resolver: cannot parse "${line}"`);
    const [, , rrType, data = ''] = match;
    if (rrType === 'CNAME' && type !== 'CNAME') base.cnames.push(data.trim().toLowerCase().replace(/\.$/, ''));
    else if (rrType === type) base.records.push(parseData(type, data));
  }
  const outcome: DnsOutcome = base.records.length > 0 ? 'answer' : 'nodata';
  return { ...base, outcome, secure };
}

/**
 * `answers` maps "TYPE name" to an answer. `gate`, when given, holds every answer until it
 * resolves, so a test can look at which queries were made before any answer arrived.
 */
export function fakeResolver(answers: Record<string, FakeAnswer>, gate?: Promise<void>): FakeResolver {
  const calls: string[] = [];
  return {
    calls,
    async query<T extends RRType>(name: string, type: T, signal?: AbortSignal): Promise<DnsResult<T>> {
      const key = `${type} ${name}`;
      calls.push(key);
      if (gate) await gate;
      if (signal?.aborted) throw signal.reason;
      return toResult(name, type, answers[key]);
    },
  };
}

/** The `dns[]` array of a dane-discovery.json vector as fakeResolver answers. */
export function answersFromVector(dns: { query: string; rcode: string; ad: boolean; answer?: string[]; ede?: number }[]): Record<string, FakeAnswer> {
  const answers: Record<string, FakeAnswer> = {};
  for (const entry of dns) {
    const answer: FakeAnswer = { rcode: entry.rcode as FakeAnswer['rcode'], ad: entry.ad };
    if (entry.answer) answer.answer = entry.answer;
    if (entry.ede !== undefined) answer.ede = entry.ede;
    answers[entry.query] = answer;
  }
  return answers;
}
