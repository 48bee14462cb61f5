// Hand-built DNS wire messages for hostile-answer tests: every byte under the test's control
// (labels containing dots, wrong classes, lying RDLENGTHs, trailing garbage), which an encoder
// such as @dnsquery/dns-packet refuses to produce.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, DNAME: 39, OPT: 41, RRSIG: 46, TLSA: 52 } as const;
export const CLASS = { IN: 1, CH: 3 } as const;

const ascii = new TextEncoder();

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const u16 = (n: number) => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** A name from labels; a label is taken byte for byte, so "a.b" is ONE label holding a dot. */
export function wireName(...labels: (string | Uint8Array)[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const label of labels) {
    const bytes = typeof label === 'string' ? ascii.encode(label) : label;
    parts.push(new Uint8Array([bytes.length]), bytes);
  }
  parts.push(new Uint8Array([0]));
  return concat(parts);
}

/** "mx.example.com" as ordinary labels. */
export const dotted = (name: string): Uint8Array => wireName(...name.split('.').filter((l) => l !== ''));

export function question(name: Uint8Array, type: number, cls: number = CLASS.IN): Uint8Array {
  return concat([name, u16(type), u16(cls)]);
}

export interface RrOptions {
  cls?: number;
  ttl?: number;
  /** Override the RDLENGTH field (a lie). */
  rdlength?: number;
}

export function rr(owner: Uint8Array, type: number, rdata: Uint8Array, options: RrOptions = {}): Uint8Array {
  return concat([owner, u16(type), u16(options.cls ?? CLASS.IN), u32(options.ttl ?? 300), u16(options.rdlength ?? rdata.length), rdata]);
}

export const rdata = {
  a: (ip: string) => new Uint8Array(ip.split('.').map(Number)),
  mx: (preference: number, exchange: Uint8Array) => concat([u16(preference), exchange]),
  name: (target: Uint8Array) => target,
  txt: (...strings: string[]) => concat(strings.flatMap((s) => [new Uint8Array([ascii.encode(s).length]), ascii.encode(s)])),
  tlsa: (usage: number, selector: number, matching: number, data: Uint8Array) => concat([new Uint8Array([usage, selector, matching]), data]),
  soa: (zone: Uint8Array, minimum: number) => concat([zone, dotted('hostmaster.invalid'), u32(1), u32(3600), u32(600), u32(86400), u32(minimum)]),
};

/** An OPT pseudo-RR (RFC 6891 s6.1.2) with the given options (code, data). */
export function opt(options: { code: number; data: Uint8Array }[] = [], extendedRcode = 0, flags = 0x8000): Uint8Array {
  const body = concat(options.flatMap((o) => [u16(o.code), u16(o.data.length), o.data]));
  return concat([new Uint8Array([0]), u16(TYPE.OPT), u16(1232), new Uint8Array([extendedRcode, 0]), u16(flags), u16(body.length), body]);
}

/** RFC 8914 s2: INFO-CODE then EXTRA-TEXT (UTF-8). */
export function edeOption(infoCode: number, text = ''): { code: number; data: Uint8Array } {
  return { code: 15, data: concat([u16(infoCode), ascii.encode(text)]) };
}

export interface MessageParts {
  id?: number;
  /** Header flag bits besides the RCODE; default QR|RD|RA. */
  flags?: number;
  rcode?: number;
  ad?: boolean;
  questions?: Uint8Array[];
  answers?: Uint8Array[];
  authorities?: Uint8Array[];
  additionals?: Uint8Array[];
  /** Header counts that lie: [qd, an, ns, ar]. */
  counts?: [number, number, number, number];
  /** Bytes appended after the last record. */
  trailing?: Uint8Array;
}

export function message(parts: MessageParts): Uint8Array {
  const qd = parts.questions ?? [];
  const an = parts.answers ?? [];
  const ns = parts.authorities ?? [];
  const ar = parts.additionals ?? [];
  const counts = parts.counts ?? [qd.length, an.length, ns.length, ar.length];
  const flags = (parts.flags ?? 0x8180) | (parts.ad ? 0x0020 : 0) | ((parts.rcode ?? 0) & 0x0f);
  return concat([u16(parts.id ?? 0), u16(flags), ...counts.map(u16), ...qd, ...an, ...ns, ...ar, parts.trailing ?? new Uint8Array(0)]);
}
