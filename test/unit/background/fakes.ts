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
