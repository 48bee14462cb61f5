// The content script's side of the message protocol (src/shared/messages.ts). Sends CsToBg
// through runtime.sendMessage (which also wakes a stopped service worker), validates every
// incoming BgToCs before use, and re-sends all compose snapshots once the background is
// reachable again after a failed send. No polyfill: the content script must stay small.
import {
  MAX_LABEL_LENGTH,
  type BgComposeVerdicts, type ComposeSummary, type CsToBg, type DisplayLevel, type RecipientVerdict, type WebmailId,
} from '../shared/messages.ts';
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

const LEVELS: ReadonlySet<string> = new Set<DisplayLevel>([
  'protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown',
  'internal', 'required', 'checking', 'skipped',
]);
const MAX_ID = 200;
const MAX_VERDICTS = 1000;
const MAX_COUNT = 100_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function boundedString(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length <= max ? v : null;
}
function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT ? v : null;
}
function level(v: unknown): DisplayLevel | null {
  return typeof v === 'string' && LEVELS.has(v) ? (v as DisplayLevel) : null;
}

function parseSummary(v: unknown): ComposeSummary | null {
  if (!isRecord(v)) return null;
  const total = count(v.total);
  const notProtected = count(v.notProtected);
  const checking = count(v.checking);
  const lvl = v.level === null ? null : level(v.level);
  if (total === null || notProtected === null || checking === null || (v.level !== null && lvl === null)) return null;
  return { level: lvl, total, notProtected, checking };
}

function parseVerdict(v: unknown): RecipientVerdict | null {
  if (!isRecord(v)) return null;
  const address = v.address === null ? null : boundedString(v.address, 320);
  const label = v.label === undefined ? undefined : boundedString(v.label, MAX_LABEL_LENGTH);
  const domain = boundedString(v.domain, 255);
  const lvl = level(v.level);
  const summary = boundedString(v.summary, 1000);
  if ((address === null && v.address !== null) || label === null || domain === null || lvl === null || summary === null) return null;
  // A recipient without an address is shown by its label: it must have one.
  if (address === null && (label === undefined || label === '')) return null;
  return { address, ...(label !== undefined ? { label } : {}), domain, level: lvl, summary };
}

/** A validated copy of a background message, or null for anything else. */
export function parseBgToCs(message: unknown): BgComposeVerdicts | null {
  if (!isRecord(message) || message.type !== 'bg/compose-verdicts') return null;
  const composeId = boundedString(message.composeId, MAX_ID);
  const summary = parseSummary(message.summary);
  if (composeId === null || summary === null || !Array.isArray(message.recipients)) return null;
  if (message.recipients.length > MAX_VERDICTS) return null;
  const recipients: RecipientVerdict[] = [];
  for (const r of message.recipients) {
    const verdict = parseVerdict(r);
    if (verdict === null) return null;
    recipients.push(verdict);
  }
  return { type: 'bg/compose-verdicts', composeId, summary, recipients };
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

export class Messenger {
  private readonly snapshots = new Map<string, ComposeSnapshot>();
  private activeId: string | null = null;
  private failed = false;
  private dead = false;

  constructor(
    private readonly transport: Transport,
    private readonly webmail: WebmailId,
    /** Called once when the extension context is gone (reloaded or removed). */
    private readonly onDead: () => void,
  ) {}

  update(snapshot: ComposeSnapshot): void {
    this.snapshots.set(snapshot.composeId, snapshot);
    this.sendUpdate(snapshot);
  }

  closed(composeId: string): void {
    this.snapshots.delete(composeId);
    if (this.activeId === composeId) this.activeId = null;
    this.send({ type: 'cs/compose-closed', composeId });
  }

  focus(composeId: string): void {
    if (composeId === this.activeId || !this.snapshots.has(composeId)) return;
    this.activeId = composeId;
    this.send({ type: 'cs/compose-focus', composeId });
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

  private sendUpdate(s: ComposeSnapshot): void {
    this.send({
      type: 'cs/compose-update', composeId: s.composeId, webmail: this.webmail,
      recipients: s.recipients, fieldsFound: s.fieldsFound,
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
    pending.then(() => this.succeeded(), (error: unknown) => {
      if (wasDelivered(error)) this.succeeded();
      else if (!this.transport.alive()) this.die();
      else this.failed = true;
    });
  }

  private succeeded(): void {
    if (!this.failed) return;
    this.failed = false;
    this.resendAll();
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.onDead();
  }
}
