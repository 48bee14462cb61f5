// fast-check generators for hostile input: random text and bytes, and text and DNS messages that
// are ALMOST right (the grammar's own tokens in random order, valid messages with mutations),
// which reach deeper into the parsers than noise does.
import fc from 'fast-check';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer } from '@dnsquery/dns-packet';
import { join } from 'node:path';
import { encodeQuery } from '../../../src/core/dns/wire.ts';
import { answerQuery } from '../../support/doh-server.ts';
import { loadZone } from '../../support/zone.ts';
import type { RRType } from '../../../src/core/types.ts';
import { CLASS, TYPE, dotted, edeOption, message, opt, question, rdata, rr, wireName } from '../dns/wire-builder.ts';

/** Characters and tokens that matter to some grammar of the engine. */
const TOKENS = [
  ' ', '\t', ';', '=', ':', ',', '\n', '\r', '\r\n', '.', '*', '-', '_', '%', '%2C', '@', '<', '>', '"', '\\', '[', ']', '/', '#', '?', '!',
  'v=STSv1', 'v=STSv1;', 'V=STSv1', 'v=TLSRPTv1', 'v=TLSRPTv1;', 'id=', 'ID=', 'rua=', 'mailto:', 'https://', 'http://', 'ftp:',
  'version', 'mode', 'max_age', 'mx', 'STSv1', 'enforce', 'testing', 'none', '86400', '31557601', '0x10', '1e5', '-1',
  'a', 'Z', '0', '9', 'mail', 'example', 'com', 'xn--', 'bücher', 'ü', '\uFEFF', '\u0000', '\u0001', '\u007f', '\u0085', '\u202e', '\u2028', '\uD800', '😀',
  '[192.0.2.1]', '192.0.2.1', '::1', 'localhost', 'a'.repeat(63), 'b'.repeat(64),
];

export const token = fc.constantFrom(...TOKENS);

/** Random strings of every kind, biased towards the grammar's tokens. */
export const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: token, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t', 'a', ';', ','), minLength: 200, maxLength: 2000 }) },
);

/** Anything at all, for the "never throws on the wrong type" properties. */
export const junk = fc.oneof(fc.anything(), fc.constantFrom(null, undefined, 0, NaN, true, Symbol.for('x'), [null], [[null]], [1], {}, Object.create(null) as object));

/** One field of a tag-list record, with the delimiter before it. */
const taggedField = fc
  .tuple(fc.constantFrom(';', ' ;', '; ', ';;', ' ; '), fc.constantFrom('id', 'rua', 'x', 'ID', '_a', 'a.b'), fc.constantFrom('=', ' =', '= '), hostileText)
  .map((parts) => parts.join(''));
/** A record that starts almost like an MTA-STS or TLS-RPT record. */
const taggedRecord = fc
  .tuple(fc.constantFrom('v=STSv1', 'v=TLSRPTv1', 'v=STSv1 ', ''), fc.array(taggedField, { maxLength: 5 }))
  .map(([version, fields]) => version + fields.join(''));

/** A TXT RRset: records of strings or string arrays, sometimes junk. */
export const txtRecords = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.oneof(hostileText, fc.array(hostileText, { maxLength: 4 })), { maxLength: 4 }) },
  { weight: 4, arbitrary: fc.array(taggedRecord, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: junk },
);

/** A policy file built from lines that are almost fields. */
export const policyText = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(
    fc.constantFrom('', '\uFEFF', ' '),
    fc.array(fc.tuple(fc.constantFrom('version', 'mode', 'max_age', 'mx', 'Mode', 'ext', 'x_y.z', '', ' mode', 'a'.repeat(33)), fc.constantFrom(':', ': ', ' :', ':\t', ''), hostileText), { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n', '\r', '\n\n'),
  ).map(([head, lines, term]) => head + lines.map(([n, sep, v]) => `${n}${sep}${v}`).join(term) + term) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('enforce', 'testing', 'none', 'ENFORCE'), fc.array(hostileText, { maxLength: 4 }), fc.constantFrom('86400', '0', '31557600', '31557601', '1e5', ''))
    .map(([mode, mx, age]) => `version: STSv1\nmode: ${mode}\n${mx.map((m) => `mx: ${m}\n`).join('')}max_age: ${age}\n`) },
  { weight: 2, arbitrary: hostileText },
);

