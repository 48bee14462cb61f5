import { describe, expect, it } from 'vitest';
import * as dnsPacket from '@dnsquery/dns-packet';
import vectors from '../../vectors/doh-wire.json' with { type: 'json' };
import { base64url, encodeQuery } from '../../../src/core/dns/index.ts';
import { decodeResponse, readRecord } from '../../../src/core/dns/wire.ts';
import type { RRType } from '../../../src/core/types.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('encodeQuery and base64url (RFC 8484 s4.1, doh-wire.json)', () => {
  it('reproduces the RFC 8484 s4.1.1 GET example with an independent encoder', () => {
    const rfc = vectors.vectors.find((v) => v.note.startsWith('RFC 8484'));
    expect(rfc).toBeDefined();
    const bytes = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name: 'www.example.com' }] });
    expect(hex(bytes)).toBe(rfc?.wire_hex);
    expect(base64url(bytes)).toBe('AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB');
  });

  it.each(vectors.vectors)('base64url of $qname $qtype_name ($note) has no padding and matches', (vector) => {
    const bytes = new Uint8Array(Buffer.from(vector.wire_hex, 'hex'));
    expect(base64url(bytes)).toBe(vector.dns_param_base64url);
    expect(base64url(bytes)).not.toContain('=');
  });

  it.each(vectors.vectors.filter((v) => v.edns_do))('encodes the AD=1, DO=1 query for $qname $qtype_name byte for byte', (vector) => {
    expect(hex(encodeQuery(vector.qname, vector.qtype_name as RRType))).toBe(vector.wire_hex);
  });

  it('never sets CD and always asks for DNSSEC (AD=1, EDNS0 DO=1, UDP 1232)', () => {
    const packet = dnsPacket.decode(encodeQuery('_25._tcp.mx.example', 'TLSA'));
    expect(packet.flag_cd).toBe(false);
    expect(packet.flag_ad).toBe(true);
    expect(packet.flag_rd).toBe(true);
    const opt = packet.additionals?.[0] as unknown as { type: string; udpPayloadSize: number; flag_do: boolean };
    expect(opt.type).toBe('OPT');
    expect(opt.udpPayloadSize).toBe(1232);
    expect(opt.flag_do).toBe(true);
  });

  it('puts the given id in the header', () => {
    expect(hex(encodeQuery('example.com', 'MX', 0xabcd)).slice(0, 4)).toBe('abcd');
  });
});

describe('decodeResponse and readRecord', () => {
  it('reports malformed bytes instead of throwing', () => {
    const result = decodeResponse(new Uint8Array([1, 2, 3]));
    expect(result.ok).toBe(false);
  });

  it('decodes TXT with invalid UTF-8 using replacement characters', () => {
    const record = readRecord('TXT', { type: 'TXT', name: 'x', data: [new Uint8Array([0x76, 0xff, 0xfe, 0x3d])] });
    expect(record).toEqual(['v\uFFFD\uFFFD=']);
  });

  it('rejects a TLSA RDATA shorter than its three fixed octets', () => {
    expect(readRecord('TLSA', { type: 'TLSA', name: 'x', data: new Uint8Array([3, 1]) })).toBeNull();
  });
});
