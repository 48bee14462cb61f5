// The fuzzing properties of every public parser and of the DoH wire decoder: never throw, give a
// well-formed result, and never give anything that could make a domain `protected` out of
// garbage. The unit tests run each a few hundred times; `npm run fuzz` (scripts/fuzz.ts) runs the
// same properties with ≥ 10^6 inputs in total.
import fc from 'fast-check';
import { domainOfAddressOrDomain, normalizeDomain, parseRecipient } from '../../../src/core/address.ts';
import { assessDomain } from '../../../src/core/assess.ts';
import { isUsableTlsa } from '../../../src/core/dane/tlsa.ts';
import { createDohResolver } from '../../../src/core/dns/doh.ts';
import { normalizeName } from '../../../src/core/dns/names.ts';
import { decodeResponse, readRecord } from '../../../src/core/dns/wire.ts';
import { interpretMx } from '../../../src/core/mx.ts';
import { createPolicyMatcher, isValidMxPattern, mxMatchesPattern, normalizeMxHost, policyMatches } from '../../../src/core/mta-sts/match.ts';
import { MAX_AGE_LIMIT, parseMtaStsPolicy } from '../../../src/core/mta-sts/policy.ts';
import { parseMtaStsRecords } from '../../../src/core/mta-sts/record.ts';
import { parseTlsRptRecords } from '../../../src/core/tls-rpt/record.ts';
import type { Diagnostic, DnsResult, FetchLike, RRType, TlsaRecord } from '../../../src/core/types.ts';
import { addressText, hostName, hostileText, junk, mutate, mxPattern, mxResult, policyText, rrType, txtRecords, validResponse, wireBytes, wireDomain } from './arbitraries.ts';

export class PropertyViolation extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new PropertyViolation(message);
}

function wellFormedDiagnostics(list: unknown, prefix: RegExp): void {
  check(Array.isArray(list), 'warnings is an array');
  for (const d of list as Diagnostic[]) wellFormedDiagnostic(d, prefix);
}

function wellFormedDiagnostic(d: Diagnostic, prefix: RegExp): void {
  check(typeof d === 'object' && d !== null, 'a diagnostic is an object');
  check(typeof d.code === 'string' && prefix.test(d.code), `diagnostic code ${String(d.code)} matches ${prefix}`);
  check(typeof d.message === 'string' && d.message.length > 0, 'a diagnostic has a message');
}

const LDH_DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export interface FuzzProperty {
  name: string;
  /** A fresh property (fast-check properties keep state between runs). */
  build(): fc.IRawProperty<unknown>;
  /** Runs inside `npm test`, and in `npm run fuzz`. */
  runs: { test: number; fuzz: number };
}

const sync = <T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => void, runs: FuzzProperty['runs']): FuzzProperty => ({
  name,
  build: () => fc.property(arb, (value) => {
    predicate(value);
  }) as fc.IRawProperty<unknown>,
  runs,
});

const async = <T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, runs: FuzzProperty['runs']): FuzzProperty => ({
  name,
  build: () => fc.asyncProperty(arb, predicate) as fc.IRawProperty<unknown>,
  runs,
});

// ---------------------------------------------------------------------------------------------

const stsRecords = sync('parseMtaStsRecords', txtRecords, (records) => {
  const result = parseMtaStsRecords(records as never);
  if (result.ok) {
    check(/^[A-Za-z0-9]{1,32}$/.test(result.id), `id ${result.id} is 1-32 letters or digits`);
    wellFormedDiagnostics(result.warnings, /^mta-sts\.record\./);
    check(Array.isArray(records), 'ok only for an array of records');
  } else {
    wellFormedDiagnostic(result.error, /^mta-sts\.record\./);
  }
}, { test: 400, fuzz: 150_000 });

const stsPolicy = sync('parseMtaStsPolicy', fc.oneof({ weight: 9, arbitrary: policyText }, { weight: 1, arbitrary: junk }), (body) => {
  const result = parseMtaStsPolicy(body as never);
  if (result.ok) {
    const { policy } = result;
    check(typeof body === 'string' && !body.startsWith('\uFEFF'), 'ok only for text without a BOM');
    check(policy.version === 'STSv1', 'version STSv1');
    check(['enforce', 'testing', 'none'].includes(policy.mode), `mode ${policy.mode}`);
    check(Number.isInteger(policy.maxAge) && policy.maxAge >= 0 && policy.maxAge <= MAX_AGE_LIMIT, `max_age ${policy.maxAge}`);
    check(Array.isArray(policy.mx) && policy.mx.every((p) => typeof p === 'string'), 'mx is a list of strings');
    check(policy.mode === 'none' || policy.mx.some(isValidMxPattern), 'enforce/testing has a valid pattern');
    wellFormedDiagnostics(result.warnings, /^mta-sts\.policy\./);
  } else {
    wellFormedDiagnostic(result.error, /^mta-sts\.policy\.(invalid|bom)$/);
  }
}, { test: 400, fuzz: 150_000 });

