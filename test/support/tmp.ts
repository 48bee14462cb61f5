// One temp dir per test process under os.tmpdir(), removed when the process exits. Support code
// puts PEM files, NSS databases, Chromium profiles and throwaway extensions below it.
// Vitest ends its worker processes without running 'exit' handlers, so the name carries the
// owner's pid and each new run also removes the dirs of processes that no longer exist.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'intransit-test-';
let root: string | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^intransit-test-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** The per-run temp dir (created on first use, removed at process exit). */
export function runTempDir(): string {
  if (root === undefined) {
    removeOrphans();
    const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
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
