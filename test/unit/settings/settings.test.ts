// The settings schema and the merge: managed > user > defaults, one bad key dropped at a time
// with a diagnostic, domain patterns, resolver permissions.
import { describe, expect, it } from 'vitest';
import {
  changedSettingKeys, isLocked, mergeSettings, readSettings, resolverPermissionIssue, splitResolversByPermission,
} from '../../../src/shared/settings-merge.ts';
import {
  DEFAULT_SETTINGS, matchesDomainPattern, orgLevelFor, parseDomainPattern, parseSetting, SETTING_KEYS,
} from '../../../src/shared/settings.ts';

describe('defaults', () => {
  it('are the documented ones', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      resolvers: ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'],
      policyFetch: 'auto',
      policyCache: 'disk',
      internalDomains: [],
      requiredTlsDomains: [],
      skipDomains: [],
      // Likely encrypted is calm by default (docs/decisions.md "Presentation").
      warnAtOrBelow: 'unverified',
      // The send-time check is off for a person's own install (docs/decisions.md "Send-time check").
      sendCheck: 'off',
      senderEnforces: null,
      orgName: null,
      helpUrl: null,
      // No lookup service: the extension checks from the browser.
      lookupService: null,
    });
    expect(Object.keys(DEFAULT_SETTINGS)).toEqual([...SETTING_KEYS]);
  });

  it('come out of an empty merge, all from "default", nothing locked, no issues', () => {
    const s = mergeSettings({}, {});
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(Object.values(s.sources).every((x) => x === 'default')).toBe(true);
    expect(s.issues).toEqual([]);
    expect(mergeSettings(null, 'garbage').settings).toEqual(DEFAULT_SETTINGS);
  });
});

describe('precedence', () => {
  it('takes managed over user over default, and a managed key locks it', () => {
    const s = mergeSettings(
      { resolvers: ['https://doh.corp.example/dns-query'], orgName: 'Example Corp' },
      { resolvers: ['https://dns.google/dns-query'], skipDomains: ['bank.example'], orgName: 'Me' },
    );
    expect(s.settings.resolvers).toEqual(['https://doh.corp.example/dns-query']);
    expect(s.settings.orgName).toBe('Example Corp');
    expect(s.settings.skipDomains).toEqual(['bank.example']);
    expect(s.sources).toMatchObject({ resolvers: 'managed', orgName: 'managed', skipDomains: 'user', policyFetch: 'default' });
    expect(isLocked(s, 'resolvers')).toBe(true);
    expect(isLocked(s, 'skipDomains')).toBe(false);
  });

  it('locks a managed empty list (the organisation says: none)', () => {
    const s = mergeSettings({ skipDomains: [] }, { skipDomains: ['a.example'] });
    expect(s.settings.skipDomains).toEqual([]);
    expect(isLocked(s, 'skipDomains')).toBe(true);
  });
});

describe('malformed values', () => {
  it('drops a bad managed key on its own, keeps the rest of the policy, and says why', () => {
    const s = mergeSettings(
      { resolvers: ['http://x'], internalDomains: ['corp.example'], warnAtOrBelow: 'Unverified' },
      { resolvers: ['https://dns.google/dns-query'] },
    );
    expect(s.settings.internalDomains).toEqual(['corp.example']);
    // The bad managed value falls through to the user's value, then the default.
    expect(s.settings.resolvers).toEqual(['https://dns.google/dns-query']);
    expect(s.sources.resolvers).toBe('user');
    expect(s.settings.warnAtOrBelow).toBe('unverified');
    expect(s.sources.warnAtOrBelow).toBe('default');
    expect(s.issues.map((i) => i.message)).toEqual([
      "Ignored managed setting `resolvers`: 'http://x' is not an https URL",
      "Ignored managed setting `warnAtOrBelow`: 'Unverified' is not one of 'protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown'",
    ]);
    expect(s.issues[0]).toMatchObject({ source: 'managed', key: 'resolvers', code: 'settings.not-https-url' });
  });

  it('never crashes on any shape, and reports unknown managed keys (Firefox has no schema)', () => {
    const weird = [null, 1, 'x', true, [], {}, { a: 1 }, [1, 2], ['https://a.example/', 5], -0, Number.NaN];
    for (const value of weird) {
      const raw = Object.fromEntries(SETTING_KEYS.map((k) => [k, value]));
      const s = mergeSettings({ ...raw, surprise: 1 }, raw);
      expect(s.settings).toBeTypeOf('object');
    }
    const s = mergeSettings({ resolver: ['https://a.example/'] }, {});
    expect(s.issues).toEqual([{ source: 'managed', key: 'resolver', code: 'settings.unknown-key', message: 'Ignored managed setting `resolver`: InTransit has no such setting' }]);
  });

  it('labels bad user values as user settings', () => {
    const s = mergeSettings({}, { helpUrl: 'javascript:alert(1)' });
    expect(s.settings.helpUrl).toBeNull();
    expect(s.issues[0]?.message).toBe("Ignored user setting `helpUrl`: 'javascript:alert(1)' is not an https URL");
  });
});

