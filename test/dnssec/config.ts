// Configuration files of the world's servers, written into its temp dir.
import { ADDRESSES, SERVERS } from './scenarios.ts';

/**
 * One named, one view per address: the root on ADDRESSES.root, `test.` on ADDRESSES.tld, every
 * zone below it on ADDRESSES.leaf. Separate views keep the delegations real (the root server
 * refers to the TLD server, which refers to the leaf server) although one process serves all.
 * Authoritative only: no recursion, no validation, no re-signing (dnssec-policy none is the
 * default in BIND 9.18), no notifies, no control channel.
 */
export function namedConf(dir: string, files: Map<string, string>, lame: readonly string[]): string {
  const zone = (name: string, file: string) => `    zone "${name === '' ? '.' : name}" { type primary; file "${file}"; };`;
  const leafZones = [...files].filter(([name]) => name !== '' && name !== 'test').map(([name, file]) => zone(name, file));
  const root = files.get('');
  const tld = files.get('test');
  if (!root || !tld) throw new Error('namedConf: the root and test. zones are required');
  return `// named for the DNSSEC test world (generated)
options {
  directory "${dir}";
  pid-file none;
  session-keyfile none;
  listen-on port 53 { ${ADDRESSES.root}; ${ADDRESSES.tld}; ${ADDRESSES.leaf}; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { none; };
  minimal-responses no;
};
controls { };
view "root" { match-destinations { ${ADDRESSES.root}; };
${zone('', root)}
};
view "tld" { match-destinations { ${ADDRESSES.tld}; };
${zone('test', tld)}
};
// Zones delegated to ${SERVERS.leaf.name} but not served here answer REFUSED: ${lame.join(', ') || 'none'}.
view "leaf" { match-destinations { ${ADDRESSES.leaf}; };
${leafZones.join('\n')}
};
`;
}

/**
 * unbound as the validating resolver (RFC 4035 §4): trust anchor = the test root's key, root
 * hints on loopback, DNS on 53 and DoH (RFC 8484, HTTP/2) on 443 with a test-CA certificate,
 * Extended DNS Errors on (RFC 8914).
 */
export function unboundConf(options: { dir: string; hintsFile: string; anchorFile: string; keyFile: string; certFile: string }): string {
  return `# unbound for the DNSSEC test world (generated)
server:
  verbosity: 1
  interface: ${ADDRESSES.resolver}@53
  interface: ${ADDRESSES.resolver}@443
  https-port: 443
  tls-service-key: "${options.keyFile}"
  tls-service-pem: "${options.certFile}"
  http-endpoint: "/dns-query"
  do-ip6: no
  # The authoritative servers live on loopback.
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "${options.dir}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  log-servfail: yes
  root-hints: "${options.hintsFile}"
  trust-anchor-file: "${options.anchorFile}"
  # unbound answers "test." itself by default (RFC 6761 special-use name): let it resolve.
  local-zone: "test." nodefault
  ede: yes
  val-log-level: 2
  num-threads: 1
  module-config: "validator iterator"
  # Bogus answers are not remembered: unbound 1.17 answers a cached bogus message with the bare
  # EDE 6, so without this the second asker of a broken name would get a less precise EDE than
  # the first (the engine and the CLI run at the same time). Every query validates afresh.
  val-bogus-ttl: 0
  cache-max-negative-ttl: 60
  infra-host-ttl: 60
remote-control:
  control-enable: no
`;
}

/** Root hints: the test root's one server. */
export function rootHints(): string {
  return `. 3600000 NS ${SERVERS.root.name}.\n${SERVERS.root.name}. 3600000 A ${SERVERS.root.address}\n`;
}

/**
 * /etc/resolv.conf inside the namespace, for libc resolvers (posttls-finger, mta-sts-query):
 * glibc ≥ 2.31 clears the AD bit of answers unless `trust-ad` is set; `edns0` lets the DO bit
 * and large answers through.
 */
export function resolvConf(): string {
  return `nameserver ${ADDRESSES.resolver}\noptions trust-ad edns0 attempts:1 timeout:2\n`;
}
