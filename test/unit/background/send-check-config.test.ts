// The send-time check's settings reach the content scripts with every push of verdicts
// (docs/decisions.md "Send-time check"): null while the background has not read the settings
// (the content script then holds nothing), the effective mode, threshold and organisation after,
// and a changed setting is pushed live to the open composes.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAssessmentCache } from '../../../src/background/assessment-cache.ts';
import { createAssessmentService } from '../../../src/background/assessment-service.ts';
import { createController } from '../../../src/background/controller.ts';
import { sendCheckConfig } from '../../../src/background/settings-runtime.ts';
import { memoryArea } from '../../../src/background/storage-area.ts';
import type { Assessment } from '../../../src/core/index.ts';
import type { BgComposeVerdicts, CsComposeUpdate, SendCheckConfig } from '../../../src/shared/messages.ts';
import { mergeSettings } from '../../../src/shared/settings-merge.ts';
import { assessment, fakeAction } from './fakes.ts';
import { installI18n } from './locale-fixture.ts';

beforeAll(installI18n);

const ORIGIN = { kind: 'content', tabId: 3, frameId: 0, webmail: 'gmail', documentId: 'd' } as const;
const UPDATE: CsComposeUpdate = {
  type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', revision: 1, tooMany: false, fieldsFound: true,
  recipients: [{ address: 'a@plain.example', field: 'to', pending: false }],
};
const applied = (managed: Record<string, unknown>, user: Record<string, unknown> = {}) => {
  const s = mergeSettings(managed, user);
  return { ...s, usableResolvers: s.settings.resolvers, blockedResolvers: [] };
};

describe('sendCheckConfig', () => {
  it('carries the effective mode, threshold, organisation name and help page', () => {
    expect(sendCheckConfig(applied({}))).toEqual({ mode: 'off', warnAtOrBelow: 'unverified', orgName: null, helpUrl: null });
    expect(sendCheckConfig(applied({ sendCheck: 'block', orgName: 'Example Org', helpUrl: 'https://help.example.org/' }, { sendCheck: 'off', warnAtOrBelow: 'encrypted' })))
      .toEqual({ mode: 'block', warnAtOrBelow: 'encrypted', orgName: 'Example Org', helpUrl: 'https://help.example.org/' });
  });
});

describe('the controller', () => {
  it('pushes null until the settings are read, then the send check in force, and a change at once', async () => {
    let release: () => void = () => {};
    const settingsReady = new Promise<void>((resolve) => { release = resolve; });
    let config: SendCheckConfig = { mode: 'confirm', warnAtOrBelow: 'unverified', orgName: null, helpUrl: null };
    const pushes: BgComposeVerdicts[] = [];
    const session = memoryArea();
    const cache = createAssessmentCache(session, { now: () => 1 });
    const service = createAssessmentService({
      assess: vi.fn(async (d: string): Promise<Assessment> => assessment(d, 'unverified')), cache,
      deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never, refuse: () => null, now: () => 1,
    });
    const controller = createController({
      session, service, action: fakeAction().action,
      sendToTab: async (_tab, message) => { pushes.push(message); },
      tabUrl: async () => 'https://mail.google.com/',
      hasPolicyPermission: async () => true,
      senderFor: () => ({ mtaSts: true, dane: false }),
      clearDnsCache: () => {},
      settingsReady,
      sendCheck: () => config,
    });
    await controller.handleContent(UPDATE, ORIGIN);
    expect(pushes.at(-1)).toMatchObject({ sendCheck: null, recipients: [{ level: 'checking' }] });
    release();
    await vi.waitFor(() => expect(pushes.at(-1)).toMatchObject({ sendCheck: config, recipients: [{ level: 'unverified' }] }));
    config = { ...config, mode: 'block', orgName: 'Example Org' };
    await controller.refreshAll();
    expect(pushes.at(-1)?.sendCheck).toEqual({ mode: 'block', warnAtOrBelow: 'unverified', orgName: 'Example Org', helpUrl: null });
  });
});
