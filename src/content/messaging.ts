// The content script's side of the message protocol (src/shared/messages.ts). Sends CsToBg
// through runtime.sendMessage (which also wakes a stopped service worker), validates every
// incoming BgToCs before use, and re-sends all compose snapshots once the background is
// reachable again after a failed send. No polyfill: the content script must stay small.
import type {
  BgComposeVerdicts, ComposeSummary, CsToBg, DisplayLevel, RecipientVerdict, WebmailId,
} from '../shared/messages.ts';
import {
  MAX_ADDRESS_LENGTH, MAX_COMPOSE_ID_LENGTH, MAX_DOMAIN_LENGTH, MAX_LABEL_LENGTH, MAX_RECIPIENTS, MAX_REVISION, MAX_SUMMARY_LENGTH,
} from '../shared/limits.ts';
import { log } from '../shared/log.ts';
import type { ComposeSnapshot } from './watcher.ts';

export interface Transport {
  send(message: CsToBg): Promise<unknown>;
  /** Subscribes to runtime messages; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** False once the extension was reloaded or removed: this content script is orphaned. */
  alive(): boolean;
}

interface RuntimeApi {
  id?: string;
  sendMessage(message: unknown): Promise<unknown> | undefined;
  onMessage: {
    addListener(cb: (message: unknown, sender: unknown) => void): void;
    removeListener(cb: (message: unknown, sender: unknown) => void): void;
  };
}

/**
 * The extension runtime of this browser, or null. Firefox's `browser` first: its `chrome`
 * alias may be callback-based, while `browser.runtime.sendMessage` always returns a promise;
 * Chrome has only `chrome`, whose sendMessage returns a promise in MV3.
 */
export function runtimeTransport(): Transport | null {
  const g = globalThis as { chrome?: { runtime?: RuntimeApi }; browser?: { runtime?: RuntimeApi } };
  const runtime = g.browser?.runtime ?? g.chrome?.runtime;
  if (runtime?.sendMessage === undefined) return null;
  return {
    send: (message) => Promise.resolve(runtime.sendMessage(message)),
    onMessage(listener) {
      // Return nothing: no response is sent, so the channel closes at once.
      const cb = (message: unknown): void => listener(message);
      runtime.onMessage.addListener(cb);
      return () => runtime.onMessage.removeListener(cb);
    },
    alive: () => {
      try {
        return typeof runtime.id === 'string' && runtime.id !== '';
      } catch {
        return false;
      }
    },
  };
}

// ----- validation of background -> content script messages ---------------------------------
// By hand rather than with valibot (the content script must stay small), with the same bounds
// as the background's schema (src/shared/limits.ts, validate.ts).