/** Labels for host names: LDH, with '_' and '*', IDN, overlong, empty. */
const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
  fc.constantFrom('*', '_25', 'mx_1', 'xn--bcher-kva', 'bücher', '', 'a'.repeat(63), 'b'.repeat(64), '-a', 'a-', '0x10', '1', 'com', 'ü'),
);
export const hostName = fc.oneof(
  { weight: 4, arbitrary: fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.')) },
  { weight: 1, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom('192.0.2.1', '[2001:db8::1]', '::1', '.', '', 'example.com.', 'EXAMPLE.COM', `${'a.'.repeat(127)}com`) },
);

export const mxPattern = fc.oneof(hostName, hostName.map((h) => `*.${h}`), fc.constantFrom('*', '*.', '.example.com', 'mx*.example.com', 'mail.*.example.com'));

/** An address as a webmail might hand it over. */
export const addressText = fc.oneof(
  fc.tuple(fc.oneof(fc.stringMatching(/^[a-z0-9.+_-]{1,12}$/), hostileText, fc.constantFrom('"a@b"', '"x\\"y"', '')), hostName, fc.constantFrom('', 'Name <', '"Q, R" <'))
    .map(([local, host, display]) => (display ? `${display}${local}@${host}>` : `${local}@${host}`)),
  hostName,
  hostileText,
);

/** MX query results as a resolver might return them (and some no resolver would). */
export const mxResult = fc.record({
  name: fc.constant('example.org'),
  type: fc.constant('MX' as const),
  outcome: fc.constantFrom('answer', 'nodata', 'nxdomain', 'servfail', 'timeout', 'error', 'bogus' as never),
  secure: fc.oneof(fc.boolean(), junk),
  records: fc.oneof(
    fc.array(fc.oneof(
      { weight: 8, arbitrary: fc.record({ preference: fc.oneof(fc.integer({ min: -5, max: 70000 }), junk), exchange: fc.oneof(hostName, junk) }) },
      { weight: 1, arbitrary: junk },
    ), { maxLength: 12 }),
    junk,
  ),
  ttl: fc.integer({ min: 0, max: 86400 }),
  cnames: fc.constant([] as string[]),
});

// ---------------------------------------------------------------------------------------------
// DNS wire messages

const RR_TYPES: RRType[] = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'TLSA'];
export const rrType = fc.constantFrom(...RR_TYPES);

const wireLabel = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.constantFrom('_25', '_tcp', 'mx', 'example', 'org'));
const wireDomain = fc.array(wireLabel, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));

/** One answer record, as dns-packet encodes it. */
const packetAnswer = (owner: fc.Arbitrary<string>) => fc.oneof(
  fc.record({ type: fc.constant('A'), name: owner, ttl: fc.nat(99999), data: fc.ipV4() }),
  fc.record({ type: fc.constant('AAAA'), name: owner, ttl: fc.nat(99999), data: fc.ipV6() }),
  fc.record({ type: fc.constant('CNAME'), name: owner, ttl: fc.nat(99999), data: wireDomain }),
  fc.record({ type: fc.constant('MX'), name: owner, ttl: fc.nat(99999), data: fc.record({ preference: fc.nat(65535), exchange: wireDomain }) }),
  fc.record({ type: fc.constant('TXT'), name: owner, ttl: fc.nat(99999), data: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('TLSA'), name: owner, ttl: fc.nat(99999), data: fc.uint8Array({ minLength: 3, maxLength: 70 }) }),
) as fc.Arbitrary<Answer>;

