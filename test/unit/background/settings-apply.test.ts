// How the background applies the settings: the organisation's lists answered locally (never
// looked up), the warning threshold, the sender override, the resolver permission gate, live
// changes (re-push without reload) and "clear cache".
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createAssessmentCache } from '../../../src/background/assessment-cache.ts';
import { createAssessmentService } from '../../../src/background/assessment-service.ts';
import { createController, type DomainRules } from '../../../src/background/controller.ts';
import {
  createSettingsRuntime, domainRules, LOOKUP_KEYS, refusalReason, senderForSettings,
} from '../../../src/background/settings-runtime.ts';
import { memoryArea } from '../../../src/background/storage-area.ts';
import type { AssessDeps, Assessment, Reason } from '../../../src/core/index.ts';
import type { BgComposeVerdicts, CsComposeUpdate, TabStateResponse } from '../../../src/shared/messages.ts';
import { checkedByFor } from '../../../src/background/assess-route.ts';
import { mergeSettings } from '../../../src/shared/settings-merge.ts';
import { assessment, fakeAction } from './fakes.ts';
import { installI18n } from './locale-fixture.ts';

beforeAll(installI18n);

const TAB = 3;
const ORIGIN = { kind: 'content', tabId: TAB, frameId: 0, webmail: 'gmail', documentId: 'd' } as const;
const update = (...addresses: string[]): CsComposeUpdate => ({
  type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', revision: 1, tooMany: false, fieldsFound: true,
  recipients: addresses.map((address) => ({ address, field: 'to', pending: false })),
});

function rulesFrom(managed: Record<string, unknown>): DomainRules {
  const s = mergeSettings(managed, {});
  return domainRules({ ...s, usableResolvers: s.settings.resolvers, blockedResolvers: [] });
}

function setup(initial: DomainRules, refuse: () => Reason | null = () => null) {
  let rules = initial;
  const assess = vi.fn(async (d: string, _deps: AssessDeps): Promise<Assessment> => assessment(d, d.startsWith('weak') ? 'encrypted' : 'unverified'));
  const session = memoryArea();
  const cache = createAssessmentCache(session, { now: () => 1_000 });
  const service = createAssessmentService({ assess, cache, deps: () => ({ resolver: { query: vi.fn() }, fetch: null }) as never, refuse, now: () => 1_000 });
  const pushes: BgComposeVerdicts[] = [];
  const clearPolicyCache = vi.fn(async () => undefined);
  const clearDnsCache = vi.fn();
  const controller = createController({
    session,
    service,
    action: fakeAction().action,
    sendToTab: async (_tab, message) => { pushes.push(message); },
    tabUrl: async () => 'https://mail.google.com/mail/u/0/',
    hasPolicyPermission: async () => true,
    senderFor: () => ({ mtaSts: true, dane: false }),
    manualSender: () => ({ mtaSts: true, dane: true }),
    clearDnsCache,
    clearPolicyCache,
    rules: () => rules,
    init: () => cache.load(),
  });
  return {
    controller, assess, pushes, clearPolicyCache, clearDnsCache, session,
    last: () => pushes[pushes.length - 1],
    setRules(next: DomainRules) { rules = next; },
  };
}

