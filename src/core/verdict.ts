// Evidence -> level and reasons (DESIGN.md "Verdicts"). Pure and synchronous.
//
// Decisions (recorded here because the RFCs leave them to us):
// - A mechanism "fully protects" when MTA-STS is `enforce` with a valid policy that EVERY usable
//   MX host matches, or DANE is published with DNSSEC-secure MX and usable TLSA on EVERY host.
// - Sender awareness: with no sender given, full protection is `protected` and the reason says
//   "if your provider honours …". With a sender given, only a mechanism that sender honours
//   gives `protected`; a fully published mechanism the sender ignores gives `encrypted` (a
//   domain that publishes it certainly offers STARTTLS, but nothing stops a downgrade).
// - MTA-STS `enforce` matching only SOME MX hosts is `encrypted` (partial coverage, DESIGN.md);
//   matching NONE is `misconfigured` (compliant senders refuse to deliver).
// - DANE DNSSEC failure on a host (SERVFAIL in a signed zone) is `misconfigured` unless the
//   sender is known not to use DANE (then a warning): RFC 8461 s2 forbids MTA-STS to override
//   a failing DANE validation (J1).
// - A TXT record that announces MTA-STS with a policy that cannot be fetched or parsed, or an
//   invalid record set, is `misconfigured` unless DANE fully protects for this sender.
// - Without the permission to fetch the policy file, a valid MTA-STS record alone gives
//   `encrypted` with "policy not checked": it never gives `protected`.
// - Any failed lookup that could hide protection or a problem gives `unknown`, never better.
// - A known provider may lift `unverified` to `encrypted`, never to `protected`.
import { summarizeDane } from './dane/index.ts';
import { policyMatches } from './mta-sts/match.ts';
import { providerForHost, providerForHosts } from './providers/index.ts';
import type { Gathered } from './assess.ts';
import type { Assessment, Diagnostic, DnsClass, Evidence, Level, MxHostEvidence, Reason, SenderCapabilities } from './types.ts';
import { classify } from './dns/index.ts';

/** How long an answer that could not be checked is kept before asking again. */
const RETRY_SOON_MS = 30_000;
const MIN_CACHE_MS = 60_000;
const MAX_CACHE_MS = 3_600_000;

type MechanismOutcome =
  | { state: 'full' }
  | { state: 'partial'; reason: Reason }
  | { state: 'none' }
  | { state: 'broken'; reason: Reason }
  | { state: 'unknown'; reason: Reason };

const reason = (severity: Reason['severity'], code: string, message: string): Reason => ({ code, message, severity });

const EMPTY_EVIDENCE = (status: DnsClass): Evidence => ({
  mx: { status, hosts: [], implicit: false, nullMx: false },
  mtaSts: { record: 'absent', policy: 'not-applicable', warnings: [] },
  dane: { mxSecure: false, hosts: [] },
  tlsRpt: { record: 'absent', rua: [] },
});

/** An input that cannot be assessed at all (malformed, address literal, invalid domain). */
export function unassessable(input: string, error: Diagnostic, now: number): Assessment {
  return {
    domain: input.slice(0, 320),
    level: 'unknown',
    reasons: [reason('error', error.code, error.message)],
    evidence: EMPTY_EVIDENCE('error'),
    checkedAt: now,
    expiresAt: now + MAX_CACHE_MS,
  };
}

