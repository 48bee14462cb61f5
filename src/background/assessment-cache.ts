// The hot cache of Assessments, kept in storage.session (memory only, survives a service worker
// restart, gone when the browser closes: no recipient domain is written to disk) and mirrored in
// a Map so a warm answer costs no storage round trip. An entry lives until its `expiresAt`.
//
// storage.session has a quota (10 MB in Chrome, shared with the compose state). What is stored is
// compacted to what the popup shows (capped lists and strings), and a write that fails — the
// quota is full — neither loses the result (it stays in memory) nor goes unnoticed: the oldest
// stored entries are evicted, the write is tried once more, and both are counted and logged for
// the diagnostics export.
import type { Assessment } from '../core/index.ts';
import { log } from '../shared/log.ts';
import type { KeyValueArea } from './storage-area.ts';

const PREFIX = 'assess:';
/** Keys of storage.session entries that hold assessments (the diagnostics export counts them). */
export const ASSESSMENT_KEY_PREFIX = PREFIX;
export const MAX_ASSESSMENTS = 1000;
/** Entries of one list in a stored assessment (more than the popup lists for any domain). */
export const MAX_LIST_ENTRIES = 20;
/** Characters of one string in a stored assessment (the popup shows at most 255). */
export const MAX_TEXT = 255;
/** Characters of a reason's sentence (the popup shows at most 500). */
export const MAX_REASON = 500;
/** Share of the stored entries evicted to make room after a failed write. */
const EVICT_SHARE = 0.5;

export interface CacheStats {
  /** Entries in storage.session. */
  stored: number;
  /** Entries only in the worker's memory (their write failed); lost on a restart, then checked again. */
  memoryOnly: number;
  writeFailures: number;
  writesRecovered: number;
}

export interface AssessmentCache {
  /** Read the stored entries (once, at startup); later calls are no-ops. */
  load(): Promise<void>;
  get(key: string): Assessment | undefined;
  /** Never rejects: a failed write is handled (see the top of this file). */
  set(key: string, assessment: Assessment): Promise<void>;
  delete(keys: string[]): Promise<void>;
  clear(): Promise<void>;
  keys(): string[];
  /** Evicts the oldest stored entries (they stay in memory): room for the compose state. */
  makeRoom(): Promise<void>;
  stats(): CacheStats;
}

const text = (value: string, max = MAX_TEXT): string => (value.length > max ? `${value.slice(0, max - 1)}…` : value);
const list = <T>(values: readonly T[] | undefined, map: (v: T) => T = (v) => v): T[] => (values ?? []).slice(0, MAX_LIST_ENTRIES).map(map);

/**
 * The assessment with every list and string capped to what the popup shows. A hostile domain
 * can publish hundreds of MX hosts or policy patterns; the verdict is computed before this, so
 * nothing the verdict rests on is lost, only detail nobody is shown.
 */
export function compactAssessment(a: Assessment): Assessment {
  const e = a.evidence;
  const diag = <D extends { code: string; message: string }>(d: D): D => ({ ...d, code: text(d.code, 100), message: text(d.message, MAX_REASON) });
  return {
    ...a,
    domain: text(a.domain),
    ...(a.displayDomain !== undefined ? { displayDomain: text(a.displayDomain) } : {}),
    reasons: list(a.reasons, diag),
    evidence: {
      ...e,
      mx: { ...e.mx, hosts: list(e.mx.hosts, (h) => ({ ...h, host: text(h.host), ...(typeof h.mtaStsPattern === 'string' ? { mtaStsPattern: text(h.mtaStsPattern) } : {}) })) },
      mtaSts: {
        ...e.mtaSts,
        ...(e.mtaSts.id !== undefined ? { id: text(e.mtaSts.id, 64) } : {}),
        ...(e.mtaSts.policyUrl !== undefined ? { policyUrl: text(e.mtaSts.policyUrl) } : {}),
        ...(e.mtaSts.mx !== undefined ? { mx: list(e.mtaSts.mx, (p) => text(p)) } : {}),
        ...(e.mtaSts.problem !== undefined ? { problem: diag(e.mtaSts.problem) } : {}),
        warnings: list(e.mtaSts.warnings, diag),
      },
      dane: { ...e.dane, hosts: list(e.dane.hosts, (h) => ({ ...h, host: text(h.host), ...(h.tlsaName !== undefined ? { tlsaName: text(h.tlsaName) } : {}), usages: h.usages.slice(0, 8) })) },
      tlsRpt: { ...e.tlsRpt, rua: list(e.tlsRpt.rua, (r) => text(r)) },
      ...(e.provider !== undefined ? { provider: { ...e.provider, id: text(e.provider.id, 64), name: text(e.provider.name, 100), source: text(e.provider.source) } } : {}),
    },
  };
}