const matching = sync('mxMatchesPattern / policyMatches / createPolicyMatcher', fc.tuple(fc.array(fc.oneof({ weight: 9, arbitrary: mxPattern }, { weight: 1, arbitrary: junk }), { maxLength: 5 }), fc.oneof({ weight: 9, arbitrary: hostName }, { weight: 1, arbitrary: junk })), ([patterns, host]) => {
  for (const pattern of patterns) {
    const matched = mxMatchesPattern(pattern as never, host as never);
    check(typeof matched === 'boolean', 'a boolean');
    if (matched) check(isValidMxPattern(pattern as never) && normalizeMxHost(host as never) !== null, 'only a valid pattern matches a valid host');
  }
  const policy = { mx: patterns as string[] };
  const first = policyMatches(policy, host as never);
  check(first === null || patterns.includes(first), 'policyMatches returns one of the patterns');
  check(createPolicyMatcher(policy)(host as never) === first, 'the compiled matcher agrees with policyMatches');
}, { test: 400, fuzz: 150_000 });

const tlsRpt = sync('parseTlsRptRecords', txtRecords, (records) => {
  const result = parseTlsRptRecords(records as never);
  if (result.ok) {
    check(result.rua.every((uri) => typeof uri === 'string' && /^(mailto|https):/i.test(uri)), 'only usable URIs in rua');
    wellFormedDiagnostics(result.warnings, /^tls-rpt\./);
  } else {
    wellFormedDiagnostic(result.error, /^tls-rpt\.record\./);
  }
}, { test: 400, fuzz: 150_000 });

const addresses = sync('normalizeDomain / parseRecipient / domainOfAddressOrDomain', fc.oneof({ weight: 9, arbitrary: addressText }, { weight: 1, arbitrary: junk }), (input) => {
  for (const parse of [normalizeDomain, parseRecipient, domainOfAddressOrDomain]) {
    const result = parse(input as never);
    if (result.ok) {
      check(LDH_DOMAIN.test(result.domain), `domain ${result.domain} is lower-case LDH A-labels`);
      check(!/^[0-9]+$/.test(result.domain.slice(result.domain.lastIndexOf('.') + 1)), 'no numeric TLD');
      check(typeof result.display === 'string', 'display is text');
      if ('address' in result) check(String(result.address).endsWith(`@${result.domain}`), 'address ends in the domain');
    } else {
      wellFormedDiagnostic(result.error, /^address\./);
    }
  }
}, { test: 300, fuzz: 100_000 });

const tlsa = sync('TLSA: readRecord and isUsableTlsa', fc.oneof(fc.uint8Array({ maxLength: 80 }), junk), (data) => {
  const record = readRecord('TLSA', { type: 'TLSA', name: 'x', data } as never);
  if (!(data instanceof Uint8Array) || data.length < 3) {
    check(record === null, 'short or non-binary RDATA is malformed');
    check(isUsableTlsa(data as never) === false, 'garbage is never usable');
    return;
  }
  check(record !== null, 'RDATA of three octets or more is read');
  const r = record as TlsaRecord;
  check([r.usage, r.selector, r.matchingType].every((n) => Number.isInteger(n) && n >= 0 && n <= 255), 'parameters are octets');
  check(r.data.length === 2 * (data.length - 3) && /^[0-9a-f]*$/.test(r.data), 'association data is lower-case hex');
  if (isUsableTlsa(r)) check([2, 3].includes(r.usage) && [0, 1].includes(r.selector) && [0, 1, 2].includes(r.matchingType), 'usable only with DANE-TA/EE, Cert/SPKI, Full/SHA2');
}, { test: 300, fuzz: 100_000 });

const mx = sync('interpretMx', mxResult, (result) => {
  const mx = interpretMx(result as unknown as DnsResult<'MX'>, 'example.org');
  check(['hosts', 'null-mx', 'nxdomain', 'failed'].includes(mx.kind), `kind ${mx.kind}`);
  if (mx.kind !== 'hosts') return;
  const seen = new Set<string>();
  let last = -1;
  for (const h of mx.hosts) {
    check(normalizeName(h.host).ok && h.host === h.host.toLowerCase(), `host ${h.host} is a valid lower-case DNS name`);
    check(!seen.has(h.host), 'hosts are unique');
    seen.add(h.host);
    check(Number.isInteger(h.preference) && h.preference >= last && h.preference <= 65535, 'sorted by preference');
    last = h.preference;
  }
  for (const h of mx.invalid ?? []) check(typeof h.host === 'string' && h.host.length <= 80, 'invalid names are capped');
  check(mx.warnings.length <= 3, 'warnings are aggregated');
}, { test: 300, fuzz: 100_000 });

