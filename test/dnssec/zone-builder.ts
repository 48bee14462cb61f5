// Builds a DNS tree (a root, a TLD, leaf zones) as zone files for `named`, signed OFFLINE with
// BIND's dnssec-keygen and dnssec-signzone into a temp dir. Signing offline keeps a broken zone
// broken: named serves the files as they are (no inline signing, no re-signing), so an expired
// RRSIG stays expired and an RRset altered after signing stays bogus.
//
// Every run makes new keys (ECDSAP256SHA256, one combined key per zone: fast, and DS-able);
// nothing is committed. Delegations (NS, and DS where the child is meant to be secure) and the
// addresses of the name servers are added to the parent zones by the builder, so a zone spec
// lists only its own data.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * How a zone is signed and delegated (RFC 4035 §5 terms):
 * - `secure`: signed, DS in the parent — validators answer with AD=1;
 * - `insecure-delegation`: signed, but the parent has no DS — validators treat it as insecure;
 * - `unsigned`: no signatures, no DS — insecure;
 * - `expired`: signed, DS, every RRSIG expired ten days ago — bogus (EDE 7);
 * - `not-yet-valid`: signed, DS, every RRSIG starts in ten days — bogus (EDE 8);
 * - `no-dnskey`: signed, DS in the parent, but the DNSKEY RRset is not served — bogus (EDE 9).
 * An RRset altered after signing (`tamper`) makes that RRset bogus (EDE 6) in any signed zone.
 */
export type Signing = 'secure' | 'insecure-delegation' | 'unsigned' | 'expired' | 'not-yet-valid' | 'no-dnskey';

/** A name server: one address, one view of named (see world.ts). */
export interface NameServer {
  /** Host name of the server, absolute without the trailing dot (e.g. `ns.test`). */
  name: string;
  address: string;
}

export interface ZoneSpec {
  /** Apex, lower case, no trailing dot; '' for the root. */
  name: string;
  signing: Signing;
  /** Key of `servers` that serves (and is named in the delegation of) this zone. */
  server: string;
  /**
   * Records in presentation format relative to the apex: `@ MX 10 mx1`, `mx1 A 127.0.2.25`,
   * `_25._tcp.mx1 TLSA 3 1 1 <hex>`; absolute names end with a dot. SOA and apex NS are added.
   */
  records?: string[];
  /** RRsets whose data is replaced AFTER signing (their RRSIGs no longer match: bogus). */
  tamper?: { owner: string; type: string; data: string }[];
  /** Delegated by the parent but served by nobody that knows it (the server answers REFUSED). */
  lame?: boolean;
}

export interface BuiltZones {
  /** Zone name ('' for the root) → absolute path of the file named loads. */
  files: Map<string, string>;
  /** The root zone's key as a DNSKEY record: the validator's trust anchor (RFC 4033 §2). */
  rootAnchor: string;
  /** Milliseconds spent generating keys and signing. */
  signingMs: number;
}

const DAY_S = 86_400;
const TTL = 300;
/** Negative-caching TTL (SOA minimum, RFC 2308 §5): short, so a rerun never sees stale denials. */
const NEGATIVE_TTL = 60;
const SIGNED: ReadonlySet<Signing> = new Set(['secure', 'insecure-delegation', 'expired', 'not-yet-valid', 'no-dnskey']);
const HAS_DS: ReadonlySet<Signing> = new Set(['secure', 'expired', 'not-yet-valid', 'no-dnskey']);

const fqdn = (name: string): string => (name === '' ? '.' : `${name}.`);
const isBelow = (name: string, zone: string): boolean => zone === '' || name === zone || name.endsWith(`.${zone}`);

/** The zone that contains `name`: the deepest zone whose apex is `name` or an ancestor of it. */
function enclosingZone(name: string, zones: readonly ZoneSpec[], except?: ZoneSpec): ZoneSpec | undefined {
  return zones
    .filter((zone) => zone !== except && !zone.lame && isBelow(name, zone.name))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/** YYYYMMDDHHMMSS in UTC, the absolute time format of dnssec-signzone -s/-e. */
function signzoneTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The canonical wire form of an absolute name (RFC 4034 §6.2: lower case). */
function wireName(name: string): Buffer {
  const labels = name === '' ? [] : name.toLowerCase().split('.');
  return Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'ascii')])), Buffer.from([0])]);
}

