// Per-tab, per-compose state as a pure reducer, so it can be persisted (storage.session) and
// tested without a browser. The background applies events from content scripts and from the tabs
// API; everything shown (verdicts, badge) is derived from this plus the assessment cache.
import type { ComposeRecipient, CsComposeUpdate, ProviderId } from '../shared/messages.ts';

/** Compose windows kept per tab (Gmail allows a handful; bounds a misbehaving page). */
export const MAX_COMPOSES_PER_TAB = 20;
/** Tabs kept; the least recently changed go first. */
export const MAX_TABS = 200;

export interface ComposeRecord {
  composeId: string;
  provider: ProviderId;
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
  provider: ProviderId;
  /** The document the content script runs in (Chrome's MessageSender.documentId): a new one means a reload. */
  documentId?: string;
  activeComposeId: string | null;
  composes: Record<string, ComposeRecord>;
  seq: number;
}

export interface ComposeState {
  tabs: Record<string, TabRecord>;
  seq: number;
}

export type ComposeEvent =
  | { kind: 'update'; tabId: number; documentId?: string; message: CsComposeUpdate }
  | { kind: 'focus'; tabId: number; documentId?: string; composeId: string }
  | { kind: 'closed'; tabId: number; composeId: string }
  | { kind: 'tab-removed'; tabId: number };

export const emptyState = (): ComposeState => ({ tabs: {}, seq: 0 });

/** Trimmed, non-empty, first occurrence of each address (case-insensitive) kept. */
export function normalizeRecipients(recipients: readonly ComposeRecipient[]): ComposeRecipient[] {
  const seen = new Set<string>();
  const out: ComposeRecipient[] = [];
  for (const r of recipients) {
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

/** The tab as known, or a fresh one when the document changed (a reload drops old composes). */
function tabFor(state: ComposeState, tabId: number, provider: ProviderId | undefined, documentId: string | undefined): TabRecord | undefined {
  const tab = state.tabs[tabId];
  if (tab && (documentId === undefined || tab.documentId === undefined || tab.documentId === documentId)) {
    return documentId !== undefined && tab.documentId === undefined ? { ...tab, documentId } : tab;
  }
  if (!provider) return undefined;
  return { provider, activeComposeId: null, composes: {}, seq: state.seq + 1, ...(documentId !== undefined ? { documentId } : {}) };
}

export function reduce(state: ComposeState, event: ComposeEvent): ComposeState {
  const seq = state.seq + 1;
  switch (event.kind) {
    case 'update': {
      const { message } = event;
      const tab = tabFor(state, event.tabId, message.provider, event.documentId);
      if (!tab) return state;
      const composes = { ...tab.composes };
      composes[message.composeId] = {
        composeId: message.composeId,
        provider: message.provider,
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
      const activeComposeId = tab.activeComposeId !== null && composes[tab.activeComposeId] ? tab.activeComposeId : message.composeId;
      return withTab(state, event.tabId, { ...tab, provider: message.provider, composes, activeComposeId, seq });
    }
    case 'focus': {
      const tab = tabFor(state, event.tabId, undefined, event.documentId);
      if (!tab || !tab.composes[event.composeId] || tab.activeComposeId === event.composeId) return state;
      return withTab(state, event.tabId, { ...tab, activeComposeId: event.composeId, seq });
    }
    case 'closed': {
      const tab = state.tabs[event.tabId];
      if (!tab || !tab.composes[event.composeId]) return state;
      const composes = { ...tab.composes };
      delete composes[event.composeId];
      const next: TabRecord = { ...tab, composes, activeComposeId: tab.activeComposeId === event.composeId ? null : tab.activeComposeId, seq };
      const fallback = activeCompose(next);
      return withTab(state, event.tabId, { ...next, activeComposeId: fallback ? fallback.composeId : null });
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
