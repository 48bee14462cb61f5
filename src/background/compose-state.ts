// Per-tab, per-compose state as a pure reducer, so it can be persisted (storage.session) and
// tested without a browser. The background applies events from content scripts and from the tabs
// API; everything shown (verdicts, badge) is derived from this plus the assessment cache.
import type { ComposeRecipient, CsComposeUpdate, WebmailId } from '../shared/messages.ts';
import { MAX_LABEL_LENGTH } from '../shared/limits.ts';

/** Compose windows kept per tab (Gmail allows a handful; bounds a misbehaving page). */
export const MAX_COMPOSES_PER_TAB = 20;
/** Tabs kept; the least recently changed go first. */
export const MAX_TABS = 200;

export interface ComposeRecord {
  /** The id the content script gave it (unique within its frame's document). */
  composeId: string;
  /** The frame it lives in (0: the tab's top frame); verdicts are pushed to this frame. */
  frameId: number;
  /** The document of that frame (Chrome's MessageSender.documentId), when the browser says. */
  documentId?: string;
  webmail: WebmailId;
  recipients: ComposeRecipient[];
  /** The content script's revision of this recipient list, echoed on the verdicts. */
  revision: number;
  /** More recipients than MAX_RECIPIENTS: nothing is checked. */
  tooMany: boolean;
  fieldsFound: boolean;
  /** Increases with every change in the whole state: orders "most recent". */
  seq: number;
}

export interface TabRecord {
  webmail: WebmailId;
  /** The top frame's document (Chrome's MessageSender.documentId): a new one means a reload. */
  documentId?: string;
  /** The key (composeKey) of the compose the tab shows, if one was focused. */
  activeComposeId: string | null;
  /** By composeKey(frameId, composeId): two frames may use the same compose id. */
  composes: Record<string, ComposeRecord>;
  seq: number;
}

export interface ComposeState {
  tabs: Record<string, TabRecord>;
  seq: number;
}

/** Where a content-script event comes from: the tab, the frame and (Chrome) its document. */
interface FrameRef {
  tabId: number;
  frameId: number;
  documentId?: string;
}

export type ComposeEvent =
  | (FrameRef & { kind: 'update'; message: CsComposeUpdate })
  | (FrameRef & { kind: 'focus'; composeId: string })
  | { kind: 'closed'; tabId: number; frameId: number; composeId: string }
  | { kind: 'tab-removed'; tabId: number };

export const emptyState = (): ComposeState => ({ tabs: {}, seq: 0 });

/**
 * The key of a compose within its tab: compose ids are only unique within one frame. A top-frame
 * compose keeps its id; a sub-frame's is prefixed with the frame ("3|outlook:…"), which no
 * content-script id can look like (they all start with the webmail's id and a colon).
 */
export function composeKey(frameId: number, composeId: string): string {
  return frameId === 0 ? composeId : `${frameId}|${composeId}`;
}

/**
 * Addresses trimmed, non-empty, first occurrence of each (case-insensitive) kept. Recipients
 * without an address are all kept (two contacts may share a name), each with its label
 * trimmed and capped; one without a label left is dropped (the validator already refuses it).
 */
export function normalizeRecipients(recipients: readonly ComposeRecipient[]): ComposeRecipient[] {
  const seen = new Set<string>();
  const out: ComposeRecipient[] = [];
  for (const r of recipients) {
    if (r.address === null) {
      const label = (r.label ?? '').trim().slice(0, MAX_LABEL_LENGTH);
      if (label !== '') out.push({ address: null, label, field: r.field, pending: r.pending });
      continue;
    }
    const address = r.address.trim();
    const key = address.toLowerCase();
    if (!address || seen.has(key)) continue;
    seen.add(key);
    out.push({ address, field: r.field, pending: r.pending });
  }
  return out;
}

/** The compose the tab shows: the focused one, else the most recently changed. */
export function activeCompose(tab: TabRecord): ComposeRecord | null {
  const focused = tab.activeComposeId === null ? undefined : tab.composes[tab.activeComposeId];
  if (focused) return focused;
  let latest: ComposeRecord | null = null;
  for (const c of Object.values(tab.composes)) if (!latest || c.seq > latest.seq) latest = c;
  return latest;
}

function withTab(state: ComposeState, tabId: number, tab: TabRecord | null): ComposeState {
  const tabs = { ...state.tabs };
  if (tab) tabs[tabId] = tab;
  else delete tabs[tabId];
  const ids = Object.keys(tabs);
  if (ids.length > MAX_TABS) {
    ids.sort((a, b) => (tabs[a]?.seq ?? 0) - (tabs[b]?.seq ?? 0));
    for (const id of ids.slice(0, ids.length - MAX_TABS)) delete tabs[id];
  }
  return { tabs, seq: state.seq + 1 };
}