/** The DS record (SHA-256, RFC 4509) of a key file's DNSKEY line. */
function dsFromKey(zone: string, keyFileText: string): string {
  const line = keyFileText.split('\n').find((l) => /\sDNSKEY\s/.test(l) && !l.startsWith(';'));
  const match = line && /\sDNSKEY\s+(\d+)\s+(\d+)\s+(\d+)\s+(.+)$/.exec(line);
  if (!match) throw new Error(`zone-builder: no DNSKEY in the key file of "${fqdn(zone)}"`);
  const [flags, protocol, algorithm] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const publicKey = Buffer.from((match[4] ?? '').replace(/\s+/g, ''), 'base64');
  const rdata = Buffer.concat([Buffer.from([flags >> 8, flags & 0xff, protocol, algorithm]), publicKey]);
  // Key tag: RFC 4034 Appendix B.
  let sum = 0;
  for (let i = 0; i < rdata.length; i++) sum += i & 1 ? rdata[i] ?? 0 : (rdata[i] ?? 0) << 8;
  const keyTag = (sum + ((sum >> 16) & 0xffff)) & 0xffff;
  const digest = createHash('sha256').update(Buffer.concat([wireName(zone), rdata])).digest('hex').toUpperCase();
  return `${fqdn(zone)} ${TTL} IN DS ${keyTag} ${algorithm} 2 ${digest}`;
}

/** Runs `jobs` with at most `limit` at a time (2 cores: a few processes at once is plenty). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await (jobs[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

async function tool(command: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`zone-builder: \`${command}\` is not installed (Debian: apt-get install bind9-utils)`, { cause: error });
    throw new Error(`zone-builder: ${command} ${args.join(' ')} failed: ${(e.stderr ?? e.message).trim()}`, { cause: error });
  }
}

/** Replaces the data of the records `owner TYPE` in a `-O full` signed zone (one record a line). */
function tamperWith(text: string, zone: ZoneSpec, change: { owner: string; type: string; data: string }): string {
  const owner = change.owner === '@' ? fqdn(zone.name) : change.owner.endsWith('.') ? change.owner : `${change.owner}.${fqdn(zone.name)}`;
  let hits = 0;
  const out = text.split('\n').map((line) => {
    const fields = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s/.exec(line);
    if (!fields || fields[1]?.toLowerCase() !== owner.toLowerCase() || fields[3] !== change.type) return line;
    hits++;
    // Every record of the RRset gets the new data once; duplicates collapse into one record.
    return hits === 1 ? `${owner} ${fields[2]} IN ${change.type} ${change.data}` : '';
  });
  if (hits === 0) throw new Error(`zone-builder: nothing to tamper with at ${owner} ${change.type}`);
  return out.join('\n');
}

function zoneText(zone: ZoneSpec, servers: Record<string, NameServer>, extra: string[]): string {
  const server = servers[zone.server];
  if (!server) throw new Error(`zone-builder: zone "${fqdn(zone.name)}" names an unknown server "${zone.server}"`);
  return [
    `$ORIGIN ${fqdn(zone.name)}`,
    `$TTL ${TTL}`,
    `@ SOA ${fqdn(server.name)} hostmaster.invalid. 1 3600 600 86400 ${NEGATIVE_TTL}`,
    `@ NS ${fqdn(server.name)}`,
    ...(zone.records ?? []),
    ...extra,
    '',
  ].join('\n');
}

/**
 * Writes, keys and signs every zone of `zones` into `dir`. The tree must contain the root ('')
 * and every parent of a zone; each name server's address is published in the zone that contains
 * its name. Rejects with the tool's message when a binary is missing or a zone does not sign.
 */
