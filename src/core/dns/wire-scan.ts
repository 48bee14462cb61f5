// A strict structural pass over a DNS message (RFC 1035 s4.1) BEFORE it is decoded: the decoder
// (@dnsquery/dns-packet) is lenient, and a lenient reading of hostile bytes can turn one name
// into another or one record into the next. Anything outside the format is a malformed answer,
// which the resolver reports as a failed lookup (docs/decisions.md "Engine": malformed answers).
//
// One pass, O(length): every compression pointer must point strictly before the segment that
// contains it (so chains end), and a name may follow at most MAX_POINTER_HOPS pointers.
// The same pass reads the EDNS0 OPT record (RFC 6891 s6.1): the extended RCODE bits and the
// Extended DNS Error options (RFC 8914 s2).

export interface ExtendedDnsError {
  /** INFO-CODE (RFC 8914 s4 and the IANA registry). */
  code: number;
  /** EXTRA-TEXT: UTF-8 from the resolver, control characters removed, capped. */
  text?: string;
}

export type WireScan =
  | { ok: true; rcode: number; ede: ExtendedDnsError[] }
  | { ok: false; error: string };

const HEADER = 12;
const MAX_NAME_WIRE = 255; // RFC 1035 s2.3.4, root label included
/** A real name has at most 127 labels; more pointers than that is a trap, not compression. */
const MAX_POINTER_HOPS = 127;
export const MAX_EDE_TEXT = 200;
const MAX_EDE_OPTIONS = 4;

const T_A = 1, T_NS = 2, T_CNAME = 5, T_SOA = 6, T_PTR = 12, T_MX = 15, T_TXT = 16, T_AAAA = 28, T_DNAME = 39, T_OPT = 41, T_RRSIG = 46, T_TLSA = 52;
const CLASS_IN = 1;
const OPTION_EDE = 15;

/**
 * How strictly a name's label bytes are checked: `Any` only the structure (owners in unused
 * sections, NS/PTR/SOA targets); `NoDot` no literal '.' inside a label (it would read as two
 * labels); `Printable` printable ASCII without '.', as every name we compare or follow must be.
 */
const Labels = { Any: 0, NoDot: 1, Printable: 2 } as const;
type Labels = (typeof Labels)[keyof typeof Labels];

class Malformed extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function scanMessage(buf: Uint8Array): WireScan {
  try {
    return scan(buf);
  } catch (e) {
    if (e instanceof Malformed) return { ok: false, error: e.message };
    return { ok: false, error: 'the message could not be read' };
  }
}

function u16(buf: Uint8Array, at: number): number {
  if (at + 2 > buf.length) throw new Malformed('the message ends inside a field');
  return ((buf[at] as number) << 8) | (buf[at + 1] as number);
}

/** Returns the offset just after the name as written at `start` (pointers not followed). */
function readName(buf: Uint8Array, start: number, labels: Labels): number {
  let pos = start;
  let segment = start;
  let end = -1;
  let hops = 0;
  let wire = 1; // the root label
  for (;;) {
    if (pos >= buf.length) throw new Malformed('a name runs past the end of the message');
    const len = buf[pos] as number;
    if (len === 0) {
      return end < 0 ? pos + 1 : end;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) throw new Malformed('a compression pointer runs past the end of the message');
      const target = ((len & 0x3f) << 8) | (buf[pos + 1] as number);
      // RFC 1035 s4.1.4: a pointer refers to a PRIOR occurrence; strictly earlier than the
      // segment being read, so no chain of pointers can loop.
      if (target >= segment) throw new Malformed('a compression pointer does not point backwards');
      if (++hops > MAX_POINTER_HOPS) throw new Malformed('a name follows too many compression pointers');
      if (end < 0) end = pos + 2;
      pos = target;
      segment = target;
      continue;
    }
    if (kind !== 0) throw new Malformed('a name uses a reserved label type');
    if (pos + 1 + len > buf.length) throw new Malformed('a label runs past the end of the message');
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw new Malformed('a name is longer than 255 octets');
    if (labels !== Labels.Any) {
      for (let i = pos + 1; i <= pos + len; i++) {
        const byte = buf[i] as number;
        if (byte === 0x2e) throw new Malformed('a label contains a "." byte, which would read as two labels');
        if (labels === Labels.Printable && (byte < 0x21 || byte > 0x7e)) throw new Malformed('a name contains a byte outside printable ASCII');
      }
    }
    pos += 1 + len;
  }
}