const wire = sync('decodeResponse (random and mutated messages)', wireBytes, (bytes) => {
  const decoded = decodeResponse(bytes);
  if (!decoded.ok) {
    check(typeof decoded.error === 'string' && decoded.error.length > 0, 'an error says why');
    return;
  }
  const m = decoded.message;
  check(Number.isInteger(m.rcode) && m.rcode >= 0 && m.rcode <= 4095, `rcode ${m.rcode}`);
  check(typeof m.authenticData === 'boolean' && typeof m.truncated === 'boolean', 'flags are booleans');
  for (const q of m.questions) check(typeof q.name === 'string' && /^[\x21-\x7e]*$/.test(q.name), `question name ${q.name} is printable`);
  for (const a of m.answers) check(typeof a.name === 'string' && /^[\x21-\x7e]*$/.test(a.name), `answer owner ${a.name} is printable`);
  for (const a of [...m.answers, ...m.authorities]) check(a.class === 'IN', 'records are class IN');
  for (const e of m.ede) check(Number.isInteger(e.code) && (e.text === undefined || (e.text.length <= 200 && ![...e.text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))), 'EDE is capped and printable');
}, { test: 600, fuzz: 200_000 });

// The resolver end to end: each response is a valid answer to the very question asked, possibly
// mutated, so the strict checks are reached, not just the echo check.
const resolverRuns = async('DoH resolver over hostile responses', fc.tuple(wireDomain, rrType, fc.array(fc.record({ op: fc.constantFrom('flip', 'set', 'truncate', 'insert', 'delete', 'duplicate'), at: fc.nat(), value: fc.nat(255) }), { maxLength: 2 }), fc.integer({ min: 0, max: 1_000_000 })), async ([name, type, mutations, seed]) => {
  const fetch: FetchLike = async (url) => {
    const param = new URL(url).searchParams.get('dns') ?? '';
    const query = decodeResponse(new Uint8Array(Buffer.from(param, 'base64url')));
    const q = query.ok ? query.message.questions[0] : undefined;
    const [bytes] = fc.sample(validResponse(fc.constant(q?.name ?? name), fc.constant((q?.type ?? type) as RRType)), { seed, numRuns: 1 });
    return new Response(mutate(bytes as Uint8Array, mutations as never) as unknown as BodyInit, { status: 200, headers: { 'content-type': 'application/dns-message' } });
  };
  const result = await createDohResolver({ urls: ['https://r.test/dns-query'], fetch, timeoutMs: 1000 }).query(name, type);
  check(['answer', 'nodata', 'nxdomain', 'servfail', 'timeout', 'error'].includes(result.outcome), `outcome ${result.outcome}`);
  check(typeof result.secure === 'boolean' && Array.isArray(result.records) && Array.isArray(result.cnames), 'shape');
  check(Number.isInteger(result.ttl) && result.ttl >= 0, `ttl ${result.ttl}`);
  check(!(result.error ?? '').includes('unexpectedly'), `no internal exception: ${result.error}`);
  if (result.outcome === 'answer') check(result.records.length > 0, 'an answer has records');
  else check(result.records.length === 0, 'no records without an answer');
  if (['servfail', 'timeout', 'error'].includes(result.outcome)) check(!result.secure && typeof result.error === 'string', 'a failure is insecure and says why');
}, { test: 150, fuzz: 40_000 });

// Garbage from the resolver can never make a domain protected.
const noProtectedFromGarbage = async('assessDomain over a resolver sending noise', fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }), async (replies) => {
  let i = 0;
  const fetch: FetchLike = async (url) => {
    if (!url.includes('dns=')) throw new TypeError('no policy host here');
    const body = replies[i++ % replies.length] as Uint8Array;
    return new Response(body as unknown as BodyInit, { status: 200, headers: { 'content-type': 'application/dns-message' } });
  };
  const resolver = createDohResolver({ urls: ['https://r.test/dns-query'], fetch, timeoutMs: 1000 });
  const assessment = await assessDomain('example.org', { resolver, fetch, now: () => 1_800_000_000_000 });
  check(assessment.level !== 'protected', `never protected from noise (got ${assessment.level})`);
  check(assessment.reasons.length > 0, 'a reason is given');
}, { test: 40, fuzz: 10_000 });

// Hostile strings where text is expected (the parsers' text entry points directly).
const hostileStrings = sync('every parser on raw hostile strings', hostileText, (text) => {
  parseMtaStsPolicy(text);
  parseMtaStsRecords([text]);
  parseTlsRptRecords([text]);
  mxMatchesPattern(text, text);
  normalizeDomain(text);
  parseRecipient(text);
}, { test: 300, fuzz: 100_000 });

export const PROPERTIES: FuzzProperty[] = [stsRecords, stsPolicy, matching, tlsRpt, addresses, tlsa, mx, wire, resolverRuns, noProtectedFromGarbage, hostileStrings];
