// `npm run package`: release packages from the built extension (docs/packaging.md).
//
//   artifacts/intransit-chrome-<v>.zip   dist/chrome for the Chrome Web Store, manifest `key` removed
//   artifacts/intransit-firefox-<v>.zip  dist/firefox for addons.mozilla.org
//   artifacts/intransit-source-<v>.zip   the git tree of --ref (default HEAD) + SOURCE-README.md, for AMO review
//   artifacts/intransit-<v>.crx          with --key: CRX3 of dist/chrome (manifest `key` kept), for self-hosting
//   artifacts/updates.xml                with --key: the update manifest that points at --base-url
//   artifacts/SHA256SUMS                 digests of the files written by this run
//
// Every archive is deterministic: entries sorted by path, one fixed timestamp (SOURCE_DATE_EPOCH
// or 1980-01-01 00:00:00), fixed modes, no extra fields, deflate at a fixed level. Same inputs and
// the same Node (zlib) version give the same bytes.
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ZipFile } from 'yazl';
import { createCrx3, extensionIdFromPublicKey, publicKeyDer } from './crx3.ts';

/** A failure with a one-line message for the person running the command. */
export class PackageError extends Error {}

export interface ZipEntry {
  /** POSIX path inside the archive. */
  path: string;
  data: Buffer;
  /** Unix mode with file type bits; 0o100644 unless given. */
  mode?: number;
}

const FILE_MODE = 0o100644;
const EXECUTABLE_MODE = 0o100755;
const DEFLATE_LEVEL = 9;

/**
 * The one timestamp stamped on every entry. yazl converts a Date to DOS date/time in the local
 * time zone, so the Date is built from the UTC wall clock: the archive bytes do not depend on TZ.
 */
export function archiveTimestamp(sourceDateEpoch: string | undefined): Date {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') return new Date(1980, 0, 1, 0, 0, 0);
  if (!/^\d{1,12}$/.test(sourceDateEpoch)) {
    throw new PackageError(`SOURCE_DATE_EPOCH must be a number of seconds, got "${sourceDateEpoch}"`);
  }
  const utc = new Date(Number(sourceDateEpoch) * 1000);
  if (utc.getUTCFullYear() < 1980) return new Date(1980, 0, 1, 0, 0, 0); // DOS dates start in 1980
  return new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate(),
    utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
}

/** A ZIP of the entries, sorted by path, with nothing that varies between runs. */
export function deterministicZip(entries: readonly ZipEntry[], mtime: Date): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.path === sorted[i - 1]?.path) throw new PackageError(`duplicate archive entry ${sorted[i]?.path}`);
  }
  const zip = new ZipFile();
  for (const entry of sorted) {
    // forceDosTimestamp: no "UT" extra field with a Unix time, so the central directory has no extra fields.
    zip.addBuffer(entry.data, entry.path, {
      mtime, mode: entry.mode ?? FILE_MODE, compress: true, compressionLevel: DEFLATE_LEVEL, forceDosTimestamp: true,
    });
  }
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', fail);
    zip.outputStream.on('end', () => done(Buffer.concat(chunks)));
    zip.end();
  });
}

/** Every regular file under dir, as archive entries with POSIX paths relative to dir. */
export function readTree(dir: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const full = join(current, name);
      const stat = lstatSync(full);
      const path = relative(dir, full).split('\\').join('/');
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) entries.push({ path, data: readFileSync(full) });
      else throw new PackageError(`${full} is neither a file nor a directory; the package takes regular files only`);
    }
  };
  walk(dir);
  return entries;
}

function readJson(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PackageError(`${file} is missing: run \`npm run build\` first`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new PackageError(`${file} is not a JSON object`);
  }
}

