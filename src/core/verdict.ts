// Evidence -> level and reasons (README.md "What the verdicts mean"). Pure and synchronous.
//
// Decisions (docs/decisions.md "Engine" has the reasons):
// - A mechanism "fully protects" when MTA-STS is `enforce` with a valid policy that EVERY MX host
//   with an address matches (by name: RFC 8461 s4.1), or DANE is published with DNSSEC-secure MX
//   and usable TLSA on EVERY host DANE must cover: all looked-up hosts except those whose lack
//   of any address is a DNSSEC-secure denial (RFC 7672 s2.2.1). Beyond MAX_MX_LOOKUPS hosts, or
//   with a target that is not a valid name, DANE never fully protects.
// - Sender awareness: with no sender given, full protection is `protected` and the reason says
//   "if your provider honours …". With a sender given, only a mechanism that sender honours
//   gives `protected`; a fully published mechanism the sender ignores gives `encrypted` (a
//   domain that publishes it certainly offers STARTTLS, but nothing stops a downgrade).
// - MTA-STS `enforce` matching only SOME MX hosts is `encrypted` (partial coverage, README.md);
//   matching NONE is `misconfigured` (compliant senders refuse to deliver).
// - A DNSSEC failure (SERVFAIL with a DNSSEC Extended DNS Error, RFC 8914) is `misconfigured`:
//   on the MX query or a host's address for every sender (validating senders cannot deliver);
//   on TLSA unless the sender is known not to use DANE (then a warning): RFC 8461 s2 forbids
//   MTA-STS to override a failing DANE validation.
// - A TXT record that announces MTA-STS with a policy that cannot be fetched or parsed, or an
//   invalid record set, is `misconfigured` unless DANE fully protects for this sender.
// - Without the permission to fetch the policy file, a valid MTA-STS record alone gives
//   `encrypted` with "policy not checked": it never gives `protected`.
// - Any failed lookup that could hide protection or a problem gives `unknown`, never better and
//   never "nothing published" (RFC 7672 s2.1.1); a mechanism that fully protects settles it.
// - A known provider may lift `unverified` to `encrypted`, never to `protected`.
import { summarizeDane } from './dane/index.ts';
import { describeEde, isDnssecFailure } from './dns/codes.ts';
import { createPolicyMatcher, type PolicyMatcher } from './mta-sts/match.ts';
import { capText, MAX_LIST } from './mta-sts/limits.ts';
import { MAX_MX_LOOKUPS, type MxHost } from './mx.ts';
import { providerForHost, providerForHosts } from './providers/index.ts';
import { capAtWord } from './text.ts';
import type { Gathered } from './assess.ts';
import type { Assessment, DaneHostEvidence, Diagnostic, DnsClass, Evidence, Level, MxHostEvidence, Reason, SenderCapabilities } from './types.ts';
import { classify } from './dns/index.ts';

/** How long an answer that could not be checked is kept before asking again. */
const RETRY_SOON_MS = 30_000;
const MIN_CACHE_MS = 60_000;
const MAX_CACHE_MS = 3_600_000;
/** Longest resolver detail quoted in a reason (cut at a word boundary). */
const MAX_DETAIL = 300;

type MechanismOutcome =
  | { state: 'full' }
  | { state: 'partial'; reason: Reason }
  | { state: 'none' }
  | { state: 'broken'; reason: Reason; everySender?: boolean }
  | { state: 'unknown'; reason: Reason };

const reason = (severity: Reason['severity'], code: string, message: string): Reason => ({ code, message, severity });

/**
 * "Could not check": `unknown` with one reason, for a domain where nothing was looked up or no
 * usable answer came back (an unusable input, a refusal, an unreachable lookup service). Its
 * evidence claims nothing was found absent: a failure is never read as "nothing published".
 */
export function notCheckedAssessment(domain: string, why: Reason, now: number, ttlMs: number): Assessment {
  return {
    domain: String(domain).slice(0, 320),
    level: 'unknown',
    reasons: [why],
    evidence: {
      mx: { status: 'error', hosts: [], implicit: false, nullMx: false },
      mtaSts: { record: 'lookup-failed', policy: 'not-applicable', warnings: [] },
      dane: { mxSecure: false, hosts: [] },
      tlsRpt: { record: 'lookup-failed', rua: [] },
    },
    checkedAt: now,
    expiresAt: now + ttlMs,
  };
}

/** An input that cannot be assessed at all (malformed, address literal, invalid domain). */
export function unassessable(input: string, error: Diagnostic, now: number): Assessment {
  return notCheckedAssessment(input, reason('error', error.code, error.message), now, MAX_CACHE_MS);
}

