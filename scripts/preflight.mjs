// Checks, before the tests start, that the system programs the tests drive exist.
// As root with apt-get at hand it installs them (as .ci/run does); otherwise it stops at once
// with the one command to run.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const needs = [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/certutil', 'libnss3-tools'],
  ['/usr/bin/firefox-esr', 'firefox-esr'],
  // The DNSSEC world of the integration tests (test/dnssec).
  ['/usr/sbin/named', 'bind9'],
  ['/usr/bin/dnssec-signzone', 'bind9-utils'],
  ['/usr/sbin/unbound', 'unbound'],
  ['/usr/sbin/posttls-finger', 'postfix'],
  ['/usr/bin/kdig', 'knot-dnsutils'],
  ['/usr/bin/redis-server', 'redis-server'], // the lookup service's multi-instance test
];
const missing = () => needs.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
let lacking = missing();
if (lacking.length > 0 && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.error(`preflight: installing ${lacking.join(' ')} with apt-get`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...lacking], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    // fall through to the message below
  }
  lacking = missing();
}
if (lacking.length > 0) {
  console.error(`preflight: missing ${lacking.join(', ')}; run: sudo apt-get install -y ${lacking.join(' ')}`);
  process.exit(1);
}
