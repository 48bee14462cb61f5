// A Connector for page tests: every method a vi.fn with a harmless default, settings from given
// managed/user objects through the real merge, and onChange listeners the test can fire.
import { vi } from 'vitest';
import { mergeSettings, type SettingsSnapshot } from '../../../src/shared/settings-merge.ts';
import type { Connector } from '../../../src/ui/connector.ts';

export interface FakeConnector {
  connector: Connector;
  /** Fire every onChange listener (as storage.onChanged would). */
  emitChange(): void;
  /** Replace the managed/user settings the connector reports. */
  setSettings(managed: Record<string, unknown>, user?: Record<string, unknown>): void;
}

export function fakeConnector(overrides: Partial<Connector> = {}, settings: { managed?: Record<string, unknown>; user?: Record<string, unknown> } = {}): FakeConnector {
  const listeners = new Set<() => void>();
  let snapshot: SettingsSnapshot = mergeSettings(settings.managed ?? {}, settings.user ?? {});
  const connector: Connector = {
    activeTabId: vi.fn(async () => null),
    getTabState: vi.fn(),
    recheck: vi.fn(async () => undefined),
    checkManual: vi.fn(async () => ({ assessments: [] })),
    onChange: vi.fn((cb: () => void) => { listeners.add(cb); return () => { listeners.delete(cb); }; }),
    hasPolicyPermission: vi.fn(async () => false),
    requestPolicyPermission: vi.fn(async () => true),
    requestOrigins: vi.fn(async () => true),
    hasOrigins: vi.fn(async () => true),
    openOptions: vi.fn(async () => undefined),
    openWelcome: vi.fn(async () => undefined),
    readSettings: vi.fn(async () => structuredClone(snapshot)),
    saveSettings: vi.fn(async () => undefined),
    testResolver: vi.fn(async () => ({ ok: true as const, outcome: 'answer' as const, dnssecValidated: true, elapsedMs: 12 })),
    clearCache: vi.fn(async () => undefined),
    cacheStats: vi.fn(async () => ({ assessments: 3, policies: 1 })),
    diagnostics: vi.fn(async () => ({
      log: [{ at: 1_700_000_000_000, last: 1_700_000_000_000, level: 'warning' as const, code: 'storage.session-write-failed', message: 'A result could not be kept in storage.session (full?); making room.', count: 2 }],
      storage: { assessmentsStored: 3, assessmentsMemoryOnly: 1, sessionWriteFailures: 2, sessionWritesRecovered: 1, policyCache: 'disk' as const, policiesStored: 1 },
    })),
    lookupServiceStatus: vi.fn(async () => ({ state: 'off' as const })),
    extensionInfo: vi.fn(() => ({ id: 'kojkdehamgggcacghdimajanhpnlpfpe', version: '0.1.0', userAgent: 'TestBrowser/1' })),
    saveFile: vi.fn(),
    ...overrides,
  };
  return {
    connector,
    emitChange: () => listeners.forEach((l) => l()),
    setSettings(managed, user = {}) {
      snapshot = mergeSettings(managed, user);
    },
  };
}
