/**
 * Test zones for the in-process DoH server (doh-server.ts): what a validating recursive resolver
 * would answer, computed from a small JSON description.
 *
 * Fixture format (test/fixtures/zones/*.json, loaded with `loadZone(file)`):
 *
 *   {
 *     "zones": [                                  // DNS zones; the closest enclosing one decides
 *       { "apex": "signed.test", "signed": true },      //   AD=1 for names in it
 *       { "apex": "plain.test", "signed": false },      //   AD=0
 *       { "apex": "bogus.test", "signed": "bogus" }     //   SERVFAIL + EDE 6 for every name (DNSSEC-bogus)
 *     ],
 *     "ttl": 300,                                 // default record TTL (optional, 300)
 *     "negativeTtl": 60,                          // SOA TTL and minimum for denials (optional, 60)
 *     "records": {                                // owner name -> type -> values (presentation-like)
 *       "signed.test": { "MX": ["10 mx1.signed.test", "20 mx2.signed.test"] },
 *       "null.test": { "MX": ["0 ."] },                               // RFC 7505 null MX
 *       "_mta-sts.signed.test": { "TXT": ["v=STSv1; id=1"] },         // one record, one string
 *       "multi.signed.test": { "TXT": [["v=STSv1; ", "id=2"]] },      // one record, two strings
 *       "mx1.signed.test": { "A": ["192.0.2.1"], "AAAA": ["2001:db8::1"] },
 *       "_25._tcp.mx1.signed.test": { "TLSA": ["3 1 1 <64 hex digits>"] },
 *       "alias.signed.test": { "CNAME": "mx1.signed.test" },          // string or [string]
 *       "short.signed.test": { "ttl": 30, "A": ["192.0.2.9"] }        // per-owner TTL
 *     },
 *     "servfail": ["broken.signed.test"],         // SERVFAIL without an EDE (a resolver problem) for these exact names
 *     "bogus": ["_25._tcp.mx.signed.test"],       // SERVFAIL + EDE 6 "DNSSEC Bogus" (RFC 8914) for these exact names
 *     "hang": ["slow.signed.test"],               // never answered (connection held open)
 *     "insecure": ["unsigned.signed.test"]        // AD=0 at and below these names (an unsigned
 *   }                                             //   delegation inside a signed zone)
 *
 * TXT values: an array of records; a record is one string (split into 255-octet
 * character-strings when longer) or an array of character-strings. A lone string is one record.
 * Answers: records of the asked type; a CNAME at the name is answered with the CNAME plus the
 * target's records when the target is in a known zone (only the CNAME otherwise, so the client
 * re-queries the target); NODATA with the zone's SOA for existing names, the apex and empty
 * non-terminals; NXDOMAIN (with SOA) for other names in a zone and for names outside every zone.
 */
import { readFileSync } from 'node:fs';
import type { Answer } from '@dnsquery/dns-packet';

export type ZoneSigning = boolean | 'bogus';

export interface ZoneApex {
  apex: string;
  signed: ZoneSigning;
}

export type TxtValue = string | string[];

export interface RecordSet {
  ttl?: number;
  A?: string[];
  AAAA?: string[];
  CNAME?: string | string[];
  MX?: string[];
  TXT?: TxtValue | TxtValue[];
  TLSA?: string[];
}

export interface Zone {
  zones: ZoneApex[];
  records: Record<string, RecordSet>;
  ttl?: number;
  negativeTtl?: number;
  servfail?: string[];
  /** Exact names whose data fails DNSSEC validation: SERVFAIL with Extended DNS Error 6. */
  bogus?: string[];
  hang?: string[];
  insecure?: string[];
}

export const DEFAULT_TTL = 300;
export const DEFAULT_NEGATIVE_TTL = 60;
const MAX_CNAME_CHASE = 8;

export const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;
/** RFC 8914 INFO-CODE a validating resolver sends with the SERVFAIL for bogus data. */
export const EDE_DNSSEC_BOGUS = 6;

export type ZoneAnswer =
  | { kind: 'hang' }
  | { kind: 'answer'; rcode: number; authenticData: boolean; answers: Answer[]; authorities: Answer[]; ede?: number };

