// The content script's side of the message protocol (src/shared/messages.ts). Sends CsToBg
// through runtime.sendMessage (which also wakes a stopped service worker), validates every
// incoming BgToCs before use, and re-sends all compose snapshots once the background is
// reachable again after a failed send. No polyfill: the content script must stay small.
import type {
  BgComposeVerdicts, ComposeSummary, CsToBg, DisplayLevel, RecipientVerdict, SendCheckConfig, WebmailId,
} from '../shared/messages.ts';
import type { Level } from '../core/types.ts';
import type { SendCheckMode } from '../shared/settings.ts';
import {
  MAX_ADDRESS_LENGTH, MAX_COMPOSE_ID_LENGTH, MAX_DOMAIN_LENGTH, MAX_LABEL_LENGTH, MAX_ORG_NAME_LENGTH, MAX_RECIPIENTS, MAX_REVISION,
  MAX_SUMMARY_LENGTH, MAX_URL_LENGTH,
} from '../shared/limits.ts';
import { log } from './log.ts';
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
// as the background's schema (src/shared/limits.ts, validate.ts): each object is checked against
// a table of field checks and copied field by field, so nothing else of it is kept.

/** The levels a warning threshold can name, best first (settings.ts WARN_LEVELS, core's order). */
export const WARN_LEVELS: readonly Level[] = ['protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown'];
const LEVELS: readonly DisplayLevel[] = [...WARN_LEVELS, 'internal', 'required', 'checking', 'skipped'];
const MODES: readonly SendCheckMode[] = ['off', 'confirm', 'block'];

type Check = (v: unknown) => boolean;
const text = (max: number): Check => (v) => typeof v === 'string' && v.length <= max;
const integer = (max: number): Check => (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const count = integer(MAX_RECIPIENTS);
const bool: Check = (v) => typeof v === 'boolean';
const oneOf = (allowed: readonly string[]): Check => (v) => allowed.includes(v as string);
const nullOr = (check: Check): Check => (v) => v === null || check(v);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of `v` with exactly the fields of `shape` (an undefined one left out), or null when one fails its check. */
function copy<T>(v: unknown, shape: Record<string, Check>): T | null {
  if (!isRecord(v)) return null;
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    if (!check(v[key])) return null;
    if (v[key] !== undefined) out[key] = v[key];
  }
  return out as T;
}

const SUMMARY = {
  level: nullOr(oneOf(LEVELS)), total: count, notProtected: count, checking: count, atLevel: count,
  culprit: nullOr(text(MAX_ADDRESS_LENGTH)), warned: bool, policyNotChecked: bool, tooMany: bool,
};
const VERDICT = {
  // null: a recipient the page shows by name only; it must then have its label.
  address: nullOr(text(MAX_ADDRESS_LENGTH)), label: (v: unknown) => v === undefined || text(MAX_LABEL_LENGTH)(v),
  domain: text(MAX_DOMAIN_LENGTH), level: oneOf(LEVELS), summary: text(MAX_SUMMARY_LENGTH), policyNotChecked: bool,
};
const SEND_CHECK = {
  mode: oneOf(MODES), warnAtOrBelow: oneOf(WARN_LEVELS), orgName: nullOr(text(MAX_ORG_NAME_LENGTH)),
  // The help page becomes a link: https only (the settings accept nothing else).
  helpUrl: nullOr((v) => text(MAX_URL_LENGTH)(v) && (v as string).startsWith('https://')),
};

