// A private network + mount + PID namespace made with util-linux `unshare`, so the world's
// servers (named and unbound on port 53, DoH and policy hosts on 443, SMTP on 25) never touch
// the machine's own ports or /etc/resolv.conf. Needs root (CI runs as root).
//
// Inside: `lo` is up with the extra loopback addresses, /etc/resolv.conf is a bind mount of the
// world's own file, and the first process (the agent, PID 1 there) owns everything. The test
// process reaches the namespace only through child processes started with `nsenter` (run()).
// Cleanup cannot be forgotten: the agent exits when its stdin closes — also when the test
// process dies — and when PID 1 of a PID namespace exits, the kernel kills all the rest.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to the child's standard input (which is then closed). */
  input?: string;
  /** Killed (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface Namespace {
  /** Host PID of the namespace's first process (for `nsenter -t`). */
  readonly pid: number;
  /** The agent's READY line, parsed. */
  readonly ready: unknown;
  /** Runs a command inside the namespaces (network, mount, PID). Never rejects for a non-zero exit. */
  run(command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Starts a long-lived process inside (a packet delayer, a server) with piped stdio; it is killed
   * by stop() at the latest.
   */
  spawn(command: string, args?: readonly string[], options?: Pick<RunOptions, 'env' | 'cwd'>): ChildProcess;
  /** The argv prefix that runs a command inside (for callers that spawn themselves). */
  readonly enter: readonly string[];
  /** Ends everything inside; idempotent. */
  stop(): Promise<void>;
}

export interface StartNamespaceOptions {
  /** Extra addresses put on `lo` (each /32). */
  addresses: readonly string[];
  /** Bind-mounted over /etc/resolv.conf inside. */
  resolvConf: string;
  /** The first process: `[command, ...args]`. It must print a line starting with `READY` once up. */
  init: readonly string[];
  cwd: string;
  /** Give up when READY has not come within this long. */
  readyTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

const REQUIRED = ['unshare', 'nsenter', 'ip', 'mount'];

/** The shell that prepares the namespace before `exec`ing the first process. */
function setupScript(addresses: readonly string[]): string {
  return [
    'set -e',
    'ip link set lo up',
    ...addresses.map((address) => `ip addr add ${address}/32 dev lo`),
    'mount --bind "$1" /etc/resolv.conf',
    'shift',
    'exec "$@"',
  ].join('\n');
}

function childPidOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const first = Number(text.split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : undefined;
  } catch {
    return undefined;
  }
}

export async function startNamespace(options: StartNamespaceOptions): Promise<Namespace> {
  if (process.getuid?.() !== 0) throw new Error('dnssec world: needs root (unshare --net/--pid, binding ports 25/53/443); CI runs as root');
  await requireBinaries(REQUIRED, 'util-linux and iproute2');
  const child = spawn('unshare', [
    '--net', '--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', '--kill-child', '--',
    'sh', '-c', setupScript(options.addresses), 'dnssec-world-init', options.resolvConf, ...options.init,
  ], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const ready = await new Promise<unknown>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dnssec world: not ready after ${options.readyTimeoutMs} ms\n${stderr}`));
    }, options.readyTimeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n').find((l) => l.startsWith('READY'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('READY'.length).trim() || 'null'));
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`dnssec world: unshare could not be started: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`dnssec world: the namespace ended before it was ready (${signal ?? code})\n${stderr.trim()}`));
    });
  });

  const pid = childPidOf(child.pid as number);
  if (pid === undefined) {
    child.kill('SIGKILL');
    throw new Error('dnssec world: cannot find the namespace\'s first process');
  }
  // --wd: entering a mount namespace would otherwise start the command in "/".
  const enter = ['nsenter', '-t', String(pid), '--net', '--mount', '--pid', `--wd=${options.cwd}`, '--'];
  const running = new Set<ChildProcess>();

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    child.stdin?.end();
    // PID 1 of the namespace gone = every process inside killed by the kernel.
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const inner of running) inner.kill('SIGKILL');
    await exited;
  })());

  return {
    pid,
    ready,
    enter,
    run(command, args = [], runOptions = {}) {
      return runInside(enter, command, args, runOptions, running, options.cwd);
    },
    spawn(command, args = [], spawnOptions = {}) {
      const inner = spawn(enter[0] as string, [...withWd(enter, spawnOptions.cwd).slice(1), command, ...args], {
        cwd: options.cwd,
        env: spawnOptions.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      running.add(inner);
      inner.once('close', () => running.delete(inner));
      return inner;
    },
    stop,
  };
}

function runInside(enter: readonly string[], command: string, args: readonly string[], options: RunOptions, running: Set<ChildProcess>, cwd: string): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const prefix = withWd(enter, options.cwd);
    const child = spawn(prefix[0] as string, [...prefix.slice(1), command, ...args], {
      cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
    child.once('error', (error) => {
      stderr += `\n${error.message}`;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
}

function withWd(enter: readonly string[], cwd: string | undefined): readonly string[] {
  return cwd ? enter.map((arg) => (arg.startsWith('--wd=') ? `--wd=${cwd}` : arg)) : enter;
}

/** Throws a clear error naming the first missing binary (never a skip). */
export async function requireBinaries(names: readonly string[], debianHint: string): Promise<void> {
  const missing: string[] = [];
  await Promise.all(names.map((name) => new Promise<void>((resolve) => {
    const probe = spawn('sh', ['-c', `command -v "${name}"`], { stdio: 'ignore' });
    probe.once('close', (code) => {
      if (code !== 0) missing.push(name);
      resolve();
    });
    probe.once('error', () => {
      missing.push(name);
      resolve();
    });
  })));
  if (missing.length > 0) throw new Error(`dnssec world: missing ${missing.sort().join(', ')} — install ${debianHint} (see .ci/run)`);
}