export function buildVerdict(g: Gathered, sender: SenderCapabilities | undefined, now: number): Assessment {
  const reasons: Reason[] = [];
  const mxStatus = classify(g.mxResult);
  const evidence: Evidence = {
    mx: { status: mxStatus, hosts: [], implicit: false, nullMx: g.mx.kind === 'null-mx' },
    mtaSts: g.mtaSts.evidence,
    dane: g.dane?.evidence ?? { mxSecure: false, hosts: [] },
    tlsRpt: g.tlsRpt.evidence,
  };
  if (sender) evidence.sender = sender;
  const base = { domain: g.domain, ...(g.display !== g.domain ? { displayDomain: g.display } : {}), evidence, checkedAt: now };
  const ttls = [g.mxResult.ttl, g.mtaSts.ttl, g.tlsRpt.ttl, g.dane?.ttl ?? Infinity];
  const done = (level: Level, mechanism?: Assessment['mechanism'], shortLived = false): Assessment => ({
    ...base,
    level,
    ...(mechanism ? { mechanism } : {}),
    reasons: [...reasons, ...supportingReasons(g)],
    expiresAt: now + (shortLived ? RETRY_SOON_MS : clampTtl(ttls)),
  });

  // ----- MX: does the domain accept mail, and where? (standards B) -----
  switch (g.mx.kind) {
    case 'nxdomain':
      reasons.push(reason('error', 'mx.nxdomain', `The domain ${g.display} does not exist, so mail to it cannot be delivered.`));
      return done('undeliverable');
    case 'null-mx':
      reasons.push(reason('error', 'mx.null', `${g.display} publishes a "null MX" record: it states that it accepts no email (RFC 7505).`));
      return done('undeliverable');
    case 'failed':
      reasons.push(reason('error', 'mx.lookup-failed', `The mail servers of ${g.display} could not be looked up (${describeFailure(mxStatus, g.mxResult.error)}). Nothing can be said about encryption until the lookup works.`));
      return done('unknown', undefined, true);
    case 'hosts':
      break;
  }
  const mx = g.mx;
  for (const w of mx.warnings) reasons.push(reason('warning', w.code, w.message));
  evidence.mx.implicit = mx.implicit;
  const addressless = new Set(g.dane?.addressless ?? []);
  const usable = mx.hosts.filter((h) => !addressless.has(h.host));
  evidence.mx.hosts = mx.hosts.map((h): MxHostEvidence => {
    const entry: MxHostEvidence = { host: h.host, preference: h.preference };
    const provider = providerForHost(h.host);
    if (provider) entry.provider = provider.id;
    if (g.mtaSts.policy && g.mtaSts.policy.mode !== 'none') entry.mtaStsPattern = policyMatches(g.mtaSts.policy, h.host);
    return entry;
  });
  if (mx.hosts.length === 0) {
    // B7: an IP address (or an invalid name) as MX target. Some senders still try it, most refuse.
    reasons.unshift(reason('error', 'mx.unusable', `None of the mail servers ${g.display} lists is usable (an IP address or an invalid name in place of a host name): delivery may fail, and no policy can protect it.`));
    return done('misconfigured');
  }
  if (usable.length === 0) {
    const what = mx.implicit
      ? `${g.display} has no MX record and no address of its own, so it receives no mail.`
      : `None of the mail servers of ${g.display} has an address, so mail cannot be delivered.`;
    reasons.unshift(reason('error', mx.implicit ? 'mx.none' : 'mx.no-address', what));
    return done('undeliverable');
  }
  if (mx.implicit) reasons.push(reason('info', 'mx.implicit', `${g.display} has no MX record; mail goes to the domain's own address (RFC 5321 s5.1).`));

  const usableHosts = usable.map((h) => h.host);
  const dane = daneOutcome(g, usableHosts);
  const mtaSts = mtaStsOutcome(g, usableHosts);
  const provider = providerForHosts(usableHosts);
  if (provider) evidence.provider = { id: provider.id, name: provider.name, source: provider.source };

  const honoursDane = sender ? sender.dane : true;
  const honoursMtaSts = sender ? sender.mtaSts : true;
  const senderKnown = sender !== undefined;

  // J1: a failing DANE validation is not overridden by MTA-STS, for senders that do DANE.
  if (dane.state === 'broken' && honoursDane) {
    reasons.unshift(dane.reason);
    if (mtaSts.state === 'broken' || mtaSts.state === 'partial' || mtaSts.state === 'unknown') reasons.push(mtaSts.reason);
    return done('misconfigured', 'dane');
  }

  const fullVia: ('dane' | 'mta-sts')[] = [];
  if (dane.state === 'full') fullVia.push('dane');
  if (mtaSts.state === 'full') fullVia.push('mta-sts');
  const honoured = fullVia.find((m) => (m === 'dane' ? honoursDane : honoursMtaSts));

  if (honoured) {
    reasons.unshift(protectedReason(g, honoured, senderKnown));
    // Problems of the other mechanism still deserve a mention.
    for (const other of [dane, mtaSts]) if (other.state === 'broken' || other.state === 'partial' || other.state === 'unknown') reasons.push({ ...other.reason, severity: 'warning' });
    return done('protected', honoured);
  }

  if (mtaSts.state === 'broken') {
    reasons.unshift(mtaSts.reason);
    return done('misconfigured', 'mta-sts');
  }
  if (dane.state === 'broken') reasons.push({ ...dane.reason, severity: 'warning' }); // sender does not use DANE

  if (mtaSts.state === 'unknown') {
    reasons.unshift(mtaSts.reason);
    return done('unknown', undefined, true);
  }
  if (dane.state === 'unknown' && fullVia.length === 0) {
    reasons.unshift(dane.reason);
    return done('unknown', undefined, true);
  }

  if (fullVia.length > 0) {
    // Fully published, but this sender does not enforce it.
    const m = fullVia[0] === 'dane' ? 'DANE' : 'MTA-STS';
    reasons.unshift(reason('warning', 'sender.does-not-enforce', `${g.display} requires encryption through ${m}, but your mail provider does not enforce ${m}: the message will most likely be encrypted, but a downgrade is not prevented.`));
    return done('encrypted', fullVia[0]);
  }
  if (dane.state === 'partial' || mtaSts.state === 'partial') {
    if (mtaSts.state === 'partial') reasons.unshift(mtaSts.reason);
    if (dane.state === 'partial') reasons.unshift(dane.reason);
    return done('encrypted', dane.state === 'partial' ? 'dane' : 'mta-sts');
  }
  if (provider) {
    reasons.unshift(reason('info', 'provider.starttls', `Every mail server of ${g.display} belongs to ${provider.name}, which accepts encrypted connections (STARTTLS). ${g.display} does not require it, so a downgrade is still possible.`));
    return done('encrypted', 'provider');
  }
  reasons.unshift(reason('warning', 'policy.none', `${g.display} publishes no MTA-STS or DANE policy: the message may travel unencrypted, and an attacker on the path can force that silently.`));
  return done('unverified');
}