/** A validated copy of a background message, or null for anything else. */
export function parseBgToCs(message: unknown): BgComposeVerdicts | null {
  if (!isRecord(message) || message.type !== 'bg/compose-verdicts' || !text(MAX_COMPOSE_ID_LENGTH)(message.composeId)
    || !integer(MAX_REVISION)(message.revision) || !Array.isArray(message.recipients) || message.recipients.length > MAX_RECIPIENTS) return null;
  const summary = copy<ComposeSummary>(message.summary, SUMMARY);
  // null: the background has not read the settings yet.
  const sendCheck = message.sendCheck === null ? null : copy<SendCheckConfig>(message.sendCheck, SEND_CHECK);
  const recipients = message.recipients.map((r) => copy<RecipientVerdict>(r, VERDICT));
  if (summary === null || (message.sendCheck !== null && sendCheck === null)
    || recipients.some((r) => r === null || (r.address === null && !r.label))) return null;
  return {
    type: 'bg/compose-verdicts', composeId: message.composeId as string, revision: message.revision as number, summary,
    recipients: recipients as RecipientVerdict[], sendCheck,
  };
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

export interface Messenger {
  /** A changed recipient list: it gets the next revision of its compose and is sent. */
  update(snapshot: ComposeSnapshot): void;
  /**
   * Whether verdicts answer the list this compose holds now (same revision, same addresses).
   * Verdicts for an older list mean the background lost the newer one (a failed state write
   * before a worker restart): the current list is sent again, once per revision.
   */
  accepts(verdicts: BgComposeVerdicts): boolean;
  closed(composeId: string): void;
  focus(composeId: string): void;
  /** "Policy not checked — allow" in a badge: the background opens the permission flow. */
  allowPolicyChecks(): void;
  /** Called by the safety poll: after a failed send, try to bring the background up to date. */
  retryIfFailed(): void;
  /** The document is going away: its composes close (the snapshots stay, for a bfcache return). */
  pageHidden(): void;
  /** Sends every current snapshot again (and the active compose), e.g. after a worker restart. */
  resendAll(): void;
}

// Closures rather than a class: names of locals are minified, properties are not (the content
// script's size budget).
export function createMessenger(transport: Transport, webmail: WebmailId, hooks: MessengerHooks): Messenger {
  const snapshots = new Map<string, Sent>();
  const revisions = new Map<string, number>();
  /** Per compose, the revision already re-sent because the background answered an older list. */
  const resent = new Map<string, number>();
  let activeId: string | null = null;
  let failed = false;
  let dead = false;

  function sendUpdate(s: Sent): void {
    send({
      type: 'cs/compose-update', composeId: s.composeId, webmail, revision: s.revision,
      recipients: s.tooMany ? [] : s.recipients, tooMany: s.tooMany, fieldsFound: s.fieldsFound,
    });
  }

  function send(message: CsToBg): void {
    if (dead) return;
    if (!transport.alive()) {
      die();
      return;
    }
    let pending: Promise<unknown>;
    try {
      pending = transport.send(message);
    } catch {
      // Thrown synchronously: "Extension context invalidated" or similar.
      if (!transport.alive()) die();
      else failed = true;
      return;
    }
    pending.then((reply) => {
      succeeded();
      // A rejection is a bug (both sides share limits.ts and messages.ts): logged, and shown in the badge.
      if (isRejection(reply)) {
        log.error('content.message-rejected', `The background refused a ${message.type} message: ${reply.error}`);
        if (message.type === 'cs/compose-update') hooks.onRejected?.(message.composeId);
      }
    }, (error: unknown) => {
      if (wasDelivered(error)) succeeded();
      else if (!transport.alive()) die();
      else failed = true;
    });
  }

  function succeeded(): void {
    if (!failed) return;
    failed = false;
    resendAll();
  }

  function die(): void {
    if (dead) return;
    dead = true;
    hooks.onDead();
  }

  function resendAll(): void {
    for (const snapshot of snapshots.values()) sendUpdate(snapshot);
    if (activeId !== null) send({ type: 'cs/compose-focus', composeId: activeId });
  }

  return {
    update(snapshot) {
      const revision = (revisions.get(snapshot.composeId) ?? 0) + 1;
      revisions.set(snapshot.composeId, revision);
      const sent: Sent = { ...snapshot, revision };
      snapshots.set(snapshot.composeId, sent);
      sendUpdate(sent);
    },
    accepts(verdicts) {
      const current = snapshots.get(verdicts.composeId);
      if (current === undefined) return false;
      const sameList = current.tooMany === verdicts.summary.tooMany
        && listKey(current.recipients) === listKey(verdicts.recipients);
      if (verdicts.revision === current.revision && sameList) return true;
      if (verdicts.revision <= current.revision && resent.get(current.composeId) !== current.revision) {
        resent.set(current.composeId, current.revision);
        log.warning('content.stale-verdicts', 'The background answered an older recipient list; the current one was sent again.');
        sendUpdate(current);
      }
      return false;
    },
    closed(composeId) {
      snapshots.delete(composeId);
      revisions.delete(composeId);
      resent.delete(composeId);
      if (activeId === composeId) activeId = null;
      send({ type: 'cs/compose-closed', composeId });
    },
    focus(composeId) {
      if (composeId === activeId || !snapshots.has(composeId)) return;
      activeId = composeId;
      send({ type: 'cs/compose-focus', composeId });
    },
    allowPolicyChecks: () => send({ type: 'cs/allow-policy-checks' }),
    retryIfFailed() {
      if (!failed) return;
      // Cleared first so that the retry's own successes do not trigger a second resend.
      failed = false;
      resendAll();
    },
    pageHidden() {
      for (const id of snapshots.keys()) send({ type: 'cs/compose-closed', composeId: id });
    },
    resendAll,
  };
}

function isRejection(reply: unknown): reply is { ok: false; error: string } {
  return typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === false
    && typeof (reply as { error?: unknown }).error === 'string';
}
