// Runs the real CLI as a user does: bin/intransit.mjs in a child process, which runs the built
// bundle in dist/cli (rebuilt first if its sources changed). The environment is the test's own,
// without proxy variables (unless a test sets them) and with INTRANSIT_DEBUG_EXIT=1, so that a
// process that only ended through the CLI's last-resort exit says so on stderr.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '../../bin/intransit.mjs');

export interface CliRun {
  /** Exit code; null when the process was killed (it did not exit by itself in time). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
  /** True when the process needed the forced exit (something still held the event loop). */
  forcedExit: boolean;
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

export function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string; killAfterMs?: number } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, INTRANSIT_DEBUG_EXIT: '1' };
  for (const name of PROXY_VARIABLES) delete env[name];
  Object.assign(env, options.env);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env, timeout: options.killAfterMs ?? 60_000 }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code: error?.killed ? null : code, stdout, stderr, ms, forcedExit: stderr.includes('forced exit') });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