function protectedReason(g: Gathered, mechanism: 'dane' | 'mta-sts', senderKnown: boolean): Reason {
  if (mechanism === 'dane') {
    return reason('info', 'dane.protected', senderKnown
      ? `${g.display} requires authenticated encryption through DANE (DNSSEC-signed TLSA records on every mail server), and your mail provider enforces DANE.`
      : `${g.display} requires authenticated encryption through DANE (DNSSEC-signed TLSA records on every mail server), if your mail provider honours DANE.`);
  }
  return reason('info', 'mta-sts.protected', senderKnown
    ? `${g.display} requires authenticated encryption through MTA-STS (mode enforce, every mail server matches the policy), and your mail provider enforces MTA-STS.`
    : `${g.display} requires authenticated encryption through MTA-STS (mode enforce, every mail server matches the policy), if your mail provider honours MTA-STS.`);
}

function daneOutcome(g: Gathered, usableHosts: string[]): MechanismOutcome {
  if (!g.dane) return { state: 'none' };
  const evidence = g.dane.evidence;
  const considered = evidence.hosts.filter((h) => usableHosts.includes(h.host));
  const summary = summarizeDane(evidence, { ignoreHosts: evidence.hosts.filter((h) => !usableHosts.includes(h.host)).map((h) => h.host) });
  switch (summary) {
    case 'all':
      return { state: 'full' };
    case 'failure': {
      const failed = considered.filter((h) => h.status === 'dnssec-failure').map((h) => h.host);
      return { state: 'broken', reason: reason('error', 'dane.dnssec-failure', `DNSSEC validation fails for ${list(failed)}: DANE-enforcing senders will skip ${failed.length === 1 ? 'this server' : 'these servers'}, and delivery may be delayed or fail.`) };
    }
    case 'partial': {
      const failedLookup = considered.filter((h) => h.status === 'lookup-failed').map((h) => h.host);
      if (!evidence.mxSecure) {
        return { state: 'partial', reason: reason('warning', 'dane.mx-unsigned', `${g.display} publishes DANE (TLSA) records, but its MX records are not DNSSEC-signed, so the DANE protection can be bypassed ("DANE, MX unsigned").`) };
      }
      if (failedLookup.length > 0 && considered.every((h) => h.status === 'dane' || h.status === 'lookup-failed')) {
        return { state: 'unknown', reason: reason('error', 'dane.lookup-failed', `The DANE records of ${list(failedLookup)} could not be looked up.`) };
      }
      const covered = considered.filter((h) => h.status === 'dane').length;
      return { state: 'partial', reason: reason('warning', 'dane.partial', `Only ${covered} of ${considered.length} mail servers of ${g.display} have usable DANE records: encryption is required on some paths only.`) };
    }
    case 'none':
      return { state: 'none' };
  }
}