/** A well-formed response to `qname`/`qtype` (records of the question's name, sometimes others). */
export function validResponse(qname: fc.Arbitrary<string>, qtype: fc.Arbitrary<RRType>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(qname, qtype, fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.boolean(), fc.option(fc.integer({ min: 0, max: 30 }))).chain(([name, type, rcode, ad, withSoa, ede]) =>
    fc.array(packetAnswer(fc.oneof({ weight: 4, arbitrary: fc.constant(name) }, { weight: 1, arbitrary: wireDomain })), { maxLength: 4 }).map((answers) => {
      const bytes = dnsPacket.encode({
        type: 'response',
        id: 0,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (ad ? dnsPacket.AUTHENTIC_DATA : 0) | rcode,
        questions: [{ type, name, class: 'IN' }],
        answers,
        authorities: withSoa ? [{ type: 'SOA', name, ttl: 60, class: 'IN', data: { mname: `ns.${name}`, rname: `h.${name}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 30 } }] : [],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0x8000 } as unknown as Answer],
      });
      if (ede === null) return bytes;
      // The EDE option is appended by hand (the encoder does not copy option data).
      const out = new Uint8Array(bytes.length + 6);
      out.set(bytes.subarray(0, bytes.length - 2));
      out.set([0, 6, 0, 15, 0, 2, 0, ede], bytes.length - 2);
      return out;
    }),
  );
}

/** Messages from the hand builder: the shapes an encoder will not produce. */
const builtMessage = fc.tuple(wireDomain, fc.constantFrom(TYPE.A, TYPE.MX, TYPE.TXT, TYPE.TLSA), fc.nat(3)).map(([name, type, variant]) => {
  const owner = dotted(name);
  const q = question(owner, type);
  switch (variant) {
    case 0:
      return message({ questions: [q], answers: [rr(wireName(name), type, rdata.txt('x'))], additionals: [opt([edeOption(6, 'bogus')])] });
    case 1:
      return message({ questions: [q], answers: [rr(owner, TYPE.MX, rdata.mx(1, wireName('a.b', 'c')), { cls: CLASS.CH })] });
    case 2:
      return message({ questions: [q], answers: [rr(owner, TYPE.A, rdata.a('192.0.2.1'), { rdlength: 9 })], trailing: new Uint8Array([1, 2]) });
    default:
      return message({ rcode: 2, questions: [q], additionals: [opt([edeOption(7, 'x'.repeat(300)), { code: 15, data: new Uint8Array([0]) }])] });
  }
});

type Mutation = { op: 'flip' | 'set' | 'truncate' | 'insert' | 'delete' | 'duplicate'; at: number; value: number };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('flip', 'set', 'truncate', 'insert', 'delete', 'duplicate'),
  at: fc.nat(),
  value: fc.nat(255),
});

export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.op) {
      case 'flip':
        out = out.slice();
        out[at] = (out[at] as number) ^ (1 << (m.value % 8));
        break;
      case 'set':
        out = out.slice();
        out[at] = m.value;
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = new Uint8Array([...out.subarray(0, at), m.value, ...out.subarray(at)]);
        break;
      case 'delete':
        out = new Uint8Array([...out.subarray(0, at), ...out.subarray(at + 1)]);
        break;
      case 'duplicate':
        out = new Uint8Array([...out, ...out.subarray(at, Math.min(out.length, at + 1 + m.value))]);
        break;
    }
  }
  return out;
}

/** What the project's own test DoH server answers from the example zone (EDE 6 included). */
const EXAMPLE_ZONE = loadZone(join(import.meta.dirname, '../../fixtures/zones/example.json'));
const EXAMPLE_NAMES = [...Object.keys(EXAMPLE_ZONE.records), 'nope.signed.test', 'mx.bogus.test', 'nothing.example'];
const serverAnswer = fc.tuple(fc.constantFrom(...EXAMPLE_NAMES), rrType).map(([name, type]) => {
  const answered = answerQuery(EXAMPLE_ZONE, dnsPacket.decode(encodeQuery(name, type)));
  return answered === 'hang' ? new Uint8Array(0) : answered.response;
});

/** DNS messages: noise, valid responses, our own queries and test server's answers, hand-built traps, and mutations of all. */
export const wireBytes = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  { weight: 3, arbitrary: validResponse(wireDomain, rrType) },
  { weight: 1, arbitrary: fc.tuple(wireDomain, rrType).map(([name, type]) => encodeQuery(name, type)) },
  { weight: 1, arbitrary: builtMessage },
  { weight: 1, arbitrary: serverAnswer },
  { weight: 4, arbitrary: fc.tuple(fc.oneof(validResponse(wireDomain, rrType), builtMessage, serverAnswer), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([bytes, ms]) => mutate(bytes, ms)) },
);

export { wireDomain };