describe('one value per key', () => {
  it('resolvers: 1 to 4 https URLs without credentials or fragment, duplicates removed', () => {
    expect(parseSetting('resolvers', ['https://a.example/dns-query', 'https://a.example/dns-query'])).toEqual({ ok: true, value: ['https://a.example/dns-query'] });
    expect(parseSetting('resolvers', [])).toMatchObject({ ok: false, error: { code: 'settings.empty' } });
    expect(parseSetting('resolvers', Array.from({ length: 5 }, (_, i) => `https://r${i}.example/`))).toMatchObject({ ok: false, error: { code: 'settings.too-many' } });
    for (const bad of ['https://user:pw@a.example/', 'https://a.example/#x', 'ftp://a.example/', 'not a url', 7]) {
      expect(parseSetting('resolvers', [bad])).toMatchObject({ ok: false, error: { code: 'settings.not-https-url' } });
    }
    expect(parseSetting('resolvers', 'https://a.example/')).toMatchObject({ ok: false, error: { code: 'settings.not-a-list' } });
  });

  it('domain lists: exact domains or *.suffix, normalised to A-labels, duplicates removed', () => {
    expect(parseSetting('internalDomains', ['Corp.Example.', '*.Bücher.example', 'corp.example'])).toEqual({ ok: true, value: ['corp.example', '*.xn--bcher-kva.example'] });
    for (const bad of ['a.*.example', '*', '*.', 'localhost', 'x@y.example', '192.0.2.1', 'a..b', 'exa mple.com', '']) {
      expect(parseSetting('skipDomains', [bad])).toMatchObject({ ok: false, error: { code: 'settings.invalid-domain' } });
    }
    const bad = parseSetting('skipDomains', ['ok.example', 'bad..example']);
    expect(bad.ok ? '' : bad.error.message).toMatch(/^'bad\.\.example' is not a domain: /);
  });

  it('policyFetch, policyCache, warnAtOrBelow: one of the allowed words', () => {
    expect(parseSetting('policyFetch', 'off')).toEqual({ ok: true, value: 'off' });
    expect(parseSetting('policyFetch', 'on')).toMatchObject({ ok: false });
    expect(parseSetting('policyCache', 'memory')).toEqual({ ok: true, value: 'memory' });
    expect(parseSetting('policyCache', 'session')).toMatchObject({ ok: false, error: { code: 'settings.not-allowed' } });
    expect(parseSetting('warnAtOrBelow', 'encrypted')).toEqual({ ok: true, value: 'encrypted' });
    expect(parseSetting('warnAtOrBelow', 'internal')).toMatchObject({ ok: false });
    for (const mode of ['off', 'confirm', 'block']) expect(parseSetting('sendCheck', mode)).toEqual({ ok: true, value: mode });
    for (const bad of ['Confirm', 'warn', true, null]) expect(parseSetting('sendCheck', bad)).toMatchObject({ ok: false, error: { code: 'settings.not-allowed' } });
  });

  it('sendCheck: a managed mode wins and locks; a bad managed mode falls back to the person\'s', () => {
    expect(mergeSettings({ sendCheck: 'block' }, { sendCheck: 'off' })).toMatchObject({ settings: { sendCheck: 'block' }, sources: { sendCheck: 'managed' } });
    const fallback = mergeSettings({ sendCheck: 'always' }, { sendCheck: 'confirm' });
    expect(fallback).toMatchObject({ settings: { sendCheck: 'confirm' }, sources: { sendCheck: 'user' } });
    expect(fallback.issues.map((i) => i.message)).toEqual(["Ignored managed setting `sendCheck`: 'always' is not one of 'off', 'confirm', 'block'"]);
  });

  it('senderEnforces: booleans only; a mechanism left out is not claimed', () => {
    expect(parseSetting('senderEnforces', { mtaSts: true, dane: true })).toEqual({ ok: true, value: { mtaSts: true, dane: true } });
    expect(parseSetting('senderEnforces', { dane: true })).toEqual({ ok: true, value: { mtaSts: false, dane: true } });
    expect(parseSetting('senderEnforces', { mtaSts: 'yes' })).toMatchObject({ ok: false, error: { code: 'settings.invalid-sender' } });
    expect(parseSetting('senderEnforces', { starttls: true })).toMatchObject({ ok: false, error: { code: 'settings.invalid-sender' } });
    expect(parseSetting('senderEnforces', [true])).toMatchObject({ ok: false });
  });

  it('orgName: text up to 80 characters, empty means not set; helpUrl: an https URL', () => {
    expect(parseSetting('orgName', '  Example Corp ')).toEqual({ ok: true, value: 'Example Corp' });
    expect(parseSetting('orgName', '')).toEqual({ ok: true, value: null });
    expect(parseSetting('orgName', 'x'.repeat(81))).toMatchObject({ ok: false, error: { code: 'settings.too-long' } });
    expect(parseSetting('orgName', 'a\u0000b')).toMatchObject({ ok: false });
    expect(parseSetting('helpUrl', 'https://help.example/intransit')).toEqual({ ok: true, value: 'https://help.example/intransit' });
    expect(parseSetting('helpUrl', 'http://help.example/')).toMatchObject({ ok: false });
  });

  it('lookupService: an https URL (http only to this machine), an optional token of printable ASCII', () => {
    expect(parseSetting('lookupService', { url: 'https://intransit.example.org', token: 'org-token-0123456789' }))
      .toEqual({ ok: true, value: { url: 'https://intransit.example.org', token: 'org-token-0123456789' } });
    // A path prefix (a proxy publishing the service under one) is kept, without its trailing slash.
    expect(parseSetting('lookupService', { url: ' https://Intranet.Example.org/intransit/ ' })).toEqual({ ok: true, value: { url: 'https://intranet.example.org/intransit' } });
    expect(parseSetting('lookupService', { url: 'https://intransit.example.org:8460/' })).toEqual({ ok: true, value: { url: 'https://intransit.example.org:8460' } });
    // Development: plain http to this machine only.
    for (const url of ['http://localhost:8460', 'http://127.0.0.1:8460', 'http://[::1]:8460']) {
      expect(parseSetting('lookupService', { url })).toEqual({ ok: true, value: { url } });
    }
    // An empty token is no token (a policy template left blank).
    expect(parseSetting('lookupService', { url: 'https://intransit.example.org', token: ' ' })).toEqual({ ok: true, value: { url: 'https://intransit.example.org' } });
    expect(parseSetting('lookupService', null)).toEqual({ ok: true, value: null });
    for (const url of [
      'http://intransit.example.org', 'http://10.0.0.5:8460', 'http://127.0.0.2:8460', 'ftp://intransit.example.org', 'https://user:pw@intransit.example.org',
      'https://intransit.example.org/?x=1', 'https://intransit.example.org/?', 'https://intransit.example.org/#v1', 'intransit.example.org', '', 7,
    ]) {
      expect(parseSetting('lookupService', { url }), String(url)).toMatchObject({ ok: false, error: { code: 'settings.invalid-lookup-service' } });
    }
    for (const token of ['has space', 'x'.repeat(257), 'naïve-token', 'tab\there', 42]) {
      const r = parseSetting('lookupService', { url: 'https://intransit.example.org', token });
      expect(r, String(token)).toMatchObject({ ok: false, error: { code: 'settings.invalid-lookup-token' } });
      // The token is the organisation's key: a diagnostic never quotes it.
      if (!r.ok && typeof token === 'string') expect(r.error.message).not.toContain(token);
    }
    expect(parseSetting('lookupService', { url: 'https://intransit.example.org', token: 'x'.repeat(256) })).toMatchObject({ ok: true });
    expect(parseSetting('lookupService', { url: 'https://intransit.example.org', tokens: ['a'] })).toMatchObject({ ok: false, error: { code: 'settings.invalid-lookup-service' } });
    expect(parseSetting('lookupService', 'https://intransit.example.org')).toMatchObject({ ok: false, error: { code: 'settings.invalid-lookup-service' } });
    expect(parseSetting('lookupService', [])).toMatchObject({ ok: false });
  });

  it('lookupService: a managed one locks it; a bad managed one is ignored with a diagnostic (the background then looks nothing up)', () => {
    const s = mergeSettings({ lookupService: { url: 'https://intransit.example.org', token: 'org-token-0123456789' } }, { lookupService: { url: 'https://mine.example' } });
    expect(s.settings.lookupService).toEqual({ url: 'https://intransit.example.org', token: 'org-token-0123456789' });
    expect(isLocked(s, 'lookupService')).toBe(true);
    const bad = mergeSettings({ lookupService: { url: 'http://intransit.example.org' } }, {});
    expect(bad.settings.lookupService).toBeNull();
    expect(bad.issues).toMatchObject([{ source: 'managed', key: 'lookupService', code: 'settings.invalid-lookup-service' }]);
  });

  it('caps quoted values so a huge policy cannot flood the page', () => {
    const r = parseSetting('resolvers', [`http://${'a'.repeat(5000)}`]);
    expect(r.ok ? '' : r.error.message.length).toBeLessThan(150);
  });
});