function scan(buf: Uint8Array): WireScan {
  if (buf.length < HEADER) return { ok: false, error: 'the message is shorter than a DNS header' };
  const flags = u16(buf, 2);
  const counts = [u16(buf, 4), u16(buf, 6), u16(buf, 8), u16(buf, 10)] as const;
  let pos = HEADER;

  for (let i = 0; i < counts[0]; i++) {
    pos = readName(buf, pos, Labels.Printable);
    if (pos + 4 > buf.length) throw new Malformed('the question is truncated');
    pos += 4;
  }

  let extendedRcode = 0;
  let sawOpt = false;
  const ede: ExtendedDnsError[] = [];
  for (let section = 1; section <= 3; section++) {
    for (let i = 0; i < (counts[section] as number); i++) {
      const ownerStart = pos;
      pos = readName(buf, pos, section === 1 ? Labels.Printable : Labels.NoDot);
      if (pos + 10 > buf.length) throw new Malformed('a record header is truncated');
      const type = u16(buf, pos);
      const cls = u16(buf, pos + 2);
      const rdlength = u16(buf, pos + 8);
      const start = pos + 10;
      const end = start + rdlength;
      if (end > buf.length) throw new Malformed('a record is truncated (its RDLENGTH runs past the end of the message)');

      if (type === T_OPT) {
        // RFC 6891 s6.1.1: one OPT, in the additional section, owned by the root.
        if (section !== 3 || sawOpt || buf[ownerStart] !== 0) throw new Malformed('an OPT record is misplaced or repeated');
        sawOpt = true;
        extendedRcode = buf[pos + 4] as number;
        readOptions(buf, start, end, ede);
      } else {
        if (cls !== CLASS_IN) throw new Malformed(`a record has class ${cls}, not IN`);
        checkRdata(buf, type, start, end);
      }
      pos = end;
    }
  }
  if (pos !== buf.length) throw new Malformed(`${buf.length - pos} bytes follow the last record`);
  return { ok: true, rcode: (flags & 0x000f) | (extendedRcode << 4), ede };
}

/** RDATA whose layout the engine relies on must fill RDLENGTH exactly. */
function checkRdata(buf: Uint8Array, type: number, start: number, end: number): void {
  const length = end - start;
  const exactName = (at: number, labels: Labels) => {
    if (at >= end || readName(buf, at, labels) !== end) throw new Malformed(`a type ${type} record's name does not fill its RDLENGTH`);
  };
  switch (type) {
    case T_A:
      if (length !== 4) throw new Malformed('an A record is not 4 octets');
      return;
    case T_AAAA:
      if (length !== 16) throw new Malformed('an AAAA record is not 16 octets');
      return;
    case T_CNAME:
    case T_DNAME:
      exactName(start, Labels.Printable);
      return;
    case T_NS:
    case T_PTR:
      exactName(start, Labels.Any);
      return;
    case T_MX:
      if (length < 3) throw new Malformed('an MX record is too short');
      exactName(start + 2, Labels.NoDot);
      return;
    case T_SOA: {
      const afterMname = readName(buf, start, Labels.Any);
      if (afterMname >= end) throw new Malformed('an SOA record is truncated');
      const afterRname = readName(buf, afterMname, Labels.Any);
      if (afterRname + 20 !== end) throw new Malformed('an SOA record does not fill its RDLENGTH');
      return;
    }
    case T_TXT: {
      if (length < 1) throw new Malformed('a TXT record has no character-string');
      let at = start;
      while (at < end) at += 1 + (buf[at] as number);
      if (at !== end) throw new Malformed('a TXT character-string runs past its record');
      return;
    }
    case T_TLSA:
      if (length < 3) throw new Malformed('a TLSA record is shorter than its three fixed octets');
      return;
    case T_RRSIG: {
      if (length < 19) throw new Malformed('an RRSIG record is too short');
      if (readName(buf, start + 18, Labels.Any) > end) throw new Malformed('an RRSIG signer name runs past its record');
      return;
    }
    default:
      return;
  }
}

function readOptions(buf: Uint8Array, start: number, end: number, ede: ExtendedDnsError[]): void {
  let at = start;
  while (at < end) {
    if (at + 4 > end) throw new Malformed('an EDNS option header is truncated');
    const code = u16(buf, at);
    const length = u16(buf, at + 2);
    const data = at + 4;
    if (data + length > end) throw new Malformed('an EDNS option runs past the OPT record');
    if (code === OPTION_EDE) {
      // RFC 8914 s2: a 16-bit INFO-CODE, then EXTRA-TEXT of the remaining length.
      if (length < 2) throw new Malformed('an Extended DNS Error option is shorter than its INFO-CODE');
      if (ede.length < MAX_EDE_OPTIONS) {
        const entry: ExtendedDnsError = { code: u16(buf, data) };
        const text = cleanText(buf.subarray(data + 2, data + Math.min(length, 2 + MAX_EDE_TEXT * 4)));
        if (text !== '') entry.text = text;
        ede.push(entry);
      }
    }
    at = data + length;
  }
}

/** EXTRA-TEXT is for people and comes from the network: printable, one line, capped. */
function cleanText(bytes: Uint8Array): string {
  // eslint-disable-next-line no-control-regex
  const text = utf8.decode(bytes).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
  return text.length > MAX_EDE_TEXT ? `${text.slice(0, MAX_EDE_TEXT - 1)}…` : text;
}