function git(root: string, args: string[], input?: string): Buffer {
  try {
    return execFileSync('git', ['-C', root, ...args], { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n')[0] ?? '';
    throw new PackageError(`git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

/**
 * An unpacked source archive: SOURCE-README.md at the root, which is not the top of a git
 * repository (it may sit inside an unrelated one, e.g. a home directory kept in git).
 */
export function isUnpackedSourceArchive(root: string): boolean {
  if (!existsSync(join(root, 'SOURCE-README.md'))) return false;
  try {
    const top = execFileSync('git', ['-C', root, 'rev-parse', '--show-toplevel'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return realpathSync(top) !== realpathSync(root);
  } catch {
    return true;
  }
}

export interface SourceTree {
  commit: string;
  entries: ZipEntry[];
}

/**
 * The files git tracks at a commit (the committed `git ls-files`), read from git's object store,
 * so the archive depends on the commit only and not on uncommitted edits in the working tree.
 */
export function readGitTree(root: string, ref: string): SourceTree {
  const commit = git(root, ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`]).toString().trim();
  const listing = git(root, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8');
  const files: { mode: string; object: string; path: string }[] = [];
  for (const record of listing.split('\0')) {
    if (record === '') continue;
    const match = /^(\d{6}) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(record);
    if (!match) throw new PackageError(`unexpected git ls-tree output: ${record.slice(0, 80)}`);
    const [, mode = '', type = '', object = '', path = ''] = match;
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) {
      throw new PackageError(`${path} is a git ${type} with mode ${mode}; the source archive takes regular files only`);
    }
    files.push({ mode, object, path });
  }
  const batch = git(root, ['cat-file', '--batch'], files.map((f) => f.object).join('\n') + '\n');
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (const file of files) {
    const headerEnd = batch.indexOf(0x0a, offset);
    const header = batch.subarray(offset, headerEnd).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[0] !== file.object || header[1] !== 'blob' || !Number.isInteger(size)) {
      throw new PackageError(`unexpected git cat-file output for ${file.path}`);
    }
    const data = Buffer.from(batch.subarray(headerEnd + 1, headerEnd + 1 + size));
    offset = headerEnd + 1 + size + 1; // content is followed by a newline
    entries.push({ path: file.path, data, mode: file.mode === '100755' ? EXECUTABLE_MODE : FILE_MODE });
  }
  return { commit, entries };
}

/** The SOURCE-README.md of the source archive: how to build exactly what the stores received. */
export function sourceReadme(version: string, commit: string, engines: string): string {
  return `# InTransit ${version}: source code

This archive holds the files git tracks in the InTransit repository at commit
${commit}. The extension packages of this release were built from them.

Requirements: Node.js ${engines} and npm (Linux, macOS or Windows). Nothing else is
downloaded besides the npm packages pinned in package-lock.json.

To build, in the directory this file is in:

    npm ci
    npm run build

\`npm ci\` also builds the command-line tool (dist/cli); npm may warn that esbuild's
install script was not run: the build does not need it. \`npm run build\` runs vite twice
and writes:

- dist/firefox: the Firefox add-on, file for file the contents of
  intransit-firefox-${version}.zip
- dist/chrome: the Chrome extension; intransit-chrome-${version}.zip holds the same files,
  except that its manifest.json has no \`key\` field (the Chrome Web Store assigns its own)

To make the two zips from dist/ (into artifacts/):

    npm run package

(Outside a git checkout, such as this archive, it writes the two store zips and no new
source archive.) The JavaScript in dist/ is bundled and minified by vite, with the
settings in vite.config.ts, from the TypeScript and Preact TSX in src/; nothing else
transforms it.
`;
}

/** The update URL base: https, or http/file only for local testing; no query or fragment. */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PackageError(`--base-url "${raw}" is not an absolute URL (e.g. https://intranet.example/intransit/)`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const allowed = url.protocol === 'https:' || url.protocol === 'file:' || (url.protocol === 'http:' && loopback);
  if (!allowed) throw new PackageError(`--base-url "${raw}" must use https (http only for localhost)`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new PackageError(`--base-url "${raw}" must not have a query, fragment or credentials`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function xmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Google update protocol 2.0 response that Chromium fetches from an extension's update_url. */
export function updateManifestXml(appId: string, codebase: string, version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
  <app appid="${xmlAttribute(appId)}">
    <updatecheck codebase="${xmlAttribute(codebase)}" version="${xmlAttribute(version)}"/>
  </app>
</gupdate>
`;
}

/** --key / INTRANSIT_SIGNING_KEY: a path to a PEM file, or the PEM text itself (CI secrets). */
export function loadSigningKey(source: string): KeyObject {
  let pem: string;
  if (source.trimStart().startsWith('-----BEGIN')) {
    pem = source;
  } else {
    try {
      pem = readFileSync(source, 'utf8');
    } catch {
      throw new PackageError(`cannot read the signing key file ${source}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new PackageError('the signing key is not an unencrypted PEM private key (PKCS#8 or PKCS#1)');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new PackageError(`the signing key is ${key.asymmetricKeyType ?? 'unknown'}; CRX signing here needs RSA`);
  }
  return key;
}

export interface PackageOptions {
  root: string;
  dist: string;
  out: string;
  ref: string;
  keySource?: string;
  baseUrl?: string;
  sourceDateEpoch?: string;
}

export interface WrittenFile {
  name: string;
  sha256: string;
  size: number;
}

export interface PackageResult {
  version: string;
  files: WrittenFile[];
  extensionId?: string;
  warnings: string[];
}

function manifestVersion(manifest: Record<string, unknown>, file: string, version: string): void {
  if (manifest.version !== version) {
    throw new PackageError(`${file} has version ${String(manifest.version)} but package.json has ${version}: run \`npm run build\``);
  }
}

export async function packageExtension(options: PackageOptions): Promise<PackageResult> {
  const pkg = readJson(join(options.root, 'package.json'));
  const version = pkg.version;
  if (typeof version !== 'string' || !/^\d+(\.\d+){0,3}$/.test(version)) {
    throw new PackageError(`package.json version "${String(version)}" is not 1-4 dot-separated integers, as browsers require`);
  }
  const engines = (pkg.engines as { node?: unknown } | undefined)?.node;
  const mtime = archiveTimestamp(options.sourceDateEpoch);
  const warnings: string[] = [];

  const chromeDir = join(options.dist, 'chrome');
  const firefoxDir = join(options.dist, 'firefox');
  const chromeManifestFile = join(chromeDir, 'manifest.json');
  const chromeManifest = readJson(chromeManifestFile);
  const firefoxManifestFile = join(firefoxDir, 'manifest.json');
  manifestVersion(chromeManifest, chromeManifestFile, version);
  manifestVersion(readJson(firefoxManifestFile), firefoxManifestFile, version);

  // Signing inputs are checked before anything is written, so a failure leaves no partial release.
  let signing: { key: KeyObject; baseUrl: URL; id: string } | undefined;
  if (options.keySource !== undefined) {
    if (options.baseUrl === undefined) throw new PackageError('--key needs --base-url (where the .crx and updates.xml will be hosted)');
    const baseUrl = parseBaseUrl(options.baseUrl);
    const key = loadSigningKey(options.keySource);
    const keyDer = publicKeyDer(key);
    const manifestKey = chromeManifest.key;
    if (typeof manifestKey !== 'string') throw new PackageError(`${chromeManifestFile} has no "key"; the self-hosted ID would not be stable`);
    const manifestDer = Buffer.from(manifestKey, 'base64');
    if (!manifestDer.equals(keyDer)) {
      throw new PackageError(`the signing key does not match the "key" in ${chromeManifestFile}: it gives ID ${extensionIdFromPublicKey(keyDer)}, the manifest gives ${extensionIdFromPublicKey(manifestDer)}, so the .crx would not install under the documented ID`);
    }
    signing = { key, baseUrl, id: extensionIdFromPublicKey(keyDer) };
  } else if (options.baseUrl !== undefined) {
    throw new PackageError('--base-url needs --key (the update manifest is only written with a signed .crx)');
  }

  const outputs: { name: string; data: Buffer }[] = [];
  const chromeEntries = readTree(chromeDir);
  // The Chrome Web Store refuses uploads whose manifest has "key" ("key field is not allowed in
  // manifest"); the store assigns its own ID. The self-hosted .crx keeps it (it matches the signing key).
  const { key: _key, ...storeManifest } = chromeManifest;
  const storeEntries = chromeEntries.map((entry) => entry.path === 'manifest.json'
    ? { ...entry, data: Buffer.from(JSON.stringify(storeManifest, null, 2) + '\n') }
    : entry);
  outputs.push({ name: `intransit-chrome-${version}.zip`, data: await deterministicZip(storeEntries, mtime) });
  outputs.push({ name: `intransit-firefox-${version}.zip`, data: await deterministicZip(readTree(firefoxDir), mtime) });

  if (isUnpackedSourceArchive(options.root)) {
    // Building from the source archive, as SOURCE-README.md says: it is the source archive.
    warnings.push('not a git checkout (an unpacked source archive): the store zips are written, no new source archive');
  } else {
    const source = readGitTree(options.root, options.ref);
    if (source.entries.some((entry) => entry.path === 'SOURCE-README.md')) {
      throw new PackageError('SOURCE-README.md is tracked in git; the packager generates it');
    }
    source.entries.push({
      path: 'SOURCE-README.md',
      data: Buffer.from(sourceReadme(version, source.commit, typeof engines === 'string' ? engines : '20 or newer')),
    });
    outputs.push({ name: `intransit-source-${version}.zip`, data: await deterministicZip(source.entries, mtime) });
    const dirty = git(options.root, ['status', '--porcelain', '--untracked-files=no']).toString().trim();
    const head = git(options.root, ['rev-parse', 'HEAD']).toString().trim();
    if (dirty !== '' || head !== source.commit) {
      warnings.push(`the source archive holds commit ${source.commit.slice(0, 12)}, but the working tree differs from it; dist/ may not be built from that source`);
    }
  }

  if (signing) {
    const crxName = `intransit-${version}.crx`;
    const crx = createCrx3(await deterministicZip(chromeEntries, mtime), signing.key);
    outputs.push({ name: crxName, data: crx });
    const codebase = new URL(crxName, signing.baseUrl).href;
    outputs.push({ name: 'updates.xml', data: Buffer.from(updateManifestXml(signing.id, codebase, version)) });
  }

  mkdirSync(options.out, { recursive: true });
  const files: WrittenFile[] = outputs.map(({ name, data }) => {
    writeFileSync(join(options.out, name), data);
    return { name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  });
  writeFileSync(join(options.out, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.name}\n`).join(''));
  return { version, files, warnings, ...(signing ? { extensionId: signing.id } : {}) };
}

const USAGE = 'usage: npm run package -- [--dist DIR] [--out DIR] [--ref GIT-REF] [--key PRIVATE.pem --base-url URL]';

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
          dist: { type: 'string' },
          out: { type: 'string' },
          ref: { type: 'string' },
          key: { type: 'string' },
          'base-url': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      throw new PackageError(`${(error as Error).message.split('\n')[0]}; ${USAGE}`);
    }
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const keySource = values.key ?? (env.INTRANSIT_SIGNING_KEY || undefined);
    const baseUrl = values['base-url'] ?? (env.INTRANSIT_UPDATE_BASE_URL || undefined);
    const out = resolve(values.out ?? join(root, 'artifacts'));
    const result = await packageExtension({
      root,
      dist: resolve(values.dist ?? join(root, 'dist')),
      out,
      ref: values.ref ?? 'HEAD',
      ...(keySource !== undefined ? { keySource } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(env.SOURCE_DATE_EPOCH !== undefined ? { sourceDateEpoch: env.SOURCE_DATE_EPOCH } : {}),
    });
    for (const warning of result.warnings) process.stderr.write(`package: warning: ${warning}\n`);
    for (const file of result.files) {
      const shown = relative(process.cwd(), join(out, file.name));
      process.stdout.write(`${shown.startsWith('..') ? join(out, file.name) : shown}  ${file.size} bytes  sha256 ${file.sha256}\n`);
    }
    if (result.extensionId) process.stdout.write(`extension ID ${result.extensionId}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof PackageError ? error.message : `unexpected failure: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
    process.stderr.write(`package: error: ${message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
