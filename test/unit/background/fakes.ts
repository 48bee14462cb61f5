// Fakes for the background's dependencies.
import { vi } from 'vitest';
import type { Assessment, Level } from '../../../src/core/index.ts';
import type { ActionApi } from '../../../src/background/badge.ts';

export function assessment(domain: string, level: Level, { now = 1_000, ttl = 60_000 } = {}): Assessment {
  return {
    domain,
    level,
    reasons: [{ code: `test.${level}`, message: `${domain} is ${level}.`, severity: level === 'protected' ? 'info' : 'warning' }],
    evidence: {
      mx: { status: 'insecure', hosts: [{ host: `mx.${domain}`, preference: 10 }], implicit: false, nullMx: false },
      mtaSts: { record: 'absent', policy: 'not-applicable', warnings: [] },
      dane: { mxSecure: false, hosts: [] },
      tlsRpt: { record: 'absent', rua: [] },
    },
    checkedAt: now,
    expiresAt: now + ttl,
  };
}

/** A promise with its resolver, to finish an assessment exactly when a test says so. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

export function fakeAction() {
  const calls: { method: string; details: Record<string, unknown> }[] = [];
  const record = (method: string) => vi.fn(async (details: Record<string, unknown>) => { calls.push({ method, details }); });
  const action = {
    setBadgeText: record('setBadgeText'),
    setBadgeBackgroundColor: record('setBadgeBackgroundColor'),
    setBadgeTextColor: record('setBadgeTextColor'),
    setTitle: record('setTitle'),
    setIcon: record('setIcon'),
  } as unknown as ActionApi;
  const last = (method: string, tabId: number) =>
    [...calls].reverse().find((c) => c.method === method && c.details.tabId === tabId)?.details;
  return { action, calls, last };
}

/**
 * A storage area with a byte quota, like Chrome's storage.session (10 MB, formerly 1 MB): a
 * write that would exceed it is refused with Chrome's error and stores nothing. `refuse` makes
 * writes of chosen keys fail regardless (a quota some other writer exhausted).
 */
export function quotaArea(quotaBytes: number) {
  const data = new Map<string, unknown>();
  const size = (entries: Iterable<[string, unknown]>) => {
    let total = 0;
    for (const [k, val] of entries) total += k.length + JSON.stringify(val).length;
    return total;
  };
  const area = {
    data,
    refuse: null as ((key: string) => boolean) | null,
    failures: 0,
    bytesInUse: () => size(data),
    async get(keys?: string | string[] | null) {
      const wanted = keys === null || keys === undefined ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys;
      return Object.fromEntries(wanted.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items: Record<string, unknown>) {
      const next = new Map(data);
      for (const [k, val] of Object.entries(items)) next.set(k, structuredClone(val));
      if (Object.keys(items).some((k) => area.refuse?.(k)) || size(next) > quotaBytes) {
        area.failures++;
        throw new Error('Session storage quota bytes exceeded. Values were not stored.');
      }
      for (const [k, val] of next) data.set(k, val);
    },
    async remove(keys: string | string[]) {
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
    },
  };
  return area;
}

/** An assessment as large as a hostile domain can make it: hundreds of MX hosts and policy patterns. */
export function largeAssessment(domain: string, level: Level, now = Date.now()): Assessment {
  const a = assessment(domain, level, { now });
  a.evidence.mx.hosts = Array.from({ length: 400 }, (_, i) => ({ host: `mx${i}.a-rather-long-mail-host-name.${domain}`, preference: i }));
  a.evidence.mtaSts = { record: 'valid', id: '1', policy: 'fetched', mode: 'enforce', mx: a.evidence.mx.hosts.map((h) => h.host), maxAge: 86_400, warnings: [] };
  return a;
}