/** The hosts each mechanism must cover, decided once from the MX and DANE evidence. */
interface Coverage {
  /** Listed host names with an address or not known to lack one, plus the invalid names. */
  mtaSts: string[];
  /** Looked-up hosts except those DNSSEC proves to have no address. */
  dane: string[];
  /** False when DANE evidence cannot speak for every host (the lookup cap, invalid names). */
  daneComplete: boolean;
  /** Hosts listed beyond MAX_MX_LOOKUPS, never looked up. */
  beyondCap: number;
  invalid: MxHost[];
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

  // ----- MX: does the domain accept mail, and where? (RFC 5321 s5.1, RFC 7505) -----
  switch (g.mx.kind) {
    case 'nxdomain':
      reasons.push(reason('error', 'mx.nxdomain', `The domain ${g.display} does not exist, so mail to it cannot be delivered.`));
      return done('undeliverable');
    case 'null-mx':
      reasons.push(reason('error', 'mx.null', `${g.display} publishes a "null MX" record: it states that it accepts no email (RFC 7505).`));
      return done('undeliverable');
    case 'failed': {
      const ede = g.mxResult.ede;
      if (g.mxResult.outcome === 'servfail' && ede && isDnssecFailure(ede)) {
        // The zone is broken, not the resolver: validating senders cannot find the mail servers.
        reasons.push(reason('error', 'mx.dnssec-failure', `DNSSEC validation fails for the MX records of ${g.display} (${describeEde(ede)}): senders that validate DNSSEC cannot find its mail servers, so delivery is delayed or fails.`));
        return done('misconfigured', undefined, true);
      }
      reasons.push(reason('error', 'mx.lookup-failed', `The mail servers of ${g.display} could not be looked up (${describeFailure(mxStatus, g.mxResult.error, ede)}). Nothing can be said about encryption until the lookup works.`));
      return done('unknown', undefined, true);
    }
    case 'hosts':
      break;
  }
  const mx = g.mx;
  for (const w of mx.warnings) reasons.push(reason('warning', w.code, w.message));
  evidence.mx.implicit = mx.implicit;
  const invalid = mx.invalid ?? [];
  const matcher: PolicyMatcher | null = g.mtaSts.policy && g.mtaSts.policy.mode !== 'none' ? createPolicyMatcher(g.mtaSts.policy) : null;
  evidence.mx.hosts = hostEvidence(mx.hosts, invalid, matcher);

  if (mx.hosts.length === 0) {
    // An IP address or an invalid name in place of every host name. Some senders still try
    // an IP address, most refuse.
    reasons.unshift(reason('error', 'mx.unusable', `None of the mail servers ${g.display} lists is usable (an IP address or an invalid name in place of a host name): delivery may fail, and no policy can protect it.`));
    return done('misconfigured');
  }
  const addressless = new Set(g.dane?.addressless ?? []);
  const beyondCap = Math.max(0, mx.hosts.length - MAX_MX_LOOKUPS);
  if (beyondCap === 0 && mx.hosts.every((h) => addressless.has(h.host))) {
    const what = mx.implicit
      ? `${g.display} has no MX record and no address of its own, so it receives no mail.`
      : `None of the mail servers of ${g.display} has an address, so mail cannot be delivered.`;
    reasons.unshift(reason('error', mx.implicit ? 'mx.none' : 'mx.no-address', what));
    return done('undeliverable');
  }
  if (mx.implicit) reasons.push(reason('info', 'mx.implicit', `${g.display} has no MX record; mail goes to the domain's own address (RFC 5321 s5.1).`));

  const deniedSecurely = new Set(g.dane?.deniedSecurely ?? []);
  const coverage: Coverage = {
    // RFC 8461 s4.1, s5: an enforce-mode sender refuses any host that does not match, so a forged
    // address for an addressless host gains an attacker nothing; such hosts need no match.
    mtaSts: [...mx.hosts.filter((h) => !addressless.has(h.host)).map((h) => h.host), ...invalid.map((h) => h.host)],
    // RFC 7672 s2.2.1: only a DNSSEC-secure denial removes a host from what DANE must cover.
    dane: mx.hosts.slice(0, MAX_MX_LOOKUPS).filter((h) => !deniedSecurely.has(h.host)).map((h) => h.host),
    daneComplete: beyondCap === 0 && invalid.length === 0,
    beyondCap,
    invalid,
  };
  if (beyondCap > 0) {
    reasons.push(reason('warning', 'mx.too-many-hosts', `${g.display} lists ${mx.hosts.length} mail servers; InTransit looks up only the first ${MAX_MX_LOOKUPS}, so DANE cannot be confirmed for all of them: only an MTA-STS policy that matches every server can show the domain as protected.`));
  }

