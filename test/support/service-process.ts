// `intransit serve` as its own process, started as an administrator starts it (the built CLI
// through bin/intransit.mjs, no TypeScript loader), for the service's integration and end-to-end
// tests and its benchmark: every JSON log line is collected, and the start resolves with the URL
// of the `listening` event (or fails with the service's stderr if it exits first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const INTRANSIT_BIN = join(import.meta.dirname, '../../bin/intransit.mjs');

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Every JSON log line so far, oldest first. */
  logs: Record<string, unknown>[];
  /** The exit code (null when ended by a signal). */
  exited: Promise<number | null>;
}

export interface ServiceProcessOptions {
  /** The environment, whole (nothing is inherited). */
  env: Record<string, string>;
  /** Node's own flags, before the script. */
  nodeFlags?: string[];
  /** Each stderr line (default: kept for the error message of a failed start). */
  onStderrLine?: (line: string) => void;
  /** The child at once, before it listens (for a caller that must be able to kill it anyway). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Starts `intransit serve <args>` and waits until it listens. */
export async function spawnService(args: readonly string[], options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), INTRANSIT_BIN, 'serve', ...args], {
    cwd: join(import.meta.dirname, '../..'),
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (options.onStderrLine) options.onStderrLine(line);
    else stderr += `${line}\n`;
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.event === 'listening') resolve(entry.url as string);
    });
    void exited.then((code) => reject(new Error(`intransit serve exited (${code}): ${stderr}`)));
  });
  return { url, child, logs, exited };
}
