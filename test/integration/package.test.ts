// `npm run package` end to end on a fake dist tree in a temp dir (the packager must not care what
// the build put there): deterministic zips, their listings, a CRX3 whose signature and ID are
// checked here with node:crypto and an independent parser, updates.xml, and the one-line errors.
import { execFile, spawn } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'package.ts');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Run { code: number; stdout: string; stderr: string }

function runPackager(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', SCRIPT, ...args],
      { cwd: ROOT, env: { ...process.env, INTRANSIT_SIGNING_KEY: '', INTRANSIT_UPDATE_BASE_URL: '', SOURCE_DATE_EPOCH: '', ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

interface ZipListing { name: string; flags: number; method: number; dosTime: number; dosDate: number;
  extraLength: number; commentLength: number; mode: number; data: Buffer }

/** Central directory of a ZIP (APPNOTE 4.3.12) plus each entry's inflated data. */
function readZip(zip: Buffer): ZipListing[] {
  const eocd = zip.length - 22; // the packager writes no archive comment
  expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const compressedSize = zip.readUInt32LE(at + 20);
    const method = zip.readUInt16LE(at + 10);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressedSize);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      flags: zip.readUInt16LE(at + 8), method, dosTime: zip.readUInt16LE(at + 12), dosDate: zip.readUInt16LE(at + 14),
      extraLength, commentLength, mode: zip.readUInt32LE(at + 38) >>> 16,
      data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Length-delimited fields of a protobuf message, by field number (all CRX3 fields are bytes). */
function protoFields(message: Buffer): Map<number, Buffer[]> {
  const fields = new Map<number, Buffer[]>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = message[at++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const tag = varint();
    expect(tag & 7).toBe(2);
    const length = varint();
    const list = fields.get(Math.floor(tag / 8)) ?? [];
    list.push(message.subarray(at, at + length));
    fields.set(Math.floor(tag / 8), list);
    at += length;
  }
  return fields;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const idFromDer = (der: Buffer): string => [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
  .map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');

function rsaKey() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    der: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

let work: string;
let dist: string;
let keyFile: string;
let otherKeyFile: string;
let keyDer: Buffer;
let commit: string;

const CHROME_FILES = ['_locales/en/messages.json', 'assets/app.js', 'icons/app-16.png', 'manifest.json', 'service-worker-loader.js'];
const FIREFOX_FILES = ['assets/app.js', 'background.js', 'manifest.json'];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'intransit-package-'));
  dist = join(work, 'dist');
  const key = rsaKey();
  keyDer = key.der;
  keyFile = join(work, 'signing.pem');
  writeFileSync(keyFile, key.pem);
  otherKeyFile = join(work, 'other.pem');
  writeFileSync(otherKeyFile, rsaKey().pem);
  const write = (path: string, data: string | Buffer) => {
    mkdirSync(dirname(join(dist, path)), { recursive: true });
    writeFileSync(join(dist, path), data);
  };
  write('chrome/manifest.json', JSON.stringify({ manifest_version: 3, name: 'InTransit', version: VERSION, default_locale: 'en',
    background: { service_worker: 'service-worker-loader.js', type: 'module' }, key: keyDer.toString('base64') }, null, 2));
  write('chrome/service-worker-loader.js', "import './assets/app.js';\n");
  write('chrome/assets/app.js', 'console.log("chrome");\n'.repeat(50));
  write('chrome/icons/app-16.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]));
  write('chrome/_locales/en/messages.json', '{"ext_name":{"message":"InTransit"}}\n');
  write('firefox/manifest.json', JSON.stringify({ manifest_version: 3, name: 'InTransit', version: VERSION,
    background: { scripts: ['background.js'] }, browser_specific_settings: { gecko: { id: 'intransit@example.org' } } }, null, 2));
  write('firefox/background.js', 'console.log("firefox");\n');
  write('firefox/assets/app.js', 'console.log("app");\n');
  // One commit for every run: other work may commit while the tests run.
  commit = await new Promise<string>((done, fail) => execFile('git', ['-C', ROOT, 'rev-parse', 'HEAD'],
    (error, stdout) => (error ? fail(error) : done(stdout.trim()))));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

const names = (entries: ZipListing[]) => entries.map((e) => e.name);

describe('npm run package', () => {
  it('writes the same bytes twice, whatever the time zone', async () => {
    const first = join(work, 'out-1');
    const second = join(work, 'out-2');
    const [a, b] = await Promise.all([
      runPackager(['--dist', dist, '--out', first, '--ref', commit], { TZ: 'UTC' }),
      runPackager(['--dist', dist, '--out', second, '--ref', commit], { TZ: 'Pacific/Kiritimati' }),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    for (const kind of ['chrome', 'firefox', 'source']) {
      const name = `intransit-${kind}-${VERSION}.zip`;
      expect(sha256(readFileSync(join(first, name)))).toBe(sha256(readFileSync(join(second, name))));
    }
    expect(readFileSync(join(first, 'SHA256SUMS'), 'utf8')).toBe(readFileSync(join(second, 'SHA256SUMS'), 'utf8'));
    expect(a.stdout).toContain(`intransit-chrome-${VERSION}.zip`);
  });

  it('lists the expected files, sorted, with one timestamp, fixed modes and no extra fields', async () => {
    const out = join(work, 'out-list');
    const run = await runPackager(['--dist', dist, '--out', out, '--ref', commit]);
    expect(run.code, run.stderr).toBe(0);
    const chrome = readZip(readFileSync(join(out, `intransit-chrome-${VERSION}.zip`)));
    const firefox = readZip(readFileSync(join(out, `intransit-firefox-${VERSION}.zip`)));
    expect(names(chrome)).toEqual(CHROME_FILES);
    expect(names(firefox)).toEqual(FIREFOX_FILES);
    for (const entry of [...chrome, ...firefox]) {
      expect(entry).toMatchObject({ dosDate: (0 << 9) | (1 << 5) | 1, dosTime: 0, extraLength: 0, commentLength: 0, mode: 0o100644, method: 8 });
      expect(entry.flags & 0x0008).toBe(0); // no data descriptors
    }
    // The Chrome Web Store refuses a manifest with "key"; everything else is kept as built.
    const storeManifest = JSON.parse(chrome.find((e) => e.name === 'manifest.json')?.data.toString() ?? '{}') as Record<string, unknown>;
    expect(storeManifest.key).toBeUndefined();
    expect(storeManifest).toMatchObject({ manifest_version: 3, version: VERSION, name: 'InTransit' });
    expect(chrome.find((e) => e.name === 'assets/app.js')?.data.toString()).toBe('console.log("chrome");\n'.repeat(50));

    const source = readZip(readFileSync(join(out, `intransit-source-${VERSION}.zip`)));
    const sourceNames = names(source);
    expect(sourceNames).toEqual([...sourceNames].sort());
    for (const tracked of ['package.json', 'package-lock.json', 'vite.config.ts', 'manifest.config.ts', 'scripts/package.ts', 'SOURCE-README.md']) {
      expect(sourceNames).toContain(tracked);
    }
    expect(sourceNames.some((n) => n.startsWith('dist/') || n.startsWith('node_modules/') || n.endsWith('.pem') && !n.startsWith('test/fixtures/'))).toBe(false);
    const readme = source.find((e) => e.name === 'SOURCE-README.md')?.data.toString() ?? '';
    expect(readme).toContain(commit);
    expect(readme).toContain('npm ci');
    expect(readme).toContain('npm run build');
    const pkg = source.find((e) => e.name === 'package.json');
    expect(pkg?.data.toString()).toContain('"name": "intransit"');
    expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('stamps SOURCE_DATE_EPOCH as UTC wall-clock time', async () => {
    const out = join(work, 'out-epoch');
    const run = await runPackager(['--dist', dist, '--out', out, '--ref', commit], { SOURCE_DATE_EPOCH: '1700000000', TZ: 'Asia/Tokyo' });
    expect(run.code, run.stderr).toBe(0);
    const [entry] = readZip(readFileSync(join(out, `intransit-firefox-${VERSION}.zip`)));
    // 2023-11-14 22:13:20 UTC in DOS date/time fields.
    expect(entry?.dosDate).toBe(((2023 - 1980) << 9) | (11 << 5) | 14);
    expect(entry?.dosTime).toBe((22 << 11) | (13 << 5) | (20 / 2));
  });

  it('signs a CRX3 that verifies, with the ID of the key, and an update manifest for it', async () => {
    const out = join(work, 'out-signed');
    const run = await runPackager(['--dist', dist, '--out', out, '--ref', commit, '--key', keyFile, '--base-url', 'https://intranet.example/ext']);
    expect(run.code, run.stderr).toBe(0);
    const id = idFromDer(keyDer);
    expect(run.stdout).toContain(`extension ID ${id}`);

    const crx = readFileSync(join(out, `intransit-${VERSION}.crx`));
    expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    const headerLength = crx.readUInt32LE(8);
    const header = protoFields(crx.subarray(12, 12 + headerLength));
    const archive = crx.subarray(12 + headerLength);
    const proofs = header.get(2) ?? [];
    expect(proofs).toHaveLength(1);
    const proof = protoFields(proofs[0] ?? Buffer.alloc(0));
    const publicKey = proof.get(1)?.[0] ?? Buffer.alloc(0);
    const signature = proof.get(2)?.[0] ?? Buffer.alloc(0);
    expect(publicKey.equals(keyDer)).toBe(true);
    const signedHeaderData = header.get(10000)?.[0] ?? Buffer.alloc(0);
    const crxId = protoFields(signedHeaderData).get(1)?.[0] ?? Buffer.alloc(0);
    expect(crxId.toString('hex')).toBe(sha256(keyDer).slice(0, 32));
    expect([...crxId.toString('hex')].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join('')).toBe(id);

    const length = Buffer.alloc(4);
    length.writeUInt32LE(signedHeaderData.length);
    const signed = Buffer.concat([Buffer.from('CRX3 SignedData\x00', 'latin1'), length, signedHeaderData, archive]);
    const key = createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
    expect(verify('sha256', signed, key, signature)).toBe(true);
    const tampered = Buffer.from(signed);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 30) ^ 1, tampered.length - 30);
    expect(verify('sha256', tampered, key, signature)).toBe(false);

    // The payload is the Chrome build as is, "key" included (it matches the signing key).
    const payload = readZip(Buffer.from(archive));
    expect(names(payload)).toEqual(CHROME_FILES);
    const manifest = JSON.parse(payload.find((e) => e.name === 'manifest.json')?.data.toString() ?? '{}') as { key?: string };
    expect(manifest.key).toBe(keyDer.toString('base64'));

    const xml = readFileSync(join(out, 'updates.xml'), 'utf8');
    expect(xml).toContain('<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">');
    expect(xml).toContain(`<app appid="${id}">`);
    expect(xml).toContain(`<updatecheck codebase="https://intranet.example/ext/intransit-${VERSION}.crx" version="${VERSION}"/>`);

    // Signing is deterministic too (RSASSA-PKCS1-v1_5), and the key may come from the environment.
    const again = join(work, 'out-signed-env');
    const envRun = await runPackager(['--dist', dist, '--out', again, '--ref', commit],
      { INTRANSIT_SIGNING_KEY: keyFile, INTRANSIT_UPDATE_BASE_URL: 'https://intranet.example/ext/' });
    expect(envRun.code, envRun.stderr).toBe(0);
    expect(sha256(readFileSync(join(again, `intransit-${VERSION}.crx`)))).toBe(sha256(crx));
    expect(readFileSync(join(again, 'updates.xml'), 'utf8')).toBe(xml);
  });

  it('refuses a key that does not match the manifest key, in one line, and writes nothing', async () => {
    const out = join(work, 'out-mismatch');
    const run = await runPackager(['--dist', dist, '--out', out, '--ref', commit, '--key', otherKeyFile, '--base-url', 'https://intranet.example/']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^package: error: the signing key does not match the "key" in .*manifest\.json: it gives ID [a-p]{32}, the manifest gives [a-p]{32}/);
    expect(run.stderr).toContain(idFromDer(keyDer));
    expect(() => readFileSync(join(out, 'SHA256SUMS'))).toThrow();
  });

  it.each([
    [['--key', 'KEY'], /--key needs --base-url/],
    [['--key', 'KEY', '--base-url', 'not a url'], /--base-url "not a url" is not an absolute URL/],
    [['--key', 'KEY', '--base-url', 'ftp://example.org/'], /must use https/],
    [['--key', 'KEY', '--base-url', 'http://example.org/'], /must use https/],
    [['--key', 'KEY', '--base-url', 'https://example.org/?v=1'], /must not have a query/],
    [['--base-url', 'https://example.org/'], /--base-url needs --key/],
    [['--key', '/nonexistent/key.pem', '--base-url', 'https://example.org/'], /cannot read the signing key file/],
    [['--bogus'], /Unknown option '--bogus'.*usage: npm run package/],
  ])('fails in one line for %j', async (args, message) => {
    const run = await runPackager(['--dist', dist, '--out', join(work, 'out-bad'), '--ref', commit,
      ...args.map((a) => (a === 'KEY' ? keyFile : a))]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('fails in one line when dist has not been built', async () => {
    const run = await runPackager(['--dist', join(work, 'no-dist'), '--out', join(work, 'out-none'), '--ref', commit]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^package: error: .*manifest\.json is missing: run `npm run build` first$/);
  });
});

/**
 * Chromium on Linux installs the CRX named in <user-data-dir>/External Extensions/<id>.json
 * ("external_crx"), through the same CRX3 verifier as a force-installed one, without a policy
 * file in /etc (which would touch every Chromium on the machine). Resolves with what Chromium did.
 */
function installWithChromium(crxFile: string, id: string, profile: string): Promise<'installed' | string> {
  mkdirSync(join(profile, 'External Extensions'), { recursive: true });
  writeFileSync(join(profile, 'External Extensions', `${id}.json`), JSON.stringify({ external_crx: crxFile, external_version: VERSION }));
  const installed = join(profile, 'Default', 'Extensions', id, `${VERSION}_0`, 'manifest.json');
  const chromium = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`,
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-logging=stderr', '--v=0', 'about:blank'],
  { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: profile } });
  return new Promise((done) => {
    let log = '';
    let outcome: string | undefined;
    // Resolve only once Chromium has exited, so it no longer writes into the profile.
    const finish = (result: string) => {
      if (outcome !== undefined) return;
      outcome = result;
      clearInterval(poll);
      if (chromium.pid !== undefined && chromium.exitCode === null) process.kill(-chromium.pid, 'SIGTERM');
    };
    // The unpacked copy appears once the CRX verified and installed; a rejection is logged.
    const poll = setInterval(() => { if (existsSync(installed)) finish('installed'); }, 100);
    chromium.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const error = /Extension error: (.*)/.exec(log);
      if (error) finish(error[1] ?? 'error');
    });
    chromium.on('exit', () => {
      finish(existsSync(installed) ? 'installed' : `chromium exited: ${log.slice(-300)}`);
      done(outcome ?? '');
    });
  });
}

describe('Chromium and the signed package', () => {
  it('installs the .crx under the key\'s ID and refuses it once a byte changes', async () => {
    const out = join(work, 'out-chromium');
    const run = await runPackager(['--dist', dist, '--out', out, '--ref', commit, '--key', keyFile, '--base-url', 'https://intranet.example/']);
    expect(run.code, run.stderr).toBe(0);
    const id = idFromDer(keyDer);
    const crxFile = join(out, `intransit-${VERSION}.crx`);
    expect(await installWithChromium(crxFile, id, join(work, 'chromium-good'))).toBe('installed');
    const installed = JSON.parse(readFileSync(join(work, 'chromium-good', 'Default', 'Extensions', id, `${VERSION}_0`, 'manifest.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(VERSION);

    const tampered = readFileSync(crxFile);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 100) ^ 1, tampered.length - 100);
    const tamperedFile = join(work, 'tampered.crx');
    writeFileSync(tamperedFile, tampered);
    expect(await installWithChromium(tamperedFile, id, join(work, 'chromium-bad'))).toMatch(/CRX_SIGNATURE_VERIFICATION_FAILED/);
  });
});