/**
 * The tab as known, or a fresh one when its top document changed (a reload drops every compose,
 * those of its sub-frames too). A sub-frame whose document changed loses its own composes only.
 */
function tabFor(state: ComposeState, ref: FrameRef, webmail: WebmailId | undefined): TabRecord | undefined {
  const tab = state.tabs[ref.tabId];
  const { frameId, documentId } = ref;
  if (tab && (frameId !== 0 || documentId === undefined || tab.documentId === undefined || tab.documentId === documentId)) {
    if (frameId === 0) return documentId !== undefined && tab.documentId === undefined ? { ...tab, documentId } : tab;
    return documentId === undefined ? tab : withoutStaleFrame(tab, frameId, documentId);
  }
  if (!webmail) return undefined;
  return { webmail, activeComposeId: null, composes: {}, seq: state.seq + 1, ...(frameId === 0 && documentId !== undefined ? { documentId } : {}) };
}

/** Drops the composes a frame had in an earlier document (the frame navigated or reloaded). */
function withoutStaleFrame(tab: TabRecord, frameId: number, documentId: string): TabRecord {
  const stale = Object.entries(tab.composes).filter(([, c]) => c.frameId === frameId && c.documentId !== undefined && c.documentId !== documentId);
  if (stale.length === 0) return tab;
  const composes = { ...tab.composes };
  for (const [key] of stale) delete composes[key];
  return { ...tab, composes, activeComposeId: tab.activeComposeId !== null && composes[tab.activeComposeId] ? tab.activeComposeId : null };
}

export function reduce(state: ComposeState, event: ComposeEvent): ComposeState {
  const seq = state.seq + 1;
  switch (event.kind) {
    case 'update': {
      const { message, frameId, documentId } = event;
      const tab = tabFor(state, event, message.webmail);
      if (!tab) return state;
      const composes = { ...tab.composes };
      const key = composeKey(frameId, message.composeId);
      composes[key] = {
        composeId: message.composeId,
        frameId,
        ...(documentId !== undefined ? { documentId } : {}),
        webmail: message.webmail,
        recipients: message.tooMany ? [] : normalizeRecipients(message.recipients),
        revision: message.revision,
        tooMany: message.tooMany,
        fieldsFound: message.fieldsFound,
        seq,
      };
      const ids = Object.keys(composes);
      if (ids.length > MAX_COMPOSES_PER_TAB) {
        ids.sort((a, b) => (composes[a]?.seq ?? 0) - (composes[b]?.seq ?? 0));
        for (const id of ids.slice(0, ids.length - MAX_COMPOSES_PER_TAB)) delete composes[id];
      }
      const activeComposeId = tab.activeComposeId !== null && composes[tab.activeComposeId] ? tab.activeComposeId : key;
      return withTab(state, event.tabId, { ...tab, webmail: message.webmail, composes, activeComposeId, seq });
    }
    case 'focus': {
      const tab = tabFor(state, event, undefined);
      const key = composeKey(event.frameId, event.composeId);
      if (!tab || !tab.composes[key] || tab.activeComposeId === key) return state;
      return withTab(state, event.tabId, { ...tab, activeComposeId: key, seq });
    }
    case 'closed': {
      const tab = state.tabs[event.tabId];
      const key = composeKey(event.frameId, event.composeId);
      if (!tab || !tab.composes[key]) return state;
      const composes = { ...tab.composes };
      delete composes[key];
      const next: TabRecord = { ...tab, composes, activeComposeId: tab.activeComposeId === key ? null : tab.activeComposeId, seq };
      const fallback = activeCompose(next);
      return withTab(state, event.tabId, { ...next, activeComposeId: fallback ? composeKey(fallback.frameId, fallback.composeId) : null });
    }
    case 'tab-removed':
      return state.tabs[event.tabId] ? withTab(state, event.tabId, null) : state;
  }
}

/** Every domain-bearing address of every compose of every tab (for resuming after a restart). */
export function allComposes(state: ComposeState): { tabId: number; compose: ComposeRecord }[] {
  const out: { tabId: number; compose: ComposeRecord }[] = [];
  for (const [id, tab] of Object.entries(state.tabs)) for (const compose of Object.values(tab.composes)) out.push({ tabId: Number(id), compose });
  return out;
}