export async function buildZones(dir: string, zones: readonly ZoneSpec[], servers: Record<string, NameServer>): Promise<BuiltZones> {
  const started = Date.now();
  const keyDir = join(dir, 'keys');
  mkdirSync(keyDir, { recursive: true });
  if (!zones.some((zone) => zone.name === '')) throw new Error('zone-builder: the tree has no root zone');
  const served = zones.filter((zone) => !zone.lame);
  const signed = served.filter((zone) => SIGNED.has(zone.signing));

  // 1. One key per signed zone, all at once; the DS records are computed from the key files.
  const keyNames = await pool(signed.map((zone) => async () =>
    (await tool('dnssec-keygen', ['-q', '-a', 'ECDSAP256SHA256', '-f', 'KSK', '-K', keyDir, fqdn(zone.name)])).trim()), 4);
  const dsOf = new Map<string, string>();
  signed.forEach((zone, i) => dsOf.set(zone.name, dsFromKey(zone.name, readFileSync(join(keyDir, `${keyNames[i]}.key`), 'utf8'))));

  // 2. Delegations and name-server addresses go to the parent / enclosing zone.
  const extra = new Map<string, string[]>(served.map((zone) => [zone.name, []]));
  for (const zone of zones) {
    if (zone.name === '') continue;
    const parent = enclosingZone(zone.name, zones, zone);
    if (!parent) throw new Error(`zone-builder: "${fqdn(zone.name)}" has no parent zone in the tree`);
    const server = servers[zone.server];
    if (!server) throw new Error(`zone-builder: zone "${fqdn(zone.name)}" names an unknown server "${zone.server}"`);
    extra.get(parent.name)?.push(`${fqdn(zone.name)} NS ${fqdn(server.name)}`);
    const ds = dsOf.get(zone.name);
    if (ds && HAS_DS.has(zone.signing)) extra.get(parent.name)?.push(ds);
  }
  for (const server of Object.values(servers)) {
    const holder = enclosingZone(server.name, served);
    if (!holder) throw new Error(`zone-builder: no zone holds the name server ${server.name}`);
    const line = `${fqdn(server.name)} A ${server.address}`;
    if (!extra.get(holder.name)?.includes(line)) extra.get(holder.name)?.push(line);
  }

  // 3. Sign (all zones at once: the DS records are already known), then break what must break.
  const now = Math.floor(Date.now() / 1000);
  const files = new Map<string, string>();
  await pool(served.map((zone) => async () => {
    const base = zone.name === '' ? 'root' : zone.name;
    const source = join(dir, `${base}.zone`);
    writeFileSync(source, zoneText(zone, servers, extra.get(zone.name) ?? []));
    if (!SIGNED.has(zone.signing)) {
      if (zone.tamper?.length) throw new Error(`zone-builder: "${fqdn(zone.name)}" is unsigned; tampering means nothing there`);
      files.set(zone.name, source);
      return;
    }
    const window = zone.signing === 'expired' ? [now - 30 * DAY_S, now - 10 * DAY_S]
      : zone.signing === 'not-yet-valid' ? [now + 10 * DAY_S, now + 40 * DAY_S]
        : [now - 3600, now + 30 * DAY_S];
    const target = join(dir, `${base}.signed`);
    await tool('dnssec-signzone', [
      '-S', '-z', '-P', '-q', '-n', '1', '-O', 'full', '-K', keyDir, '-d', keyDir,
      '-s', signzoneTime(window[0] as number), '-e', signzoneTime(window[1] as number),
      '-o', fqdn(zone.name), '-f', target, source,
    ]);
    let text = readFileSync(target, 'utf8');
    for (const change of zone.tamper ?? []) text = tamperWith(text, zone, change);
    if (zone.signing === 'no-dnskey') {
      text = text.split('\n').filter((line) => !/^\S+\s+\d+\s+IN\s+(DNSKEY\s|RRSIG\s+DNSKEY\s)/.test(line)).join('\n');
    }
    writeFileSync(target, text);
    files.set(zone.name, target);
  }), 4);

  const rootIndex = signed.findIndex((zone) => zone.name === '');
  if (rootIndex < 0) throw new Error('zone-builder: the root zone must be signed (its key is the trust anchor)');
  const rootKey = readFileSync(join(keyDir, `${keyNames[rootIndex]}.key`), 'utf8');
  const rootAnchor = rootKey.split('\n').find((line) => /\sDNSKEY\s/.test(line) && !line.startsWith(';'));
  if (!rootAnchor) throw new Error('zone-builder: no DNSKEY in the root key file');
  return { files, rootAnchor: rootAnchor.trim(), signingMs: Date.now() - started };
}
