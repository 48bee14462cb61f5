// The MTA-STS policy cache (RFC 8461 s5.1: a sender caches a policy for its max_age and uses the
// cached policy when a refresh fails — what lets MTA-STS resist a downgrade; s3.3: a new policy id
// means fetch again, which the engine decides). Each entry is keyed `mtasts:<policy domain>` and
// holds that domain's published policy, never an address.
//
// Where it lives is the setting `policyCache`: 'disk' (default) is storage.local, so recipients'
// domains stay on disk until their policies expire (at most a year) or the person clears the cache
// on the options page; 'memory' is storage.session, gone when the browser closes. PRIVACY.md and
// the welcome page say so.
import type { CachedPolicy, PolicyCache } from '../core/index.ts';
import type { PolicyCacheMode } from '../shared/settings.ts';
import type { KeyValueArea } from './storage-area.ts';

export type { CachedPolicy, PolicyCache };

const PREFIX = 'mtasts:';
/** Policies kept; those expiring soonest go first. A policy is small (≤ 64 KB, usually < 1 KB). */
export const MAX_POLICIES = 500;
/** RFC 8461 s3.2: max_age is at most 31557600 seconds (about one year). */
const MAX_AGE_MS = 31_557_600_000;

function isCachedPolicy(v: unknown): v is CachedPolicy {
  const e = v as Partial<CachedPolicy> | null;
  return typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.fetchedAt === 'number'
    && typeof e.expiresAt === 'number' && typeof e.policy === 'object' && e.policy !== null
    && Array.isArray(e.policy.mx) && typeof e.policy.mode === 'string' && typeof e.policy.maxAge === 'number';
}

export const POLICY_KEY_PREFIX = PREFIX;

export interface StoredPolicyCache extends PolicyCache {
  /** Options page "clear cache": every stored policy goes. */
  clear(): Promise<void>;
  /** How many policies are stored (the diagnostics export counts, never lists). */
  count(): Promise<number>;
}

export function createPolicyCache(area: KeyValueArea, { now = Date.now, maxEntries = MAX_POLICIES } = {}): StoredPolicyCache {
  /** domain -> expiresAt of what is stored; read lazily once. */
  let index: Map<string, number> | null = null;
  async function getIndex(): Promise<Map<string, number>> {
    if (index) return index;
    const all = await area.get(null);
    const found = new Map<string, number>();
    for (const [k, v] of Object.entries(all)) if (k.startsWith(PREFIX) && isCachedPolicy(v)) found.set(k.slice(PREFIX.length), v.expiresAt);
    index ??= found;
    return index;
  }

  return {
    async get(domain) {
      const key = PREFIX + domain;
      const value = (await area.get(key))[key];
      if (value === undefined) return undefined;
      // Expired or damaged entries are useless (s5.1: only a non-expired policy may be used).
      if (!isCachedPolicy(value) || value.expiresAt <= now()) {
        await area.remove(key);
        (await getIndex()).delete(domain);
        return undefined;
      }
      return value;
    },
    async set(domain, entry) {
      const capped: CachedPolicy = { ...entry, expiresAt: Math.min(entry.expiresAt, entry.fetchedAt + MAX_AGE_MS) };
      const idx = await getIndex();
      idx.set(domain, capped.expiresAt);
      await area.set({ [PREFIX + domain]: capped });
      if (idx.size > maxEntries) {
        const t = now();
        const order = [...idx].sort(([, a], [, b]) => a - b);
        const gone = order.filter(([, exp], i) => exp <= t || i < idx.size - maxEntries).map(([d]) => d);
        for (const d of gone) idx.delete(d);
        await area.remove(gone.map((d) => PREFIX + d));
      }
    },
    async delete(domain) {
      (await getIndex()).delete(domain);
      await area.remove(PREFIX + domain);
    },
    async clear() {
      const stored = Object.keys(await area.get(null)).filter((k) => k.startsWith(PREFIX));
      index = new Map();
      await area.remove(stored);
    },
    async count() {
      return (await getIndex()).size;
    },
  };
}

export interface SwitchablePolicyCache extends StoredPolicyCache {
  mode(): PolicyCacheMode;
  /** Follows the setting: switching to 'memory' deletes every policy kept on disk. */
  setMode(mode: PolicyCacheMode): Promise<void>;
}

/** The policy cache on disk (storage.local) or in memory (storage.session), as the setting says. */
export function createSwitchablePolicyCache(areas: { disk: KeyValueArea; memory: KeyValueArea }, initial: PolicyCacheMode = 'disk', options: { now?: () => number } = {}): SwitchablePolicyCache {
  const disk = createPolicyCache(areas.disk, options);
  const memory = createPolicyCache(areas.memory, options);
  let mode = initial;
  const current = (): StoredPolicyCache => (mode === 'memory' ? memory : disk);
  return {
    get: (domain) => current().get(domain),
    set: (domain, entry) => current().set(domain, entry),
    delete: (domain) => current().delete(domain),
    async clear() {
      await Promise.all([disk.clear(), memory.clear()]);
    },
    count: () => current().count(),
    mode: () => mode,
    async setMode(next) {
      mode = next;
      if (next === 'memory') await disk.clear();
    },
  };
}
