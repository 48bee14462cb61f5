// Hand-built DNS wire messages (RFC 1035 s4.1) for hostile DoH answers: every byte under the
// test's control, so a message can be wrong in exactly one way (a cut record, a looping
// compression pointer, a label that contains a dot byte, a class CH record, an extended RCODE
// carried in the OPT record, Extended DNS Errors). @dnsquery/dns-packet cannot encode most of
// these on purpose; it is only used to read the query being answered.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, OPT: 41, DS: 43, RRSIG: 46, TLSA: 52, ANY: 255 } as const;
export const CLASS = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

/** Header flag bits (RFC 1035 s4.1.1, RFC 4035 s3.2). */
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080, AD: 0x0020, CD: 0x0010 } as const;

const encoder = new TextEncoder();

export function typeNumber(type: string | number): number {
  if (typeof type === 'number') return type;
  const known = (TYPE as Record<string, number>)[type.toUpperCase()];
  if (known === undefined) throw new Error(`dns-wire: unknown type ${type}`);
  return known;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function u16(value: number): Uint8Array {
  return new Uint8Array([(value >> 8) & 0xff, value & 0xff]);
}

function u32(value: number): Uint8Array {
  return new Uint8Array([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}

/**
 * A name in wire form without compression. A string is split at dots; an array gives the labels
 * one by one, so a label may itself contain a dot byte (`['mx.evil', 'example', 'test']`) or any
 * other byte (a Uint8Array label). '' or '.' is the root.
 */
export function wireName(name: string | readonly (string | Uint8Array)[]): Uint8Array {
  const labels = typeof name === 'string' ? name.replace(/\.$/, '').split('.').filter((l) => l !== '') : name;
  const parts: Uint8Array[] = [];
  for (const label of labels) {
    const bytes = typeof label === 'string' ? encoder.encode(label) : label;
    if (bytes.length > 63) throw new Error('dns-wire: label over 63 octets (use raw bytes for that)');
    parts.push(new Uint8Array([bytes.length]), bytes);
  }
  parts.push(new Uint8Array([0]));
  return concat(parts);
}

/** A compression pointer to `offset` (RFC 1035 s4.1.4), optionally after some labels. */
export function pointerName(offset: number, labels: readonly string[] = []): Uint8Array {
  const head = labels.length > 0 ? wireName(labels).subarray(0, -1) : new Uint8Array(0);
  return concat([head, new Uint8Array([0xc0 | ((offset >> 8) & 0x3f), offset & 0xff])]);
}

export interface WireQuestion {
  name: string | Uint8Array;
  type: string | number;
  class?: number;
}

export interface WireRR {
  /** Owner: a name (string, split at dots) or raw name bytes. */
  name: string | Uint8Array;
  type: string | number;
  class?: number;
  ttl?: number;
  /** RDATA bytes. */
  data: Uint8Array;
  /** Override RDLENGTH (a lie about the RDATA size). */
  rdlength?: number;
}

export interface WireMessage {
  id?: number;
  /** All 16 header flag bits except the RCODE (FLAG.*); default QR|RD|RA. */
  flags?: number;
  /** 0..4095: the low 4 bits go in the header, the high 8 in the OPT record (RFC 6891 s6.1.3). */
  rcode?: number;
  questions?: WireQuestion[];
  answers?: WireRR[];
  authorities?: WireRR[];
  additionals?: WireRR[];
  /** Add an OPT record (needed for an extended RCODE or EDE); default: when rcode > 15 or ede. */
  opt?: { udpSize?: number; version?: number; do?: boolean; ede?: { code: number; text?: string }[] } | false;
  /** Override the section counts in the header (lies). */
  counts?: Partial<Record<'qd' | 'an' | 'ns' | 'ar', number>>;
}

function nameBytes(name: string | Uint8Array): Uint8Array {
  return typeof name === 'string' ? wireName(name) : name;
}

export function wireRR(rr: WireRR): Uint8Array {
  return concat([
    nameBytes(rr.name),
    u16(typeNumber(rr.type)),
    u16(rr.class ?? CLASS.IN),
    u32(rr.ttl ?? 300),
    u16(rr.rdlength ?? rr.data.length),
    rr.data,
  ]);
}

/** The OPT pseudo-RR (RFC 6891 s6.1.2) with optional Extended DNS Error options (RFC 8914 s2). */
export function optRR(options: { udpSize?: number; extendedRcode?: number; version?: number; do?: boolean; ede?: { code: number; text?: string }[] }): Uint8Array {
  const edeOptions = (options.ede ?? []).map(({ code, text = '' }) => {
    const body = concat([u16(code), encoder.encode(text)]);
    return concat([u16(15), u16(body.length), body]);
  });
  const data = concat(edeOptions);
  const ttl = (((options.extendedRcode ?? 0) & 0xff) << 24) | (((options.version ?? 0) & 0xff) << 16) | (options.do ? 0x8000 : 0);
  return concat([new Uint8Array([0]), u16(TYPE.OPT), u16(options.udpSize ?? 1232), u32(ttl >>> 0), u16(data.length), data]);
}

export function buildMessage(message: WireMessage): Uint8Array {
  const rcode = message.rcode ?? 0;
  const flags = ((message.flags ?? (FLAG.QR | FLAG.RD | FLAG.RA)) & 0xfff0) | (rcode & 0x0f);
  const questions = (message.questions ?? []).map((q) => concat([nameBytes(q.name), u16(typeNumber(q.type)), u16(q.class ?? CLASS.IN)]));
  const answers = (message.answers ?? []).map(wireRR);
  const authorities = (message.authorities ?? []).map(wireRR);
  const additionals = (message.additionals ?? []).map(wireRR);
  const wantOpt = message.opt !== false && (message.opt !== undefined || rcode > 15);
  if (wantOpt) {
    const opt = message.opt === undefined || message.opt === false ? {} : message.opt;
    additionals.push(optRR({ ...opt, extendedRcode: rcode >> 4 }));
  }
  const counts = message.counts ?? {};
  const header = concat([
    u16(message.id ?? 0),
    u16(flags),
    u16(counts.qd ?? questions.length),
    u16(counts.an ?? answers.length),
    u16(counts.ns ?? authorities.length),
    u16(counts.ar ?? additionals.length),
  ]);
  return concat([header, ...questions, ...answers, ...authorities, ...additionals]);
}

/** RDATA builders (RFC 1035 s3.3, s3.4; RFC 3596; RFC 6698 s2.1). */
export const rdata = {
  a(address: string): Uint8Array {
    return new Uint8Array(address.split('.').map(Number));
  },
  aaaa(address: string): Uint8Array {
    const [head = '', tail = ''] = address.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return concat(groups.map((g) => u16(parseInt(g, 16))));
  },
  name(name: string | readonly (string | Uint8Array)[]): Uint8Array {
    return wireName(name);
  },
  mx(preference: number, exchange: string | Uint8Array | readonly (string | Uint8Array)[]): Uint8Array {
    return concat([u16(preference), exchange instanceof Uint8Array ? exchange : wireName(exchange)]);
  },
  /** One TXT record from its character-strings (each ≤ 255 octets). */
  txt(...strings: (string | Uint8Array)[]): Uint8Array {
    return concat(strings.flatMap((s) => {
      const bytes = typeof s === 'string' ? encoder.encode(s) : s;
      if (bytes.length > 255) throw new Error('dns-wire: character-string over 255 octets');
      return [new Uint8Array([bytes.length]), bytes];
    }));
  },
  /** A TXT record from one long text, split into 255-octet character-strings. */
  longTxt(text: string | Uint8Array): Uint8Array {
    const bytes = typeof text === 'string' ? encoder.encode(text) : text;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
    return rdata.txt(...(parts.length > 0 ? parts : [new Uint8Array(0)]));
  },
  tlsa(usage: number, selector: number, matchingType: number, hex: string): Uint8Array {
    const data = new Uint8Array(hex.length / 2);
    for (let i = 0; i < data.length; i++) data[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return concat([new Uint8Array([usage, selector, matchingType]), data]);
  },
  soa(apex: string, minimum = 60): Uint8Array {
    return concat([wireName(`ns1.${apex}`), wireName(`hostmaster.${apex}`), u32(1), u32(3600), u32(600), u32(86400), u32(minimum)]);
  },
  bytes(...values: number[]): Uint8Array {
    return new Uint8Array(values);
  },
};

/** 32 bytes of SHA2-256 as hex: a well-formed, usable DANE-EE(3) SPKI(1) digest. */
export const SHA256_HEX = 'a'.repeat(64);

/** Header helpers for mutating a message already built (by the zone or by buildMessage). */
export const header = {
  id(bytes: Uint8Array): number {
    return ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  },
  withId(bytes: Uint8Array, id: number): Uint8Array {
    const out = bytes.slice();
    out[0] = (id >> 8) & 0xff;
    out[1] = id & 0xff;
    return out;
  },
  withFlags(bytes: Uint8Array, set: number, clear = 0): Uint8Array {
    const out = bytes.slice();
    const flags = ((((out[2] ?? 0) << 8) | (out[3] ?? 0)) | set) & ~clear;
    out[2] = (flags >> 8) & 0xff;
    out[3] = flags & 0xff;
    return out;
  },
  withCount(bytes: Uint8Array, section: 'qd' | 'an' | 'ns' | 'ar', count: number): Uint8Array {
    const out = bytes.slice();
    const at = { qd: 4, an: 6, ns: 8, ar: 10 }[section];
    out[at] = (count >> 8) & 0xff;
    out[at + 1] = count & 0xff;
    return out;
  },
};