function canon(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function isAtOrBelow(name: string, ancestor: string): boolean {
  return name === ancestor || name.endsWith(`.${ancestor}`);
}

/** Reads a zone fixture (see the format above) and checks its shape. */
export function loadZone(file: string): Zone {
  const zone = JSON.parse(readFileSync(file, 'utf8')) as Zone;
  checkZone(zone);
  return zone;
}

/** Throws a readable error when `zone` does not follow the format. */
export function checkZone(zone: Zone): void {
  if (!zone || !Array.isArray(zone.zones) || typeof zone.records !== 'object' || zone.records === null) {
    throw new Error('A zone needs "zones" (array) and "records" (object).');
  }
  for (const z of zone.zones) {
    if (typeof z.apex !== 'string' || !(z.signed === true || z.signed === false || z.signed === 'bogus')) {
      throw new Error(`Bad zone entry ${JSON.stringify(z)}: needs "apex" and "signed": true | false | "bogus".`);
    }
  }
  for (const [owner, set] of Object.entries(zone.records)) {
    for (const [type, value] of Object.entries(set)) {
      if (type === 'ttl') continue;
      if (!['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'TLSA'].includes(type)) throw new Error(`Unsupported type ${type} at ${owner}.`);
      // Build once to surface malformed values when the fixture is loaded, not mid-test.
      rrsFor(owner, type, value, 0);
    }
  }
}

/**
 * Lookup tables for one zone object, built on first use: a world with thousands of owners (the
 * hostile corpus) would otherwise scan every owner and zone on every query. Zones are not
 * mutated after they are handed to the server (setZone takes a new object).
 */
interface ZoneIndex {
  /** Canonical owner -> its record set (the first owner spelled that way wins). */
  sets: Map<string, RecordSet>;
  /** Every owner and every ancestor of an owner (empty non-terminals, RFC 8020 s2). */
  existing: Set<string>;
  /** Canonical apex -> zone (the first listed wins). */
  apexes: Map<string, ZoneApex>;
  servfail: Set<string>;
  bogus: Set<string>;
  hang: Set<string>;
  insecure: string[];
}

const indexes = new WeakMap<Zone, ZoneIndex>();

/** Drops what was indexed of `zone`: callers that change a zone in place call this before using it again. */
export function zoneChanged(zone: Zone): void {
  indexes.delete(zone);
}

function indexOf(zone: Zone): ZoneIndex {
  let index = indexes.get(zone);
  if (index) return index;
  const sets = new Map<string, RecordSet>();
  const existing = new Set<string>();
  for (const [owner, set] of Object.entries(zone.records)) {
    const name = canon(owner);
    if (!sets.has(name)) sets.set(name, set);
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) existing.add(labels.slice(i).join('.'));
  }
  const apexes = new Map<string, ZoneApex>();
  for (const z of zone.zones) if (!apexes.has(canon(z.apex))) apexes.set(canon(z.apex), z);
  index = {
    sets,
    existing,
    apexes,
    servfail: new Set((zone.servfail ?? []).map(canon)),
    bogus: new Set((zone.bogus ?? []).map(canon)),
    hang: new Set((zone.hang ?? []).map(canon)),
    insecure: (zone.insecure ?? []).map(canon),
  };
  indexes.set(zone, index);
  return index;
}

/** The closest enclosing zone: the longest apex that `name` is at or below. */
function closestZone(zone: Zone, name: string): ZoneApex | undefined {
  const { apexes } = indexOf(zone);
  for (let at = name; ; ) {
    const found = apexes.get(at);
    if (found) return found;
    const dot = at.indexOf('.');
    if (dot < 0) return undefined;
    at = at.slice(dot + 1);
  }
}

function findSet(zone: Zone, name: string): RecordSet | undefined {
  return indexOf(zone).sets.get(name);
}

function nameExists(zone: Zone, name: string): boolean {
  const index = indexOf(zone);
  // The apex, an owner at the name, or an owner below it (an empty non-terminal, RFC 8020 s2).
  return index.apexes.has(name) || index.existing.has(name);
}

const encoder = new TextEncoder();

function characterStrings(text: string): Uint8Array[] {
  const bytes = encoder.encode(text);
  if (bytes.length === 0) return [new Uint8Array(0)];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(bytes.subarray(i, i + 255));
  return out;
}

function hexBytes(hex: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`Bad hex "${hex}".`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function rrsFor(owner: string, type: string, value: unknown, ttl: number): Answer[] {
  const base = { name: owner, ttl, class: 'IN' as const };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
  switch (type) {
    case 'A':
    case 'AAAA':
      return list(value).map((data) => ({ ...base, type, data: String(data) }) as Answer);
    case 'CNAME':
      return list(value).map((data) => ({ ...base, type: 'CNAME', data: canon(String(data)) }) as Answer);
    case 'MX':
      return list(value).map((data) => {
        const match = /^\s*(\d+)\s+(\S+)\s*$/.exec(String(data));
        if (!match) throw new Error(`Bad MX "${String(data)}" at ${owner}: expected "<preference> <exchange>".`);
        const exchange = match[2] === '.' ? '.' : canon(match[2] ?? '');
        return { ...base, type: 'MX', data: { preference: Number(match[1]), exchange } } as Answer;
      });
    case 'TXT': {
      const records: TxtValue[] = typeof value === 'string' ? [value] : (value as TxtValue[]);
      return records.map((record) => {
        const strings = typeof record === 'string' ? characterStrings(record) : record.map((s) => encoder.encode(s));
        return { ...base, type: 'TXT', data: strings } as Answer;
      });
    }
    case 'TLSA':
      return list(value).map((data) => {
        const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-fA-F]*)\s*$/.exec(String(data));
        if (!match) throw new Error(`Bad TLSA "${String(data)}" at ${owner}: expected "<usage> <selector> <matching type> <hex>".`);
        const head = [Number(match[1]), Number(match[2]), Number(match[3])];
        return { ...base, type: 'TLSA', data: new Uint8Array([...head, ...hexBytes(match[4] ?? '')]) } as Answer;
      });
    default:
      return [];
  }
}

function soaFor(zone: Zone, apex: string): Answer {
  const negative = zone.negativeTtl ?? DEFAULT_NEGATIVE_TTL;
  return {
    type: 'SOA',
    name: apex,
    ttl: negative,
    class: 'IN',
    data: { mname: `ns1.${apex}`, rname: `hostmaster.${apex}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: negative },
  };
}

/** What a validating recursive resolver answers for `qname`/`qtype` from this zone data. */
export function resolveInZone(zone: Zone, qname: string, qtype: string): ZoneAnswer {
  const name = canon(qname);
  const index = indexOf(zone);
  if (index.hang.has(name)) return { kind: 'hang' };
  const servfail = index.servfail;
  const bogus = index.bogus;
  const insecure = index.insecure;
  const fail = (ede?: number): ZoneAnswer => ({ kind: 'answer', rcode: RCODE.SERVFAIL, authenticData: false, answers: [], authorities: [], ...(ede === undefined ? {} : { ede }) });

  const answers: Answer[] = [];
  const seen = new Set<string>();
  let authenticData = true;
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_CHASE; hop++) {
    const z = closestZone(zone, current);
    if (!z) {
      // Outside every zone: NXDOMAIN for the name itself; after a CNAME, stop at the alias and
      // let the client ask about the target (it gets NXDOMAIN then).
      if (answers.length === 0) return { kind: 'answer', rcode: RCODE.NXDOMAIN, authenticData: false, answers: [], authorities: [] };
      return { kind: 'answer', rcode: RCODE.NOERROR, authenticData, answers, authorities: [] };
    }
    if (z.signed === 'bogus' || bogus.has(current)) return fail(EDE_DNSSEC_BOGUS);
    if (servfail.has(current)) return fail();
    authenticData &&= z.signed === true && !insecure.some((cut) => isAtOrBelow(current, cut));
    seen.add(current);

    const set = findSet(zone, current);
    const ttl = set?.ttl ?? zone.ttl ?? DEFAULT_TTL;
    if (set?.CNAME !== undefined && qtype !== 'CNAME') {
      const [alias] = rrsFor(current, 'CNAME', set.CNAME, ttl);
      if (!alias) return fail();
      answers.push(alias);
      const target = String(alias.data);
      if (seen.has(target)) return fail(); // a CNAME loop: resolvers answer SERVFAIL
      current = target;
      continue;
    }
    const value = set?.[qtype as keyof RecordSet];
    const rrs = value === undefined ? [] : rrsFor(current, qtype, value, ttl);
    if (rrs.length > 0) return { kind: 'answer', rcode: RCODE.NOERROR, authenticData, answers: [...answers, ...rrs], authorities: [] };
    const rcode = nameExists(zone, current) ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return { kind: 'answer', rcode, authenticData, answers, authorities: [soaFor(zone, canon(z.apex))] };
  }
  return fail();
}
