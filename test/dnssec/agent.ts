// The first process of the DNSSEC world's private namespaces (network, mount, PID; see netns.ts):
// it starts named and unbound, serves the SMTP listener and the MTA-STS policy hosts itself,
// waits until the resolver validates the test root, prints one `READY` line, and then lives
// until its standard input closes (the test process ended or called stop()).
// It is PID 1 of the PID namespace: when it exits, the kernel kills every process left in the
// namespace — named, unbound, and whatever run() started there — so nothing outlives a test run.
//
//   node --import tsx test/dnssec/agent.ts <config.json>
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { once } from 'node:events';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import * as dnsPacket from '@dnsquery/dns-packet';
import type { Answer } from '@dnsquery/dns-packet';
import { startSmtpListener } from './smtp-listener.ts';

export interface AgentConfig {
  dir: string;
  namedConf: string;
  unboundConf: string;
  smtp: { host: string; port: number; key: string; cert: string };
  policy: { host: string; port: number; hosts: Record<string, { body: string; key: string; cert: string }> };
  /** Readiness: this name's SOA must come back from the resolver with AD=1. */
  probe: { server: string; name: string };
}

const POLICY_PATH = '/.well-known/mta-sts.txt';
const READY_TIMEOUT_MS = 15_000;

const children: ChildProcess[] = [];
let stopping = false;

function fail(message: string): never {
  process.stderr.write(`dnssec-world agent: ${message}\n`);
  shutdown(1);
}

function shutdown(code: number): never {
  stopping = true;
  for (const child of children) child.kill('SIGKILL');
  process.exit(code);
}

/** Starts `command`, logs its output to `<dir>/<log>`, resolves when a line matches `ready`. */
function startDaemon(dir: string, log: string, command: string, args: string[], ready: RegExp, problems: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const out = createWriteStream(join(dir, log));
    const seen: string[] = [];
    let settled = false;
    let pending = '';
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (problems.test(line)) seen.push(line);
        if (!settled && ready.test(line)) {
          settled = true;
          if (seen.length > 0) reject(new Error(`${command} reported problems:\n${seen.join('\n')}`));
          else resolve();
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      settled = true;
      reject(new Error(`${command} could not be started: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      if (!settled) {
        settled = true;
        reject(new Error(`${command} exited (${signal ?? code}) before it was ready; see ${join(dir, log)}:\n${seen.concat(pending).join('\n')}`));
      } else if (!stopping) {
        fail(`${command} exited unexpectedly (${signal ?? code}); see ${join(dir, log)}`);
      }
    });
  });
}

/** One UDP query with DO=1 and AD=1; resolves with the answer's rcode and AD bit, or null on timeout. */
function probeOnce(server: string, name: string, timeoutMs: number): Promise<{ rcode: string; ad: boolean } | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      try {
        const packet = dnsPacket.decode(message);
        resolve({ rcode: String(packet.rcode ?? ''), ad: ((packet.flags ?? 0) & 0x20) !== 0 });
      } catch {
        resolve({ rcode: 'undecodable', ad: false });
      }
    });
    const query = dnsPacket.encode({
      type: 'query', id: Math.floor(Math.random() * 65_535), flags: 0x0100 | 0x0020,
      questions: [{ type: 'SOA', name, class: 'IN' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: 0x8000 } as unknown as Answer],
    });
    socket.send(query, 53, server);
  });
}

async function waitForValidation(server: string, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const answer = await probeOnce(server, name, 500);
    if (answer?.rcode === 'NOERROR' && answer.ad) return;
    if (answer) last = `${answer.rcode}, AD=${answer.ad ? 1 : 0}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the resolver does not validate ${name} SOA (last: ${last}); the trust chain from the test root is broken`);
}

function startPolicyHosts(config: AgentConfig['policy']): Promise<Server> {
  const contexts = new Map<string, SecureContext>();
  for (const [host, entry] of Object.entries(config.hosts)) contexts.set(host, createSecureContext({ key: entry.key, cert: entry.cert }));
  const fallback = contexts.values().next().value;
  const server = createHttpsServer({
    SNICallback: (servername, callback) => callback(null, contexts.get(servername.toLowerCase()) ?? fallback),
  }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const entry = config.hosts[host];
    if (!entry || req.url?.split('?')[0] !== POLICY_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(entry.body) }).end(entry.body);
  });
  server.listen(config.port, config.host);
  return once(server, 'listening').then(() => server);
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) fail('usage: agent.ts <config.json>');
  const config = JSON.parse(readFileSync(file, 'utf8')) as AgentConfig;
  process.on('SIGTERM', () => shutdown(0));
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  process.stdin.resume();

  // named logs "running" alone once every zone is loaded (or has failed to load).
  const named = startDaemon(config.dir, 'named.log', 'named', ['-g', '-4', '-n', '1', '-c', config.namedConf],
    /\srunning$/, /(loading from master file .* failed|not loaded due to errors|could not listen|permission denied)/i);
  const unbound = startDaemon(config.dir, 'unbound.log', 'unbound', ['-d', '-c', config.unboundConf],
    /start of service/, /\b(error|fatal):/i);
  const [smtp, policy] = await Promise.all([startSmtpListener(config.smtp), startPolicyHosts(config.policy), named, unbound]);
  await waitForValidation(config.probe.server, config.probe.name);
  process.stdout.write(`READY ${JSON.stringify({ named: children[0]?.pid, unbound: children[1]?.pid, smtp: smtp.server.address(), policy: policy.address() })}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