describe('the organisation lists in the background', () => {
  it('shows internal, required and skipped without looking those domains up', async () => {
    const w = setup(rulesFrom({ internalDomains: ['*.corp.example'], requiredTlsDomains: ['partner.example'], skipDomains: ['bank.example'] }));
    await w.controller.handleContent(update('a@hr.corp.example', 'b@partner.example', 'c@bank.example', 'd@other.example'), ORIGIN);
    await vi.waitFor(() => expect(w.last()?.recipients.map((r) => r.level)).toEqual(['internal', 'required', 'skipped', 'unverified']));
    expect(w.assess.mock.calls.map((c) => c[0])).toEqual(['other.example']);
    expect(w.last()?.recipients[2]?.summary).toMatch(/skip this domain/);
    expect(w.last()?.summary).toMatchObject({ level: 'unverified', total: 4, notProtected: 1, checking: 0 });
    const state = await w.controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB });
    expect(Object.keys((state as { assessments: object }).assessments)).toEqual(['other.example']);
  });

  it('applies warnAtOrBelow to the count of recipients not protected', async () => {
    // The default ('unverified'): an encrypted (not authenticated) recipient is calm, not counted.
    const w = setup(rulesFrom({}));
    await w.controller.handleContent(update('a@weak.example'), ORIGIN);
    await vi.waitFor(() => expect(w.last()?.summary).toMatchObject({ level: 'encrypted', total: 1, notProtected: 0, checking: 0, warned: false }));
    // An organisation that warns on everything not authenticated ('encrypted'), applied live.
    w.setRules(rulesFrom({ warnAtOrBelow: 'encrypted' }));
    await w.controller.refreshAll();
    expect(w.last()?.summary).toMatchObject({ notProtected: 1, warned: true, culprit: 'a@weak.example' });
  });

  it('applies a changed list live: a domain taken off the skip list is checked, one put on it is not', async () => {
    const w = setup(rulesFrom({ skipDomains: ['*.example'] }));
    await w.controller.handleContent(update('a@one.example', 'b@two.example'), ORIGIN);
    expect(w.last()?.recipients.map((r) => r.level)).toEqual(['skipped', 'skipped']);
    expect(w.last()?.summary).toMatchObject({ level: 'skipped', total: 2, notProtected: 0, checking: 0 });
    expect(w.assess).not.toHaveBeenCalled();

    w.setRules(rulesFrom({ skipDomains: ['two.example'] }));
    await w.controller.refreshAll();
    await vi.waitFor(() => expect(w.last()?.recipients.map((r) => r.level)).toEqual(['unverified', 'skipped']));
    expect(w.assess.mock.calls.map((c) => c[0])).toEqual(['one.example']);
  });

  it('refuses checks by hand of listed domains (a skipped one must not leave the browser)', async () => {
    const w = setup(rulesFrom({ skipDomains: ['bank.example'], internalDomains: ['corp.example'] }));
    expect(await w.controller.handlePage({ type: 'ui/check-manual', input: 'x@bank.example' }))
      .toEqual({ assessments: [], error: 'bank.example is on the skip list in the settings, so it is not looked up.' });
    expect(await w.controller.handlePage({ type: 'ui/check-manual', input: 'corp.example' }))
      .toMatchObject({ assessments: [], error: expect.stringMatching(/own domains \(Internal\)/) });
    expect(w.assess).not.toHaveBeenCalled();
    await w.controller.handlePage({ type: 'ui/check-manual', input: 'other.example' });
    expect(w.assess.mock.calls[0]?.[1]?.sender).toEqual({ mtaSts: true, dane: true });
  });

  it('"clear cache" forgets assessments, DNS answers and policies, then checks open composes again', async () => {
    const w = setup(rulesFrom({}));
    await w.controller.handleContent(update('a@other.example'), ORIGIN);
    await vi.waitFor(() => expect(w.session.data.has('assess:m1d0|other.example')).toBe(true));
    expect(await w.controller.handlePage({ type: 'ui/clear-cache' })).toEqual({ ok: true });
    expect(w.clearDnsCache).toHaveBeenCalled();
    expect(w.clearPolicyCache).toHaveBeenCalled();
    await vi.waitFor(() => expect(w.assess).toHaveBeenCalledTimes(2));
  });
});