  const dane = daneOutcome(g, coverage);
  const mtaSts = mtaStsOutcome(g, coverage.mtaSts, matcher);
  const provider = invalid.length === 0 && beyondCap === 0 ? providerForHosts(coverage.mtaSts) : undefined;
  if (provider) evidence.provider = { id: provider.id, name: provider.name, source: provider.source };

  const honoursDane = sender ? sender.dane : true;
  const honoursMtaSts = sender ? sender.mtaSts : true;
  const senderKnown = sender !== undefined;

  // RFC 8461 s2: a failing DANE validation is not overridden by MTA-STS, for senders that do
  // DANE; a DNSSEC failure on a host's address stops every validating sender.
  if (dane.state === 'broken' && (honoursDane || dane.everySender)) {
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
    if (dane.state === 'broken' || dane.state === 'unknown') reasons.push({ ...dane.reason, severity: 'warning' });
    return done('misconfigured', 'mta-sts');
  }
  if (dane.state === 'broken') reasons.push({ ...dane.reason, severity: 'warning' }); // sender does not use DANE

  if (mtaSts.state === 'unknown') {
    reasons.unshift(mtaSts.reason);
    return done('unknown', undefined, true);
  }
  // A DANE lookup that failed could hide full protection (for a DANE sender) or its absence:
  // unless a mechanism this sender honours settles it, nothing can be said.
  if (dane.state === 'unknown' && (fullVia.length === 0 || honoursDane)) {
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

/** The MX hosts for the evidence: at most MAX_LIST, invalid names flagged. */
function hostEvidence(hosts: readonly MxHost[], invalid: readonly MxHost[], matcher: PolicyMatcher | null): MxHostEvidence[] {
  const entries: MxHostEvidence[] = [];
  for (const h of hosts.slice(0, MAX_LIST)) {
    const entry: MxHostEvidence = { host: h.host, preference: h.preference };
    const provider = providerForHost(h.host);
    if (provider) entry.provider = provider.id;
    if (matcher) entry.mtaStsPattern = matcher(h.host);
    entries.push(entry);
  }
  for (const h of invalid.slice(0, Math.max(0, MAX_LIST - entries.length))) {
    const entry: MxHostEvidence = { host: capText(h.host, 80), preference: h.preference, invalidName: true };
    if (matcher) entry.mtaStsPattern = null;
    entries.push(entry);
  }
  return entries;
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

function daneOutcome(g: Gathered, coverage: Coverage): MechanismOutcome {
  if (!g.dane) return { state: 'none' };
  const evidence = g.dane.evidence;
  const mustCover = new Set(coverage.dane);
  const considered = evidence.hosts.filter((h) => mustCover.has(h.host));
  const summary = summarizeDane(
    { mxSecure: evidence.mxSecure, hosts: considered },
    { complete: coverage.daneComplete },
  );
  const failedLookups = considered.filter((h) => h.status === 'lookup-failed');
  const unchecked = failedLookups.length > 0 ? ` The DANE records of ${hostList(failedLookups)} could not be checked (${problemOf(failedLookups)}).` : '';
  switch (summary) {
    case 'all':
      return { state: 'full' };
    case 'failure': {
      const failed = considered.filter((h) => h.status === 'dnssec-failure');
      const addressFailures = new Set(g.dane.addressFailures ?? []);
      const everySender = failed.some((h) => addressFailures.has(h.host));
      const consequence = everySender
        ? 'senders that validate DNSSEC cannot find the address of that server, and DANE-enforcing senders skip it'
        : `DANE-enforcing senders will skip ${failed.length === 1 ? 'this server' : 'these servers'}`;
      return {
        state: 'broken',
        everySender,
        reason: reason('error', 'dane.dnssec-failure', `DNSSEC validation fails for ${hostList(failed)} (${problemOf(failed)}): ${consequence}, and delivery may be delayed or fail.`),
      };
    }
    case 'unknown':
      return {
        state: 'unknown',
        reason: reason('error', 'dane.lookup-failed', `The DANE records of ${hostList(failedLookups)} could not be checked (${problemOf(failedLookups)}): a failed lookup is not "no DANE", so nothing can be said about DANE until it works.`),
      };
    case 'partial': {
      if (!evidence.mxSecure) {
        return { state: 'partial', reason: reason('warning', 'dane.mx-unsigned', `${g.display} publishes DANE (TLSA) records, but its MX records are not DNSSEC-signed, so the DANE protection can be bypassed ("DANE, MX unsigned").${unchecked}`) };
      }
      const covered = considered.filter((h) => h.status === 'dane').length;
      if (covered === considered.length - failedLookups.length && (coverage.beyondCap > 0 || coverage.invalid.length > 0)) {
        const why = coverage.beyondCap > 0
          ? `only the first ${MAX_MX_LOOKUPS} of its ${MAX_MX_LOOKUPS + coverage.beyondCap} mail servers were looked up`
          : `${coverage.invalid.length === 1 ? 'one MX target is' : `${coverage.invalid.length} MX targets are`} not a valid host name`;
        return { state: 'partial', reason: reason('warning', 'dane.partial', `The mail servers of ${g.display} that were checked have usable DANE records, but ${why}: DANE cannot cover the domain.${unchecked}`) };
      }
      const total = considered.length + coverage.beyondCap + coverage.invalid.length;
      return { state: 'partial', reason: reason('warning', 'dane.partial', `Only ${covered} of ${total} mail servers of ${g.display} have usable DANE records: encryption is required on some paths only.${unchecked}`) };
    }
    case 'none':
      return { state: 'none' };
  }
}

function mtaStsOutcome(g: Gathered, hosts: readonly string[], matcher: PolicyMatcher | null): MechanismOutcome {
  const ev = g.mtaSts.evidence;
  const policy = g.mtaSts.policy;
  const problem = ev.problem ? ` (${ev.problem.message})` : '';
  if (policy) {
    if (policy.mode === 'none' || !matcher) return { state: 'none' };
    if (policy.mode === 'testing') {
      return { state: 'partial', reason: reason('warning', 'mta-sts.testing', `${g.display} publishes an MTA-STS policy in testing mode: senders report problems but still deliver without encryption if it fails.`) };
    }
    const unmatched = hosts.filter((h) => matcher(h) === null);
    if (unmatched.length === 0) return { state: 'full' };
    if (unmatched.length === hosts.length) {
      return { state: 'broken', reason: reason('error', 'mta-sts.mx-mismatch', `The MTA-STS policy of ${g.display} (mode enforce) matches none of its mail servers (${list(unmatched)}): compliant senders will refuse to deliver.`) };
    }
    return { state: 'partial', reason: reason('warning', 'mta-sts.mx-partial', `The MTA-STS policy of ${g.display} does not cover ${list(unmatched)}: compliant senders will only deliver to the other servers.`) };
  }
  switch (ev.record) {
    case 'absent':
      return { state: 'none' };
    case 'lookup-failed':
      if (ev.problem?.code === 'mta-sts.record.dnssec-failure') {
        return { state: 'broken', reason: reason('error', 'mta-sts.record-dnssec-failure', `DNSSEC validation fails for the MTA-STS record of ${g.display}${problem}: senders that validate DNSSEC cannot read it.`) };
      }
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
      if (ev.problem?.code === 'mta-sts.fetch.certificate') {
        return { state: 'broken', reason: reason('error', 'mta-sts.policy-certificate', `${g.display} announces MTA-STS, but the certificate of its policy host is not trusted${problem}: senders refuse to use the policy.`) };
      }
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

function describeFailure(status: DnsClass, detail: string | undefined, ede: { code: number; text?: string } | undefined): string {
  const what = status === 'timeout' ? 'the resolver did not answer in time' : status === 'servfail' ? 'the resolver answered SERVFAIL' : 'the resolver failed';
  const because = ede ? ` (${describeEde(ede)})` : '';
  return detail ? `${what}${because}: ${capAtWord(detail, MAX_DETAIL)}` : `${what}${because}`;
}

/** "mx1, mx2, mx3 and 4 more" for the hosts of a reason. */
function hostList(hosts: readonly DaneHostEvidence[]): string {
  return list(hosts.map((h) => h.host));
}

/** The first failure, named; the rest are in the evidence. */
function problemOf(hosts: readonly DaneHostEvidence[]): string {
  const first = hosts.find((h) => h.problem)?.problem;
  return first ? capAtWord(first, 200) : 'the lookup failed';
}

function list(hosts: readonly string[]): string {
  const shown = hosts.slice(0, 3).join(', ');
  return hosts.length > 3 ? `${shown} and ${hosts.length - 3} more` : shown;
}

function clampTtl(ttls: number[]): number {
  const seconds = Math.min(...ttls.filter((t) => Number.isFinite(t) && t >= 0));
  const ms = Number.isFinite(seconds) ? seconds * 1000 : MAX_CACHE_MS;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, ms));
}
