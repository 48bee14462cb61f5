// `npm run bench`: the project's own benchmarks. Prints Markdown tables (pasted into notes).
// `npm run bench -- engine`, `-- scheduling`, `-- browser`, `-- content`, `-- service` or `-- peer` runs one part. The browser and content parts need the builds
// (`npm run build && npm run build:test`); the peer part needs root, gcc, libnetfilter-queue-dev,
// iptables and postfix-mta-sts-resolver besides the DNSSEC world's packages (bench/peer.ts).
import { benchBrowser, formatBrowserRows } from './browser.ts';
import { benchContent, formatContentRows } from './content.ts';
import { benchEngine, formatEngineRows } from './engine.ts';
import { benchScheduling, formatSchedulingRows } from './engine-scheduling.ts';
import { benchPeer, formatPeer } from './peer.ts';
import { benchService, formatServiceBench } from './service.ts';

const only = process.argv[2];
if (!only || only === 'engine') {
  console.log('## Engine: cold/warm assessment with a per-request delay D on resolver and policy hosts\n');
  console.log(formatEngineRows(await benchEngine()));
  console.log();
}
if (!only || only === 'engine' || only === 'scheduling') {
  console.log('## Engine scheduling alone: in-memory network, every answer exactly D ms later (no TLS, no server CPU)\n');
  console.log(formatSchedulingRows(await benchScheduling()));
  console.log();
}
if (!only || only === 'browser') {
  console.log('## The engine in the browser: the same batch, assessed by the extension in real Chromium (test build)\n');
  console.log(formatBrowserRows(await benchBrowser()));
  console.log();
}
if (!only || only === 'content') {
  console.log('## Content scripts in Chromium, per webmail (5,000-element page, 3 composes, 50 recipients) and bundle sizes\n');
  console.log(formatContentRows(await benchContent()));
}
if (!only || only === 'service') {
  console.log('\n## Lookup service: cold batch with delay D, warm server time at 200 req/s, memory after 20,000 domains\n');
  console.log(formatServiceBench(await benchService()));
}
if (!only || only === 'peer') {
  console.log('\n## Peer: intransit check vs mta-sts-query through a validating unbound, added round trip D on every client packet\n');
  console.log(formatPeer(await benchPeer()));
}
