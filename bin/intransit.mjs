#!/usr/bin/env node
// `intransit`: runs the bundled CLI in dist/cli (plain JavaScript, no TypeScript loader).
// `npm ci` builds it (prepare). In a checkout, the bundle is rebuilt here first when it is missing
// or any of its sources changed since (size or mtime differ from dist/cli/inputs.json): about 60
// stat calls, well under a millisecond, and a build of about half a second when needed.
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const entry = new URL('dist/cli/main.js', root);

function isFresh() {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8')).inputs;
  } catch {
    return false;
  }
  // An installed copy without sources runs what it was given.
  if (!existsSync(new URL('src/cli/main.ts', root))) return existsSync(entry);
  return existsSync(entry) && inputs.every(([path, size, mtimeMs]) => {
    try {
      const stat = statSync(new URL(path, root));
      return stat.size === size && stat.mtimeMs === mtimeMs;
    } catch {
      return false;
    }
  });
}

if (!isFresh()) {
  try {
    const { buildCli } = await import('./build-cli.mjs');
    await buildCli();
  } catch (error) {
    if (!existsSync(entry)) {
      process.stderr.write(`intransit: the CLI is not built and cannot be built here (${error instanceof Error ? error.message : String(error)}); run npm ci, or npm run build:cli\n`);
      process.exit(70);
    }
    process.stderr.write('intransit: warning: the CLI bundle is older than its sources and could not be rebuilt; running it as it is\n');
  }
}
const { runProcess } = await import(entry.href);
await runProcess(process.argv.slice(2));