describe('domain patterns', () => {
  it('matches an exact domain only, and *.suffix the suffix and everything below', () => {
    expect(matchesDomainPattern('corp.example', 'corp.example')).toBe(true);
    expect(matchesDomainPattern('mail.corp.example', 'corp.example')).toBe(false);
    expect(matchesDomainPattern('corp.example', '*.corp.example')).toBe(true);
    expect(matchesDomainPattern('a.b.corp.example', '*.corp.example')).toBe(true);
    expect(matchesDomainPattern('evilcorp.example', '*.corp.example')).toBe(false);
    expect(parseDomainPattern('*.CORP.example')).toEqual({ ok: true, value: '*.corp.example' });
    expect(parseDomainPattern('*.test')).toEqual({ ok: true, value: '*.test' });
    expect(parseDomainPattern('test')).toMatchObject({ ok: false });
    expect(parseDomainPattern('*.*.test')).toMatchObject({ ok: false });
  });

  it('classifies internal > required > skipped', () => {
    const lists = { internalDomains: ['*.corp.example'], requiredTlsDomains: ['partner.example', 'corp.example'], skipDomains: ['*.example'] };
    expect(orgLevelFor('hr.corp.example', lists)).toBe('internal');
    expect(orgLevelFor('corp.example', lists)).toBe('internal');
    expect(orgLevelFor('partner.example', lists)).toBe('required');
    expect(orgLevelFor('other.example', lists)).toBe('skipped');
    expect(orgLevelFor('other.test', lists)).toBeNull();
  });
});

