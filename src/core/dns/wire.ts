// DNS wire format for DoH (RFC 8484 s4.1, s6) on top of @dnsquery/dns-packet, which works on
// Uint8Array only (no Node Buffer), so the same code runs in a service worker and in Node.
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer, Packet } from '@dnsquery/dns-packet';
import type { MxRecord, RecordData, RRType, TlsaRecord } from '../types.ts';
import { canonicalWireName } from './names.ts';
import { scanMessage, type ExtendedDnsError } from './wire-scan.ts';

/** EDNS0 payload size advertised in the OPT record (DNS Flag Day 2020 value). */
const EDNS_UDP_SIZE = 1232;
const FLAG_RD = 0x0100;
const FLAG_AD = 0x0020; // RFC 6840 s5.7: a query with AD=1 asks for the AD bit in the answer
const FLAG_TC = 0x0200;
const DO_BIT = 0x8000; // RFC 3225: DNSSEC OK, in the OPT record's extended flags

/**
 * A DoH query: ID 0 (RFC 8484 s4.1: cache friendly), RD=1, AD=1, CD never set (it would switch
 * validation off, RFC 4035 s3.2.2), one question of class IN, EDNS0 OPT with DO=1 (RFC 3225 s3;
 * RFC 6840 s5.7-5.8).
 * `name` must already be normalised (names.ts).
 */
export function encodeQuery(name: string, type: RRType, id = 0): Uint8Array {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: FLAG_RD | FLAG_AD,
    questions: [{ type, name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, flags: DO_BIT } as unknown as Answer],
  });
}

/** RFC 4648 s5 base64url without '=' padding, as RFC 8484 s4.1 requires for `?dns=`. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export interface DecodedResponse {
  id: number;
  isResponse: boolean;
  truncated: boolean;
  /** The AD bit, header bit 0x0020 (RFC 4035 s3.2.3). */
  authenticData: boolean;
  /** RCODE, including the EDNS0 extended bits (RFC 6891 s6.1.3). */
  rcode: number;
  questions: { name: string; type: string; class: string }[];
  answers: Answer[];
  authorities: Answer[];
  /** Extended DNS Errors from the OPT record (RFC 8914), in the order sent; usually none. */
  ede: ExtendedDnsError[];
}

/**
 * Decodes a DNS message; any malformation becomes `{ ok: false }`, never an exception. The bytes
 * are first checked strictly (wire-scan.ts), since the decoder alone accepts trailing bytes,
 * RDLENGTHs that do not match their data and labels holding a '.'.
 */
export function decodeResponse(bytes: Uint8Array): { ok: true; message: DecodedResponse } | { ok: false; error: string } {
  if (!(bytes instanceof Uint8Array)) return { ok: false, error: 'The DNS response is not binary data.' };
  const scanned = scanMessage(bytes);
  if (!scanned.ok) return { ok: false, error: `The DNS response is malformed: ${scanned.error}.` };
  let packet: Packet;
  try {
    packet = dnsPacket.decode(bytes);
  } catch (e) {
    return { ok: false, error: `The DNS response could not be decoded (${e instanceof Error ? e.message.slice(0, 80) : 'malformed'}).` };
  }
  const flags = packet.flags ?? 0;
  return {
    ok: true,
    message: {
      id: packet.id ?? 0,
      isResponse: packet.type === 'response',
      truncated: (flags & FLAG_TC) !== 0,
      authenticData: (flags & FLAG_AD) !== 0,
      rcode: scanned.rcode,
      questions: (packet.questions ?? []).map((q) => ({ name: q.name, type: String(q.type), class: String(q.class ?? 'IN') })),
      answers: packet.answers ?? [],
      authorities: packet.authorities ?? [],
      ede: scanned.ede,
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  return null;
}

/**
 * The record data of one answer RR in the contract's shape (types.ts), or null when the RDATA is
 * malformed. TXT character-strings are decoded as UTF-8 with replacement characters: invalid
 * bytes from the network must never crash the engine.
 */
export function readRecord<T extends RRType>(type: T, rr: Answer): RecordData[T] | null {
  const data: unknown = rr.data;
  switch (type) {
    case 'A':
    case 'AAAA':
      return typeof data === 'string' ? (data.toLowerCase() as RecordData[T]) : null;
    case 'CNAME':
      return typeof data === 'string' ? (canonicalWireName(data) as RecordData[T]) : null;
    case 'MX': {
      const mx = data as { preference?: unknown; exchange?: unknown } | null;
      if (!mx || typeof mx.exchange !== 'string' || typeof mx.preference !== 'number') return null;
      // RFC 7505: the null MX's exchange is the root, '.', which the contract spells ''.
      const record: MxRecord = { preference: mx.preference, exchange: mx.exchange === '.' ? '' : canonicalWireName(mx.exchange) };
      return record as RecordData[T];
    }
    case 'TXT': {
      const parts: unknown[] = Array.isArray(data) ? data : [data];
      const strings: string[] = [];
      for (const part of parts) {
        const bytes = asBytes(part);
        if (!bytes) return null;
        strings.push(utf8.decode(bytes));
      }
      return strings as RecordData[T];
    }
    case 'TLSA': {
      // RFC 6698 s2.1: usage, selector, matching type (one octet each), then the association data.
      if (!(data instanceof Uint8Array) || data.length < 3) return null;
      const record: TlsaRecord = { usage: data[0] ?? 0, selector: data[1] ?? 0, matchingType: data[2] ?? 0, data: hex(data.subarray(3)) };
      return record as RecordData[T];
    }
    default:
      return null;
  }
}

/** The negative-caching TTL from an SOA in the authority section (RFC 2308 s5), if present. */
export function negativeTtl(authorities: Answer[]): number | undefined {
  for (const rr of authorities) {
    if (rr.type !== 'SOA') continue;
    const minimum = (rr.data as { minimum?: number }).minimum ?? 0;
    return Math.min(rr.ttl ?? 0, minimum);
  }
  return undefined;
}
