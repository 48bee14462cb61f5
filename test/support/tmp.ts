// One temp dir per test process under os.tmpdir(), removed when the process exits. Support code
// puts PEM files, NSS databases, Chromium profiles and throwaway extensions below it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

/** The per-run temp dir (created on first use, removed at process exit). */
export function runTempDir(): string {
  if (root === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'intransit-test-'));
    root = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

/** A fresh, empty directory inside the per-run temp dir. */
export function makeTempDir(prefix = 'dir-'): string {
  return mkdtempSync(join(runTempDir(), prefix));
}

/** Writes `content` to `name` inside a fresh temp dir (or inside `dir`) and returns the path. */
export function writeTempFile(name: string, content: string | Uint8Array, dir?: string): string {
  const target = dir ?? makeTempDir('file-');
  mkdirSync(target, { recursive: true });
  const path = join(target, name);
  writeFileSync(path, content);
  return path;
}

/** Removes a directory made by makeTempDir early (e.g. a 100 MB Chromium profile). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
