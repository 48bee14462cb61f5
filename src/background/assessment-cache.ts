// The hot cache of Assessments, kept in storage.session (memory only, survives a service worker
// restart, gone when the browser closes: no recipient domain is written to disk) and mirrored in
// a Map so a warm answer costs no storage round trip. An entry lives until its `expiresAt`.
import type { Assessment } from '../core/index.ts';
import type { KeyValueArea } from './storage-area.ts';

const PREFIX = 'assess:';
/** Keys of storage.session entries that hold assessments (the diagnostics export counts them). */
export const ASSESSMENT_KEY_PREFIX = PREFIX;
export const MAX_ASSESSMENTS = 1000;

export interface AssessmentCache {
  /** Read the stored entries (once, at startup); later calls are no-ops. */
  load(): Promise<void>;
  get(key: string): Assessment | undefined;
  set(key: string, assessment: Assessment): Promise<void>;
  delete(keys: string[]): Promise<void>;
  clear(): Promise<void>;
  keys(): string[];
}

function looksLikeAssessment(value: unknown): value is Assessment {
  const a = value as Partial<Assessment> | null;
  return typeof a === 'object' && a !== null && typeof a.domain === 'string' && typeof a.level === 'string'
    && typeof a.expiresAt === 'number' && typeof a.evidence === 'object' && Array.isArray(a.reasons);
}

export function createAssessmentCache(area: KeyValueArea, { now = Date.now, maxEntries = MAX_ASSESSMENTS } = {}): AssessmentCache {
  const memory = new Map<string, Assessment>();
  let loaded: Promise<void> | null = null;

  async function evict(): Promise<void> {
    const t = now();
    const stale = [...memory].filter(([, a]) => a.expiresAt <= t).map(([k]) => k);
    const live = [...memory].filter(([, a]) => a.expiresAt > t).sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
    const over = live.slice(0, Math.max(0, live.length - maxEntries)).map(([k]) => k);
    const gone = [...stale, ...over];
    if (!gone.length) return;
    for (const k of gone) memory.delete(k);
    await area.remove(gone.map((k) => PREFIX + k));
  }

  return {
    load() {
      loaded ??= (async () => {
        const all = await area.get(null);
        for (const [k, v] of Object.entries(all)) {
          if (k.startsWith(PREFIX) && looksLikeAssessment(v) && !memory.has(k.slice(PREFIX.length))) memory.set(k.slice(PREFIX.length), v);
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
      memory.set(key, assessment);
      await area.set({ [PREFIX + key]: assessment });
      if (memory.size > maxEntries) await evict();
    },
    async delete(keys) {
      for (const k of keys) memory.delete(k);
      await area.remove(keys.map((k) => PREFIX + k));
    },
    async clear() {
      const all = [...memory.keys()];
      memory.clear();
      const stored = Object.keys(await area.get(null)).filter((k) => k.startsWith(PREFIX));
      await area.remove([...new Set([...all.map((k) => PREFIX + k), ...stored])]);
    },
    keys: () => [...memory.keys()],
  };
}