function looksLikeAssessment(value: unknown): value is Assessment {
  const a = value as Partial<Assessment> | null;
  return typeof a === 'object' && a !== null && typeof a.domain === 'string' && typeof a.level === 'string'
    && typeof a.expiresAt === 'number' && typeof a.evidence === 'object' && Array.isArray(a.reasons);
}

export function createAssessmentCache(area: KeyValueArea, { now = Date.now, maxEntries = MAX_ASSESSMENTS } = {}): AssessmentCache {
  const memory = new Map<string, Assessment>();
  /** Keys whose value is in storage.session (the others are in memory only). */
  const stored = new Set<string>();
  let loaded: Promise<void> | null = null;
  let writeFailures = 0;
  let writesRecovered = 0;

  async function removeStored(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const k of keys) stored.delete(k);
    await area.remove(keys.map((k) => PREFIX + k)).catch((error: unknown) => {
      log.error('storage.session-remove-failed', 'Removing cached results from storage.session failed.', error);
    });
  }

  async function evict(): Promise<void> {
    const t = now();
    const stale = [...memory].filter(([, a]) => a.expiresAt <= t).map(([k]) => k);
    const live = [...memory].filter(([, a]) => a.expiresAt > t).sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
    const over = live.slice(0, Math.max(0, live.length - maxEntries)).map(([k]) => k);
    const gone = [...stale, ...over];
    if (!gone.length) return;
    for (const k of gone) memory.delete(k);
    await removeStored(gone.filter((k) => stored.has(k)));
  }

  /** Drops the stored half that expires soonest (kept in memory while this worker lives). */
  async function makeRoom(except?: string): Promise<void> {
    const candidates = [...stored].filter((k) => k !== except)
      .sort((a, b) => (memory.get(a)?.expiresAt ?? 0) - (memory.get(b)?.expiresAt ?? 0));
    await removeStored(candidates.slice(0, Math.max(1, Math.ceil(candidates.length * EVICT_SHARE))));
  }

  async function write(key: string, assessment: Assessment): Promise<void> {
    try {
      await area.set({ [PREFIX + key]: assessment });
      stored.add(key);
      return;
    } catch (error) {
      writeFailures++;
      log.warning('storage.session-write-failed', 'A result could not be kept in storage.session (full?); making room.', error);
    }
    await makeRoom(key);
    try {
      await area.set({ [PREFIX + key]: assessment });
      stored.add(key);
      writesRecovered++;
    } catch (error) {
      // Still in memory: shown as long as this worker lives, checked again after a restart.
      log.error('storage.session-write-failed', 'A result stays in memory only: storage.session refused it again.', error);
    }
  }

  return {
    load() {
      loaded ??= (async () => {
        const all = await area.get(null);
        for (const [k, v] of Object.entries(all)) {
          if (!k.startsWith(PREFIX) || !looksLikeAssessment(v)) continue;
          const key = k.slice(PREFIX.length);
          stored.add(key);
          if (!memory.has(key)) memory.set(key, v);
        }
        await evict();
      })();
      return loaded;
    },
    get(key) {
      const a = memory.get(key);
      if (!a) return undefined;
      if (a.expiresAt <= now()) return undefined;
      return a;
    },
    async set(key, assessment) {
      const compact = compactAssessment(assessment);
      memory.set(key, compact);
      await write(key, compact);
      if (memory.size > maxEntries) await evict();
    },
    async delete(keys) {
      for (const k of keys) memory.delete(k);
      await removeStored(keys);
    },
    async clear() {
      const all = [...memory.keys()];
      memory.clear();
      stored.clear();
      const inArea = Object.keys(await area.get(null)).filter((k) => k.startsWith(PREFIX));
      await area.remove([...new Set([...all.map((k) => PREFIX + k), ...inArea])]);
    },
    keys: () => [...memory.keys()],
    makeRoom: () => makeRoom(),
    stats: () => ({
      stored: stored.size,
      memoryOnly: [...memory.keys()].filter((k) => !stored.has(k)).length,
      writeFailures,
      writesRecovered,
    }),
  };
}
