#!/usr/bin/env node
// Builds the CLI bundle: src/cli/main.ts -> dist/cli/main.js (ESM for Node 20, every dependency
// inside), with code splitting so that each subcommand and the engine load only when used.
// Run by `npm run build:cli`, by `prepare` (so `npm ci` leaves a ready bundle), and by
// bin/intransit.mjs when the bundle is missing or older than its sources.
// dist/cli/inputs.json lists the source files with their size and mtime, for that staleness check.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(ROOT, 'dist', 'cli');
export const INPUTS_FILE = join(OUT_DIR, 'inputs.json');

/** Writes a file whole or not at all (another process may be loading the bundle meanwhile). */
function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

function listFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Builds dist/cli; returns the files written (path relative to ROOT, bytes). */
export async function buildCli() {
  let build;
  try {
    ({ build } = await import('esbuild'));
  } catch (error) {
    throw new Error(`esbuild is not installed (a development dependency: npm ci without --omit=dev): ${error.message}`, { cause: error });
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    define: { __INTRANSIT_VERSION__: JSON.stringify(pkg.version) },
    // CommonJS dependencies (the lookup service's @redis/client, rate-limiter-flexible) call
    // require() for Node's built-ins, which an ES module lacks: give each output file one.
    banner: { js: "import { createRequire as __intransitCreateRequire } from 'node:module'; const require = __intransitCreateRequire(import.meta.url);" },
    // Less to parse at start-up; names are kept so stack traces stay readable.
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const written = new Set();
  // Chunks first, the entry after them: a process that sees the new entry finds every chunk.
  const outputs = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('main.js')) - Number(b.path.endsWith('main.js')));
  for (const file of outputs) {
    writeAtomic(file.path, file.contents);
    written.add(file.path);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((path) => !path.includes('node_modules/'))
    .concat('package.json')
    .sort()
    .map((path) => {
      const stat = statSync(join(ROOT, path));
      return [path, stat.size, stat.mtimeMs];
    });
  writeAtomic(INPUTS_FILE, JSON.stringify({ inputs }));
  written.add(INPUTS_FILE);
  // Chunks of earlier builds are not loaded by this one.
  for (const path of listFiles(OUT_DIR)) if (!written.has(path) && !path.endsWith('.tmp')) rmSync(path, { force: true });
  return [...written].map((path) => ({ path: relative(ROOT, path), bytes: statSync(path).size }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let files;
  try {
    files = await buildCli();
  } catch (error) {
    // `npm ci --omit=dev` (a production image) runs prepare without esbuild: nothing to build
    // then, and nothing that needs it; anything else is a real failure.
    if (process.env.npm_lifecycle_event === 'prepare' && /esbuild is not installed/.test(error.message)) {
      console.warn(`intransit: CLI bundle not built: ${error.message}`);
      process.exit(0);
    }
    throw error;
  }
  const js = files.filter((f) => f.path.endsWith('.js'));
  const total = js.reduce((sum, f) => sum + f.bytes, 0);
  const entry = js.find((f) => f.path.endsWith('main.js'));
  console.log(`dist/cli: ${js.length} files, ${(total / 1024).toFixed(1)} KiB of JavaScript (entry ${((entry?.bytes ?? 0) / 1024).toFixed(1)} KiB)`);
}