describe('reading the storage areas', () => {
  const area = (data: Record<string, unknown>) => ({ get: async () => data });
  it('treats a rejecting or missing storage.managed as no organisation settings (Firefox without policies)', async () => {
    const s = await readSettings({ managed: { get: () => Promise.reject(new Error('Managed storage manifest not found')) }, sync: area({ orgName: 'Me' }) });
    expect(s.settings.orgName).toBe('Me');
    expect(s.issues).toEqual([]);
    expect((await readSettings({ sync: area({}) })).settings).toEqual(DEFAULT_SETTINGS);
  });

  it('says so when storage.sync fails, and keeps the managed settings', async () => {
    const s = await readSettings({ managed: area({ orgName: 'Corp' }), sync: { get: () => Promise.reject(new Error('boom')) } });
    expect(s.settings.orgName).toBe('Corp');
    expect(s.issues).toMatchObject([{ code: 'settings.storage-error', source: 'user' }]);
  });
});

describe('resolver permissions', () => {
  it('splits resolvers by permitted origin and never substitutes others', () => {
    const permitted = (o: string) => o === 'https://dns.google/*';
    expect(splitResolversByPermission(['https://doh.corp.example/q', 'https://dns.google/dns-query'], permitted))
      .toEqual({ usable: ['https://dns.google/dns-query'], blocked: ['https://doh.corp.example/q'] });
    expect(splitResolversByPermission(['https://doh.corp.example/q'], permitted)).toEqual({ usable: [], blocked: ['https://doh.corp.example/q'] });
  });

  it('words the diagnostic for the organisation or the user', () => {
    expect(resolverPermissionIssue([], 'managed')).toBeNull();
    expect(resolverPermissionIssue(['https://doh.corp.example/q'], 'managed')?.message).toMatch(/^The organisation's resolver 'https:\/\/doh\.corp\.example\/q' is not permitted/);
    expect(resolverPermissionIssue(['https://doh.corp.example/q'], 'user')).toMatchObject({ source: 'user', code: 'settings.resolver-not-permitted' });
  });
});

describe('changedSettingKeys', () => {
  it('names the keys whose effective value changed', () => {
    const a = mergeSettings({}, {}).settings;
    const b = mergeSettings({ skipDomains: ['x.example'], senderEnforces: { mtaSts: true, dane: true } }, {}).settings;
    expect(changedSettingKeys(a, b)).toEqual(['skipDomains', 'senderEnforces']);
    expect(changedSettingKeys(a, a)).toEqual([]);
  });
});