function mtaStsOutcome(g: Gathered, usableHosts: string[]): MechanismOutcome {
  const ev = g.mtaSts.evidence;
  const policy = g.mtaSts.policy;
  const problem = ev.problem ? ` (${ev.problem.message})` : '';
  if (policy) {
    if (policy.mode === 'none') return { state: 'none' };
    const matched = usableHosts.filter((h) => policyMatches(policy, h) !== null);
    if (policy.mode === 'testing') {
      return { state: 'partial', reason: reason('warning', 'mta-sts.testing', `${g.display} publishes an MTA-STS policy in testing mode: senders report problems but still deliver without encryption if it fails.`) };
    }
    if (matched.length === usableHosts.length) return { state: 'full' };
    const unmatched = usableHosts.filter((h) => !matched.includes(h));
    if (matched.length === 0) {
      return { state: 'broken', reason: reason('error', 'mta-sts.mx-mismatch', `The MTA-STS policy of ${g.display} (mode enforce) matches none of its mail servers (${list(unmatched)}): compliant senders will refuse to deliver.`) };
    }
    return { state: 'partial', reason: reason('warning', 'mta-sts.mx-partial', `The MTA-STS policy of ${g.display} does not cover ${list(unmatched)}: compliant senders will only deliver to the other servers.`) };
  }
  switch (ev.record) {
    case 'absent':
      return { state: 'none' };
    case 'lookup-failed':
      return { state: 'unknown', reason: reason('error', 'mta-sts.lookup-failed', `The MTA-STS record of ${g.display} could not be looked up${problem}.`) };
    case 'invalid':
      return { state: 'broken', reason: reason('error', 'mta-sts.record-invalid', `${g.display} tries to publish MTA-STS, but its _mta-sts record is invalid${problem}: senders will ignore it.`) };
    case 'valid':
      break;
  }
  switch (ev.policy) {
    case 'not-checked':
      return { state: 'partial', reason: reason('warning', 'mta-sts.policy-not-checked', `${g.display} announces an MTA-STS policy, but the policy file was not checked (InTransit has no permission to fetch it), so it is not known whether it requires encryption.`) };
    case 'fetch-failed':
      return { state: 'broken', reason: reason('error', 'mta-sts.policy-unreachable', `${g.display} announces MTA-STS, but its policy file could not be fetched${problem}: senders cannot apply it.`) };
    case 'invalid':
      return { state: 'broken', reason: reason('error', 'mta-sts.policy-invalid', `${g.display} announces MTA-STS, but its policy file is invalid${problem}: senders cannot apply it.`) };
    default:
      return { state: 'none' };
  }
}

/** Reasons that explain without deciding: TLS-RPT and parser warnings. */
function supportingReasons(g: Gathered): Reason[] {
  const out: Reason[] = [];
  const rpt = g.tlsRpt.evidence;
  if (rpt.record === 'valid') out.push(reason('info', 'tls-rpt.present', `${g.display} asks senders to report TLS problems (TLS-RPT); this monitors, it enforces nothing.`));
  else if (rpt.record === 'no-usable-rua') out.push(reason('info', 'tls-rpt.no-usable-rua', `${g.display} publishes a TLS-RPT record with no usable report address.`));
  else if (rpt.record === 'invalid') out.push(reason('info', 'tls-rpt.invalid', `${g.display} publishes an invalid TLS-RPT record.`));
  for (const w of g.mtaSts.evidence.warnings.slice(0, 5)) out.push(reason('info', w.code, w.message));
  return out;
}

function describeFailure(status: DnsClass, detail: string | undefined): string {
  const what = status === 'timeout' ? 'the resolver did not answer in time' : status === 'servfail' ? 'the resolver answered SERVFAIL' : 'the resolver failed';
  return detail ? `${what}: ${detail.slice(0, 120)}` : what;
}

function list(hosts: string[]): string {
  const shown = hosts.slice(0, 3).join(', ');
  return hosts.length > 3 ? `${shown} and ${hosts.length - 3} more` : shown;
}

function clampTtl(ttls: number[]): number {
  const seconds = Math.min(...ttls.filter((t) => Number.isFinite(t) && t >= 0));
  const ms = Number.isFinite(seconds) ? seconds * 1000 : MAX_CACHE_MS;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, ms));
}
