// The added network delay of the peer benchmark, inside the DNSSEC world's private network
// namespace. This kernel has no sch_netem, so: iptables hands the client's packets to NFQUEUE
// queue 0 and delayer.c (built here with gcc against libnetfilter-queue) holds each one for D/2
// before accepting it. Every packet on loopback passes INPUT once, so each round trip of the
// client grows by D: TCP and TLS handshakes, DNS and HTTP exchanges alike.
//
// Only the client's traffic is delayed: to and from the resolver's service ports (DNS 53, DoH
// 443 on the resolver's address) and the MTA-STS policy host (443). The resolver's own
// recursion to the authoritative servers (from a random port to 127.0.1.x:53) is not: the
// benchmark measures the checking clients, with the resolver's cache warmed before timing.
//
// Debian packages: gcc, libnetfilter-queue-dev (build), iptables (rules); needs root.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DnssecWorld } from '../../test/dnssec/world.ts';

const run = promisify(execFile);
const SOURCE = join(import.meta.dirname, 'delayer.c');
const HEADER = '/usr/include/libnetfilter_queue/libnetfilter_queue.h';

/** One packet as the delayer logged it: CLOCK_MONOTONIC ns (Node's process.hrtime.bigint()). */
export interface PacketRecord {
  inNs: bigint;
  outNs: bigint;
  proto: string;
  from: string;
  to: string;
}

export interface Delayer {
  /** Sets the added round-trip time (each packet is held d/2). */
  setRoundTrip(ms: number): Promise<void>;
  /** Packets released since the last call (the log is then cleared). */
  take(): Promise<PacketRecord[]>;
  stop(): void;
}

/** Compiles delayer.c into `dir`; a clear error names the missing Debian package. */
export async function buildDelayer(dir: string): Promise<string> {
  if (!existsSync(HEADER)) throw new Error(`peer bench: ${HEADER} is missing — apt-get install libnetfilter-queue-dev`);
  const out = join(dir, 'delayer');
  try {
    await run('gcc', ['-O2', '-Wall', '-o', out, SOURCE, '-lnetfilter_queue', '-lnfnetlink']);
  } catch (error) {
    throw new Error(`peer bench: gcc could not build the delayer (apt-get install gcc libnetfilter-queue-dev): ${(error as Error).message}`, { cause: error });
  }
  return out;
}

/** iptables rules (INPUT, queue 0, bypass when no delayer listens) for the client's traffic. */
export function delayRules(resolver: string, policyHost: string): string[][] {
  const queue = ['-j', 'NFQUEUE', '--queue-num', '0', '--queue-bypass'];
  const rules: string[][] = [];
  for (const proto of ['udp', 'tcp']) {
    rules.push(['-p', proto, '-d', resolver, '--dport', '53', ...queue], ['-p', proto, '-s', resolver, '--sport', '53', ...queue]);
  }
  rules.push(['-p', 'tcp', '-d', resolver, '--dport', '443', ...queue], ['-p', 'tcp', '-s', resolver, '--sport', '443', ...queue]);
  rules.push(['-p', 'tcp', '-d', policyHost, '--dport', '443', ...queue], ['-p', 'tcp', '-s', policyHost, '--sport', '443', ...queue]);
  return rules.map((rule) => ['-A', 'INPUT', ...rule]);
}

export async function startDelayer(world: DnssecWorld, binary: string): Promise<Delayer> {
  for (const rule of delayRules(world.addresses.resolver, world.addresses.policy)) {
    const result = await world.run('iptables', rule);
    if (result.code !== 0) throw new Error(`peer bench: iptables ${rule.join(' ')} failed: ${result.stderr.trim()}`);
  }
  const child: ChildProcess = world.spawn(binary, ['0', '0']);
  const log: PacketRecord[] = [];
  const waiters: { prefix: string; resolve: () => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const ready = new Promise<void>((resolve, reject) => {
    waiters.push({ prefix: 'READY', resolve });
    child.once('close', (code) => reject(new Error(`peer bench: the delayer exited (${code}): ${stderr.trim()}`)));
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const waiter = waiters[0];
      if (waiter && line.startsWith(waiter.prefix)) {
        waiters.shift();
        waiter.resolve();
        continue;
      }
      const [inNs, outNs, proto, from, to] = line.split(' ');
      if (inNs && outNs && proto && from && to && /^\d+$/.test(inNs)) log.push({ inNs: BigInt(inNs), outNs: BigInt(outNs), proto, from, to });
    }
  });
  await ready;
  const command = (text: string): Promise<void> => new Promise((resolve) => {
    waiters.push({ prefix: `OK ${text}`, resolve });
    child.stdin?.write(`${text}\n`);
  });
  return {
    async setRoundTrip(ms) {
      await command(`D ${Math.round(ms * 500)}`);
    },
    async take() {
      await command('F');
      return log.splice(0, log.length);
    },
    stop() {
      child.stdin?.end();
      child.kill('SIGKILL');
    },
  };
}
