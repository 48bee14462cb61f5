#!/usr/bin/env node
// `intransit`: runs the bundled CLI in dist/cli (plain JavaScript, no TypeScript loader).
// `npm ci` builds it (prepare). In a checkout, the bundle is rebuilt here first when it is missing
// or any of its sources changed since (size or mtime differ from dist/cli/inputs.json): about 90
// stat calls, under a millisecond, and a build of about half a second when needed.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const entry = new URL('dist/cli/main.js', root);
// Plain paths, not URLs: they halve the check's cost.
const rootPath = fileURLToPath(root);

function isFresh() {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(`${rootPath}dist/cli/inputs.json`, 'utf8')).inputs;
  } catch {
    return false;
  }
  // An installed copy without sources runs what it was given.
  if (!existsSync(`${rootPath}src/cli/main.ts`)) return existsSync(entry);
  return existsSync(entry) && inputs.every(([path, size, mtimeMs]) => {
    const stat = statSync(`${rootPath}${path}`, { throwIfNoEntry: false });
    return stat !== undefined && stat.size === size && stat.mtimeMs === mtimeMs;
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