describe('the resolver permission gate', () => {
  it('gives "could not check" with the reason, and looks nothing up', async () => {
    const s = mergeSettings({ resolvers: ['https://doh.corp.example/dns-query'] }, {});
    const reason = refusalReason({ ...s, usableResolvers: [], blockedResolvers: ['https://doh.corp.example/dns-query'] });
    expect(reason).toMatchObject({ code: 'settings.resolver-not-permitted', message: expect.stringMatching(/organisation's DNS resolver is not permitted/) });
    const w = setup(rulesFrom({}), () => reason);
    await w.controller.handleContent(update('a@other.example'), ORIGIN);
    await vi.waitFor(() => expect(w.last()?.recipients[0]?.level).toBe('unknown'));
    expect(w.assess).not.toHaveBeenCalled();
    const state = await w.controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB }) as { assessments: Record<string, Assessment> };
    expect(state.assessments['other.example']?.reasons[0]?.code).toBe('settings.resolver-not-permitted');
  });
});

describe('with the organisation\'s lookup service', () => {
  const SERVICE = { url: 'https://intransit.example.org', token: 'org-token-0123456789' };

  it('needs no resolver permission: the service resolves, so nothing is refused', () => {
    const s = mergeSettings({ lookupService: SERVICE, resolvers: ['https://doh.corp.example/dns-query'] }, {});
    expect(refusalReason({ ...s, usableResolvers: [], blockedResolvers: ['https://doh.corp.example/dns-query'] })).toBeNull();
  });

  it('looks nothing up when the managed lookupService cannot be used (never the public resolvers instead)', () => {
    const s = mergeSettings({ lookupService: { url: 'http://intransit.example.org' } }, {});
    expect(s.settings.lookupService).toBeNull();
    expect(refusalReason({ ...s, usableResolvers: s.settings.resolvers, blockedResolvers: [] })).toMatchObject({
      code: 'settings.lookup-service-invalid', message: expect.stringMatching(/^Your organisation's lookup service setting cannot be used/),
    });
    // A bad value the person set falls back to checking here, as any other user setting does.
    const user = mergeSettings({}, { lookupService: { url: 'http://intransit.example.org' } });
    expect(refusalReason({ ...user, usableResolvers: user.settings.resolvers, blockedResolvers: [] })).toBeNull();
  });

  it('never says "policy not checked — allow": the service reads the policy files', async () => {
    // The permission is missing and the result rests on an unread policy: without a service the
    // compose offers "allow"; with one it never does.
    async function policyNotChecked(rules: DomainRules): Promise<boolean> {
      const pushes: BgComposeVerdicts[] = [];
      const unread = async (d: string): Promise<Assessment> => {
        const a = assessment(d, 'encrypted');
        return { ...a, evidence: { ...a.evidence, mtaSts: { record: 'valid', policy: 'not-checked', warnings: [] } } };
      };
      const controller = createController({
        session: memoryArea(),
        service: createAssessmentService({ assess: unread, cache: createAssessmentCache(memoryArea(), { now: () => 1_000 }), deps: () => ({}) as never, now: () => 1_000 }),
        action: fakeAction().action, sendToTab: async (_t, m) => { pushes.push(m); }, tabUrl: async () => 'https://mail.google.com/',
        hasPolicyPermission: async () => false, senderFor: () => undefined, clearDnsCache: () => {}, rules: () => rules,
      });
      await controller.handleContent(update('a@weak.example'), ORIGIN);
      await vi.waitFor(() => expect(pushes[pushes.length - 1]?.recipients[0]?.level).toBe('encrypted'));
      return pushes[pushes.length - 1]?.summary.policyNotChecked ?? false;
    }
    expect(await policyNotChecked(rulesFrom({}))).toBe(true);
    expect(await policyNotChecked(rulesFrom({ lookupService: SERVICE }))).toBe(false);
  });

  it('says who checked in the tab state and in checks by hand, and routes "test connection" to the client', async () => {
    const status = vi.fn(async () => ({ state: 'off' as const }));
    const controller = createController({
      session: memoryArea(),
      service: createAssessmentService({ assess: async (d) => assessment(d, 'protected'), cache: createAssessmentCache(memoryArea(), { now: () => 1_000 }), deps: () => ({}) as never, now: () => 1_000 }),
      action: fakeAction().action, sendToTab: async () => {}, tabUrl: async () => 'https://mail.google.com/',
      hasPolicyPermission: async () => false, senderFor: () => undefined, clearDnsCache: () => {},
      checkedBy: () => checkedByFor({ lookupService: SERVICE, orgName: null }, () => 'Example Org'),
      lookupServiceStatus: status,
    });
    const state = await controller.handlePage({ type: 'ui/get-tab-state', tabId: TAB }) as TabStateResponse;
    expect(state.checkedBy).toEqual({ name: 'Example Org', host: 'intransit.example.org' });
    expect(await controller.handlePage({ type: 'ui/check-manual', input: 'ann@a.example' })).toMatchObject({ checkedBy: { name: 'Example Org' } });
    await controller.handlePage({ type: 'ui/lookup-service-status', service: { url: 'https://other.example' } });
    expect(status).toHaveBeenCalledWith({ url: 'https://other.example' });
  });

  it('names the service by its own name, else the organisation\'s, else its host', () => {
    const settings = { lookupService: { url: 'https://intransit.example.org:8460/v' }, orgName: 'Example Org' };
    expect(checkedByFor(settings, () => 'Service Name')).toEqual({ name: 'Service Name', host: 'intransit.example.org:8460' });
    expect(checkedByFor(settings, () => null)).toEqual({ name: 'Example Org', host: 'intransit.example.org:8460' });
    expect(checkedByFor(settings, () => undefined)).toEqual({ name: 'Example Org', host: 'intransit.example.org:8460' });
    expect(checkedByFor({ ...settings, orgName: null }, () => undefined)).toEqual({ name: null, host: 'intransit.example.org:8460' });
    expect(checkedByFor({ lookupService: null, orgName: 'Example Org' }, () => 'x')).toBeUndefined();
  });

  it('changing the lookup service forgets cached results (they came from elsewhere)', () => {
    expect(LOOKUP_KEYS).toContain('lookupService');
    expect(rulesFrom({ lookupService: SERVICE }).viaService).toBe(true);
    expect(rulesFrom({}).viaService).toBe(false);
  });
});

describe('settings runtime', () => {
  function areas(managed: Record<string, unknown>, sync: Record<string, unknown>) {
    const m = { data: managed, get: async () => structuredClone(m.data) };
    const s = { data: sync, get: async () => structuredClone(s.data) };
    return { m, s };
  }

  it('reads managed over sync and keeps only permitted resolvers', async () => {
    const { m, s } = areas({ resolvers: ['https://doh.corp.example/q', 'https://dns.google/dns-query'] }, { orgName: 'Me' });
    const rt = createSettingsRuntime({ managed: m, sync: s, hasOrigin: async (o) => o === 'https://dns.google/*' });
    const applied = await rt.ready();
    expect(applied.usableResolvers).toEqual(['https://dns.google/dns-query']);
    expect(applied.blockedResolvers).toEqual(['https://doh.corp.example/q']);
    expect(applied.issues.map((i) => i.code)).toEqual(['settings.resolver-not-permitted']);
    expect(applied.settings.orgName).toBe('Me');
    expect(refusalReason(applied)).toBeNull();
  });

  it('reports which keys changed on reload, counting a change of usable resolvers', async () => {
    const { m, s } = areas({}, {});
    let granted = true;
    const rt = createSettingsRuntime({ managed: m, sync: s, hasOrigin: async () => granted });
    await rt.ready();
    m.data = { skipDomains: ['x.example'], senderEnforces: { mtaSts: true, dane: true } };
    expect(await rt.reload()).toEqual(['skipDomains', 'senderEnforces']);
    expect(senderForSettings(rt.latest(), 'gmail')).toEqual({ mtaSts: true, dane: true });
    expect(await rt.reload()).toEqual([]);
    granted = false;
    expect(await rt.reload()).toEqual(['resolvers']);
    expect(LOOKUP_KEYS).toContain('resolvers');
    expect(refusalReason(rt.latest())?.message).toMatch(/settings is not permitted/);
  });

  it('uses the built-in sender knowledge when senderEnforces is not set', async () => {
    const { m, s } = areas({}, {});
    const rt = createSettingsRuntime({ managed: m, sync: s, hasOrigin: async () => true });
    expect(senderForSettings(await rt.ready(), 'gmail')).toEqual({ mtaSts: true, dane: false });
    // Outlook sends through Exchange Online (documented MTA-STS and DANE); Yahoo documents nothing.
    expect(senderForSettings(rt.latest(), 'outlook')).toEqual({ mtaSts: true, dane: true });
    expect(senderForSettings(rt.latest(), 'yahoo')).toBeUndefined();
  });
});