const LEVELS: ReadonlySet<string> = new Set<DisplayLevel>([
  'protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown',
  'internal', 'required', 'checking', 'skipped',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function boundedString(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length <= max ? v : null;
}
function integer(v: unknown, max: number): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : null;
}
const count = (v: unknown): number | null => integer(v, MAX_RECIPIENTS);
function level(v: unknown): DisplayLevel | null {
  return typeof v === 'string' && LEVELS.has(v) ? (v as DisplayLevel) : null;
}
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

function parseSummary(v: unknown): ComposeSummary | null {
  if (!isRecord(v)) return null;
  const total = count(v.total);
  const notProtected = count(v.notProtected);
  const checking = count(v.checking);
  const atLevel = count(v.atLevel);
  const lvl = v.level === null ? null : level(v.level);
  const culprit = v.culprit === null ? null : boundedString(v.culprit, MAX_ADDRESS_LENGTH);
  const warned = bool(v.warned);
  const policyNotChecked = bool(v.policyNotChecked);
  const tooMany = bool(v.tooMany);
  if (total === null || notProtected === null || checking === null || atLevel === null || (v.level !== null && lvl === null)
    || (v.culprit !== null && culprit === null) || warned === null || policyNotChecked === null || tooMany === null) return null;
  return { level: lvl, total, notProtected, checking, atLevel, culprit, warned, policyNotChecked, tooMany };
}

function parseVerdict(v: unknown): RecipientVerdict | null {
  if (!isRecord(v)) return null;
  // null: a recipient the page shows by name only; it must then have its label.
  const address = v.address === null ? null : boundedString(v.address, MAX_ADDRESS_LENGTH);
  const label = v.label === undefined ? undefined : boundedString(v.label, MAX_LABEL_LENGTH);
  const domain = boundedString(v.domain, MAX_DOMAIN_LENGTH);
  const lvl = level(v.level);
  const summary = boundedString(v.summary, MAX_SUMMARY_LENGTH);
  const policyNotChecked = bool(v.policyNotChecked);
  if ((address === null && v.address !== null) || label === null || domain === null || lvl === null || summary === null || policyNotChecked === null) return null;
  if (address === null && (label === undefined || label === '')) return null;
  return { address, ...(label !== undefined ? { label } : {}), domain, level: lvl, summary, policyNotChecked };
}

/** A validated copy of a background message, or null for anything else. */
export function parseBgToCs(message: unknown): BgComposeVerdicts | null {
  if (!isRecord(message) || message.type !== 'bg/compose-verdicts') return null;
  const composeId = boundedString(message.composeId, MAX_COMPOSE_ID_LENGTH);
  const revision = integer(message.revision, MAX_REVISION);
  const summary = parseSummary(message.summary);
  if (composeId === null || revision === null || summary === null || !Array.isArray(message.recipients)) return null;
  if (message.recipients.length > MAX_RECIPIENTS) return null;
  const recipients: RecipientVerdict[] = [];
  for (const r of message.recipients) {
    const verdict = parseVerdict(r);
    if (verdict === null) return null;
    recipients.push(verdict);
  }
  return { type: 'bg/compose-verdicts', composeId, revision, summary, recipients };
}

// ----- sending -----------------------------------------------------------------------------

/**
 * Chrome rejects a sendMessage whose listeners sent no response; the message was delivered.
 * Anything else ("Receiving end does not exist", a worker that failed to start) is a failure.
 */
function wasDelivered(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /message port closed before a response/i.test(text);
}

/** Which recipient list verdicts answer: addresses (or, without one, the shown name), lower-cased, in order. */
export function listKey(recipients: readonly { address: string | null; label?: string | undefined }[]): string {
  return recipients.map((r) => (r.address === null ? `#${r.label ?? ''}` : r.address).toLowerCase()).join('\n');
}

interface Sent extends ComposeSnapshot {
  revision: number;
}

export interface MessengerHooks {
  /** Called once when the extension context is gone (reloaded or removed). */
  onDead(): void;
  /** The background refused the list of a compose (it answered `{ ok: false }`): say so, never wait forever. */
  onRejected?(composeId: string): void;
}

export class Messenger {
  private readonly snapshots = new Map<string, Sent>();
  private readonly revisions = new Map<string, number>();
  /** Per compose, the revision already re-sent because the background answered an older list. */
  private readonly resent = new Map<string, number>();
  private activeId: string | null = null;
  private failed = false;
  private dead = false;
  private readonly hooks: MessengerHooks;

  constructor(
    private readonly transport: Transport,
    private readonly webmail: WebmailId,
    hooks: MessengerHooks | (() => void),
  ) {
    this.hooks = typeof hooks === 'function' ? { onDead: hooks } : hooks;
  }

  /** A changed recipient list: it gets the next revision of its compose and is sent. */
  update(snapshot: ComposeSnapshot): void {
    const revision = (this.revisions.get(snapshot.composeId) ?? 0) + 1;
    this.revisions.set(snapshot.composeId, revision);
    const sent: Sent = { ...snapshot, revision };
    this.snapshots.set(snapshot.composeId, sent);
    this.sendUpdate(sent);
  }

  /**
   * Whether verdicts answer the list this compose holds now (same revision, same addresses).
   * Verdicts for an older list mean the background lost the newer one (a failed state write
   * before a worker restart): the current list is sent again, once per revision.
   */
  accepts(verdicts: BgComposeVerdicts): boolean {
    const current = this.snapshots.get(verdicts.composeId);
    if (current === undefined) return false;
    const sameList = current.tooMany === verdicts.summary.tooMany
      && listKey(current.recipients) === listKey(verdicts.recipients);
    if (verdicts.revision === current.revision && sameList) return true;
    if (verdicts.revision <= current.revision && this.resent.get(current.composeId) !== current.revision) {
      this.resent.set(current.composeId, current.revision);
      log.warning('content.stale-verdicts', 'The background answered an older recipient list; the current one was sent again.');
      this.sendUpdate(current);
    }
    return false;
  }

  closed(composeId: string): void {
    this.snapshots.delete(composeId);
    this.revisions.delete(composeId);
    this.resent.delete(composeId);
    if (this.activeId === composeId) this.activeId = null;
    this.send({ type: 'cs/compose-closed', composeId });
  }

  focus(composeId: string): void {
    if (composeId === this.activeId || !this.snapshots.has(composeId)) return;
    this.activeId = composeId;
    this.send({ type: 'cs/compose-focus', composeId });
  }

  /** "Policy not checked — allow" in a badge: the background opens the permission flow. */
  allowPolicyChecks(): void {
    this.send({ type: 'cs/allow-policy-checks' });
  }

  /** Called by the safety poll: after a failed send, try to bring the background up to date. */
  retryIfFailed(): void {
    if (!this.failed) return;
    // Cleared first so that the retry's own successes do not trigger a second resend.
    this.failed = false;
    this.resendAll();
  }

  /** The document is going away: its composes close (the snapshots stay, for a bfcache return). */
  pageHidden(): void {
    for (const id of this.snapshots.keys()) this.send({ type: 'cs/compose-closed', composeId: id });
  }

  /** Sends every current snapshot again (and the active compose), e.g. after a worker restart. */
  resendAll(): void {
    for (const snapshot of this.snapshots.values()) this.sendUpdate(snapshot);
    if (this.activeId !== null) this.send({ type: 'cs/compose-focus', composeId: this.activeId });
  }

  private sendUpdate(s: Sent): void {
    this.send({
      type: 'cs/compose-update', composeId: s.composeId, webmail: this.webmail, revision: s.revision,
      recipients: s.tooMany ? [] : s.recipients, tooMany: s.tooMany, fieldsFound: s.fieldsFound,
    });
  }

  private send(message: CsToBg): void {
    if (this.dead) return;
    if (!this.transport.alive()) {
      this.die();
      return;
    }
    let pending: Promise<unknown>;
    try {
      pending = this.transport.send(message);
    } catch {
      // Thrown synchronously: "Extension context invalidated" or similar.
      if (!this.transport.alive()) this.die();
      else this.failed = true;
      return;
    }
    pending.then((reply) => {
      this.succeeded();
      if (isRejection(reply)) this.rejected(message, reply.error);
    }, (error: unknown) => {
      if (wasDelivered(error)) this.succeeded();
      else if (!this.transport.alive()) this.die();
      else this.failed = true;
    });
  }

  /** A rejection is a bug (both sides share limits.ts and messages.ts): logged, and shown in the badge. */
  private rejected(message: CsToBg, error: string): void {
    log.error('content.message-rejected', `The background refused a ${message.type} message: ${error}`);
    if (message.type === 'cs/compose-update') this.hooks.onRejected?.(message.composeId);
  }

  private succeeded(): void {
    if (!this.failed) return;
    this.failed = false;
    this.resendAll();
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.hooks.onDead();
  }
}

function isRejection(reply: unknown): reply is { ok: false; error: string } {
  return typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === false
    && typeof (reply as { error?: unknown }).error === 'string';
}
