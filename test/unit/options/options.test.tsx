// @vitest-environment happy-dom
// The options page: every setting shown and saved, validation with clear errors, managed settings
// locked with "Set by your organisation", ignored managed values listed, the resolver test,
// "clear cache" and a diagnostics export without addresses.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App as Options } from '../../../src/options/App.tsx';
import type { LookupServiceStatus } from '../../../src/shared/messages.ts';
import { DEFAULT_SETTINGS, SETTING_KEYS } from '../../../src/shared/settings.ts';
import { installI18n } from '../background/locale-fixture.ts';
import { fakeConnector } from './fake-connector.ts';

beforeAll(installI18n);
afterEach(cleanup);

const textarea = (label: RegExp | string, section: string) =>
  within(screen.getByRole('region', { name: section })).getByLabelText(label) as HTMLTextAreaElement;

async function ready() {
  await screen.findByRole('heading', { level: 1, name: 'InTransit settings' });
}

describe('options page: every setting', () => {
  it('shows the defaults in every field, nothing locked', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    expect(textarea('Resolver URLs, one per line', 'DNS resolvers').value).toBe(DEFAULT_SETTINGS.resolvers.join('\n'));
    for (const section of ['Internal domains', 'TLS-required domains', 'Domains to skip']) expect(textarea(/Domains, one per line/, section).value).toBe('');
    expect((screen.getByLabelText('Warn at this level or worse') as HTMLSelectElement).value).toBe('unverified');
    expect((screen.getByLabelText(/On this device until they expire/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/Fetch policy files when/) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText(/Use what InTransit knows/) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByText('🔒 Set by your organisation')).toBeNull();
    expect(screen.getByText('The browser permission is not granted.')).toBeTruthy();
  });

  it('saves changed settings to storage.sync and removes the ones back at their default', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    fireEvent.input(textarea(/Domains/, 'Internal domains'), { target: { value: 'Corp.Example\n*.corp.example' } });
    fireEvent.input(textarea(/Domains/, 'Domains to skip'), { target: { value: 'bank.example, health.example' } });
    fireEvent.change(screen.getByLabelText('Warn at this level or worse'), { target: { value: 'encrypted' } });
    fireEvent.click(screen.getByLabelText(/In memory only/));
    fireEvent.click(screen.getByLabelText('Never fetch policy files (judge from DNS alone)'));
    fireEvent.click(screen.getByLabelText('Our outgoing servers enforce:'));
    fireEvent.click(screen.getByLabelText('DANE (RFC 7672)'));
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Example Corp' } });
    fireEvent.input(screen.getByLabelText('Help page URL'), { target: { value: 'https://help.example/' } });
    fireEvent.click(screen.getByLabelText(/Do not send to them/));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. The new settings apply at once.');
    expect(connector.requestOrigins).not.toHaveBeenCalled();
    expect(connector.saveSettings).toHaveBeenCalledWith({
      policyFetch: 'off',
      policyCache: 'memory',
      internalDomains: ['corp.example', '*.corp.example'],
      skipDomains: ['bank.example', 'health.example'],
      warnAtOrBelow: 'encrypted',
      sendCheck: 'block',
      senderEnforces: { mtaSts: false, dane: true },
      orgName: 'Example Corp',
      helpUrl: 'https://help.example/',
    }, ['resolvers', 'requiredTlsDomains', 'lookupService']);
  });

  it('"Restore defaults" removes every setting that is not locked', async () => {
    const { connector } = fakeConnector({}, { managed: { orgName: 'Corp' } });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.click(screen.getByRole('button', { name: 'Restore defaults' }));
    await waitFor(() => expect(connector.saveSettings).toHaveBeenCalled());
    const [, reset] = vi.mocked(connector.saveSettings).mock.calls[0] ?? [];
    expect(reset).not.toContain('orgName');
    expect(reset).toHaveLength(SETTING_KEYS.length - 1);
  });
});

describe('options page: the check before sending', () => {
  const section = () => within(screen.getByRole('region', { name: 'Check before sending' }));

  it('is off by default, says so, and turns on in one click (saved at once)', async () => {
    const fake = fakeConnector();
    render(<Options connector={fake.connector} />);
    await ready();
    expect(section().getByTestId('send-check-state').textContent).toBe('Check before sending: off — the badge is the only warning.');
    expect((section().getByLabelText(/Off: the badge/) as HTMLInputElement).checked).toBe(true);
    fake.setSettings({}, { sendCheck: 'confirm' });
    fireEvent.click(section().getByRole('button', { name: 'Ask me before sending to recipients whose mail may travel unencrypted' }));
    await waitFor(() => expect(section().getByTestId('send-check-state').textContent).toBe("Check before sending: asks you first when a recipient's mail may travel unencrypted."));
    expect(fake.connector.saveSettings).toHaveBeenCalledWith({ sendCheck: 'confirm' }, []);
    expect((section().getByLabelText(/Ask me before sending \(/) as HTMLInputElement).checked).toBe(true);
    expect(section().queryByTestId('send-check-offer')).toBeNull();
  });

  it('keeps the one-click choice when other unsaved changes are saved afterwards', async () => {
    const fake = fakeConnector();
    render(<Options connector={fake.connector} />);
    await ready();
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Example Corp' } });
    fake.setSettings({}, { sendCheck: 'confirm' });
    fireEvent.click(section().getByTestId('send-check-offer'));
    await waitFor(() => expect(section().queryByTestId('send-check-offer')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. The new settings apply at once.');
    expect(vi.mocked(fake.connector.saveSettings).mock.calls.at(-1)?.[0]).toMatchObject({ sendCheck: 'confirm', orgName: 'Example Corp' });
  });

  it('shows the organisation\'s mode locked, without the offer', async () => {
    const { connector } = fakeConnector({}, { managed: { sendCheck: 'block' } });
    render(<Options connector={connector} />);
    await ready();
    expect(section().getByText('🔒 Set by your organisation')).toBeTruthy();
    expect(section().getByTestId('send-check-state').textContent).toBe('Check before sending: does not let a message go to recipients whose mail may travel unencrypted (🔒 set by your organisation).');
    const block = section().getByLabelText(/Do not send to them/) as HTMLInputElement;
    expect([block.checked, block.closest('fieldset')?.disabled]).toEqual([true, true]);
    expect(section().queryByTestId('send-check-offer')).toBeNull();
  });
});

describe('options page: validation', () => {
  it('explains a bad resolver URL and an invalid domain, marks the fields, and saves nothing', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    const resolvers = textarea('Resolver URLs, one per line', 'DNS resolvers');
    const skip = textarea(/Domains/, 'Domains to skip');
    fireEvent.input(resolvers, { target: { value: 'http://dns.example/dns-query' } });
    fireEvent.input(skip, { target: { value: 'ok.example\nbad..example' } });
    fireEvent.input(screen.getByLabelText('Help page URL'), { target: { value: 'ftp://help.example/' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Not an https:// URL: http://dns.example/dns-query')).toBeTruthy();
    expect(screen.getByText('Not a domain: bad..example')).toBeTruthy();
    expect(screen.getByText('Not an https:// URL: ftp://help.example/')).toBeTruthy();
    expect(screen.getByText('Nothing was saved: correct the fields marked above.')).toBeTruthy();
    expect(resolvers.getAttribute('aria-invalid')).toBe('true');
    expect(resolvers.getAttribute('aria-describedby')).toContain('resolvers-error');
    expect(skip.getAttribute('aria-invalid')).toBe('true');
    expect(connector.saveSettings).not.toHaveBeenCalled();
  });

  it('refuses an empty resolver list and more than four', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    const resolvers = textarea('Resolver URLs, one per line', 'DNS resolvers');
    fireEvent.input(resolvers, { target: { value: '  \n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter at least one resolver URL.')).toBeTruthy();
    fireEvent.input(resolvers, { target: { value: Array.from({ length: 5 }, (_, i) => `https://r${i}.example/`).join('\n') } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter at most 4 resolver URLs.')).toBeTruthy();
  });

  it('asks for the origin of a new resolver and saves nothing when refused', async () => {
    const { connector } = fakeConnector({ requestOrigins: vi.fn(async () => false) });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.input(textarea('Resolver URLs, one per line', 'DNS resolvers'), { target: { value: 'https://doh.corp.example/dns-query' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findAllByText(/Nothing was saved/)).length).toBeGreaterThan(0);
    expect(connector.requestOrigins).toHaveBeenCalledWith(['https://doh.corp.example/*']);
    expect(connector.saveSettings).not.toHaveBeenCalled();
  });

  it('shows a storage error (e.g. the sync quota) instead of pretending it saved', async () => {
    const { connector } = fakeConnector({ saveSettings: vi.fn(async () => { throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded'); }) });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.input(screen.getByLabelText('Name'), { target: { value: 'Me' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/could not be saved: Error: QUOTA_BYTES_PER_ITEM/)).toBeTruthy();
  });
});

describe('options page: managed settings', () => {
  const managed = {
    resolvers: ['https://dns.google/dns-query'],
    internalDomains: ['corp.example'],
    skipDomains: ['*.bank.example'],
    policyFetch: 'off',
    orgName: 'Example Corp',
    helpUrl: 'https://help.example/',
    warnAtOrBelow: 'Unverified', // malformed: ignored with a diagnostic
  };

  it('shows managed settings locked with "Set by your organisation", and the rest editable', async () => {
    const { connector } = fakeConnector({}, { managed, user: { requiredTlsDomains: ['partner.example'] } });
    render(<Options connector={connector} />);
    await ready();
    for (const name of ['DNS resolvers', 'Internal domains', 'Domains to skip', 'MTA-STS policy checks', 'Organisation name', 'Help page']) {
      const section = screen.getByRole('region', { name });
      expect(within(section).getByText('🔒 Set by your organisation')).toBeTruthy();
      expect(section.getAttribute('data-locked')).toBe('true');
    }
    expect(textarea('Resolver URLs, one per line', 'DNS resolvers').disabled).toBe(true);
    expect(textarea('Resolver URLs, one per line', 'DNS resolvers').value).toBe('https://dns.google/dns-query');
    expect(textarea(/Domains/, 'Domains to skip').value).toBe('*.bank.example');
    expect((screen.getByLabelText('Never fetch policy files (judge from DNS alone)') as HTMLInputElement).checked).toBe(true);
    const required = textarea(/Domains/, 'TLS-required domains');
    expect(required.disabled).toBe(false);
    expect(required.value).toBe('partner.example');
    expect(within(screen.getByRole('region', { name: 'TLS-required domains' })).queryByText('🔒 Set by your organisation')).toBeNull();
    expect((screen.getByLabelText('Warn at this level or worse') as HTMLSelectElement).disabled).toBe(false);
    expect(screen.getByText('Example Corp manages some of these settings.')).toBeTruthy();
  });

  it('lists ignored managed values with the reason', async () => {
    const { connector } = fakeConnector({}, { managed: { ...managed, resolvers: ['http://x'] } });
    render(<Options connector={connector} />);
    const issues = await screen.findByRole('region', { name: 'Settings that were ignored' });
    expect(issues.textContent).toContain("Ignored managed setting `resolvers`: 'http://x' is not an https URL");
    expect(issues.textContent).toContain('Ignored managed setting `warnAtOrBelow`');
  });

  it('saves only what is not locked', async () => {
    const { connector } = fakeConnector({}, { managed });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.input(textarea(/Domains/, 'TLS-required domains'), { target: { value: 'partner.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. The new settings apply at once.');
    const [set, reset] = vi.mocked(connector.saveSettings).mock.calls[0] ?? [];
    expect(set).toEqual({ requiredTlsDomains: ['partner.example'] });
    for (const key of ['resolvers', 'internalDomains', 'skipDomains', 'policyFetch', 'orgName', 'helpUrl']) {
      expect(reset).not.toContain(key);
      expect(set).not.toHaveProperty(key);
    }
  });

  it("says when the organisation's resolver is not permitted, and offers to allow it", async () => {
    const { connector } = fakeConnector({ hasOrigins: vi.fn(async () => false) }, { managed: { resolvers: ['https://doh.corp.example/dns-query'] } });
    render(<Options connector={connector} />);
    const issues = await screen.findByRole('region', { name: 'Settings that were ignored' });
    expect(issues.textContent).toMatch(/The organisation's resolver 'https:\/\/doh\.corp\.example\/dns-query' is not permitted/);
    fireEvent.click(within(issues).getByRole('button', { name: 'Allow access to the resolver' }));
    expect(connector.requestOrigins).toHaveBeenCalledWith(['https://doh.corp.example/*']);
  });

  it('follows a managed change live, keeping what the person is typing elsewhere', async () => {
    const fake = fakeConnector();
    render(<Options connector={fake.connector} />);
    await ready();
    fireEvent.input(textarea(/Domains/, 'TLS-required domains'), { target: { value: 'typing.example' } });
    fake.setSettings({ skipDomains: ['new.example'] });
    fake.emitChange();
    await waitFor(() => expect(textarea(/Domains/, 'Domains to skip').value).toBe('new.example'));
    expect(textarea(/Domains/, 'Domains to skip').disabled).toBe(true);
    expect(textarea(/Domains/, 'TLS-required domains').value).toBe('typing.example');
  });
});

describe('options page: tools', () => {
  it('tests each resolver and says whether it answers and validates DNSSEC', async () => {
    const testResolver = vi.fn(async (url: string) => (url.includes('google')
      ? { ok: true as const, outcome: 'nodata' as const, dnssecValidated: false, elapsedMs: 30 }
      : { ok: false as const, outcome: 'timeout' as const, error: 'timeout' }));
    const { connector } = fakeConnector({ testResolver });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.click(screen.getByRole('button', { name: 'Test resolvers' }));
    await screen.findByText(/answers in 30 ms but does not validate DNSSEC/);
    expect(screen.getByText(/no answer \(timeout\)/)).toBeTruthy();
    expect(testResolver.mock.calls.map((c) => c[0])).toEqual(DEFAULT_SETTINGS.resolvers);
    expect(connector.requestOrigins).not.toHaveBeenCalled();
  });

  it('asks for the origin before testing a new resolver', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    fireEvent.input(textarea('Resolver URLs, one per line', 'DNS resolvers'), { target: { value: 'https://doh.corp.example/q' } });
    fireEvent.click(screen.getByRole('button', { name: 'Test resolvers' }));
    await screen.findByText(/answers in 12 ms and validates DNSSEC/);
    expect(connector.requestOrigins).toHaveBeenCalledWith(['https://doh.corp.example/*']);
  });

  it('says how many MTA-STS policies are kept on this device, and clears them with the cache through the background', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    expect((await screen.findByTestId('cache-counts')).textContent).toBe('1 MTA-STS policy is kept on this device.');
    vi.mocked(connector.cacheStats).mockResolvedValue({ assessments: 0, policies: 0 });
    fireEvent.click(screen.getByRole('button', { name: 'Clear cache and stored policies' }));
    expect(await screen.findByText('The cache is cleared.')).toBeTruthy();
    expect(connector.clearCache).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.getByTestId('cache-counts').textContent).toBe('0 MTA-STS policies are kept on this device.'));
  });

  it('says so when clearing the cache fails, and logs it', async () => {
    const { connector } = fakeConnector({ clearCache: vi.fn(async () => { throw new Error('no receiver'); }) });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.click(screen.getByRole('button', { name: 'Clear cache and stored policies' }));
    expect(await screen.findByText('The cache could not be cleared.')).toBeTruthy();
  });

  it('exports diagnostics: settings with sources, issues, permissions, cache counts — and no addresses', async () => {
    const { connector } = fakeConnector({}, {
      managed: { orgName: 'Example Corp', resolvers: ['http://x'], internalDomains: ['corp.example'] },
      user: { skipDomains: ['bank.example'] },
    });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.click(screen.getByRole('button', { name: 'Export diagnostics' }));
    await screen.findByText('The diagnostics file was saved.');
    const [name, text, type] = vi.mocked(connector.saveFile).mock.calls[0] ?? [];
    expect(name).toMatch(/^intransit-diagnostics-\d{4}-\d{2}-\d{2}\.json$/);
    expect(type).toBe('application/json');
    const data = JSON.parse(text ?? '') as Record<string, unknown>;
    expect(data).toMatchObject({
      format: 'intransit-diagnostics/2',
      extension: { id: 'kojkdehamgggcacghdimajanhpnlpfpe', version: '0.1.0' },
      settings: {
        orgName: { value: 'Example Corp', source: 'managed' },
        internalDomains: { value: ['corp.example'], source: 'managed' },
        skipDomains: { value: ['bank.example'], source: 'user' },
        resolvers: { value: DEFAULT_SETTINGS.resolvers, source: 'default' },
      },
      issues: [{ source: 'managed', key: 'resolvers', code: 'settings.not-https-url' }],
      permissions: { policyFetch: false },
      caches: { assessments: 3, policies: 1 },
      storage: { assessmentsStored: 3, assessmentsMemoryOnly: 1, sessionWriteFailures: 2, sessionWritesRecovered: 1, policyCache: 'disk', policiesStored: 1 },
      log: { background: [{ level: 'warning', code: 'storage.session-write-failed', count: 2, at: '2023-11-14T22:13:20.000Z' }] },
    });
    expect(text).not.toMatch(/[^\s"'`]+@[^\s"'`]+\.[a-z]/i);
  });

  it('never exports the lookup service\'s token, only that one is set', async () => {
    const { connector } = fakeConnector({}, { managed: { lookupService: { url: 'https://intransit.example.org', token: 'org-token-0123456789abcdef' } } });
    render(<Options connector={connector} />);
    await ready();
    fireEvent.click(screen.getByRole('button', { name: 'Export diagnostics' }));
    await screen.findByText('The diagnostics file was saved.');
    const [, text] = vi.mocked(connector.saveFile).mock.calls[0] ?? [];
    expect(JSON.parse(text ?? '').settings.lookupService).toEqual({ value: { url: 'https://intransit.example.org', token: '(set, not exported)' }, source: 'managed' });
    expect(text).not.toContain('org-token-0123456789abcdef');
  });

  it('links back to the welcome page', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: /What InTransit does/ }));
    expect(connector.openWelcome).toHaveBeenCalled();
  });
});

describe('options page: the organisation\'s lookup service', () => {
  const SERVICE = { url: 'https://intransit.example.org', token: 'org-token-0123456789abcdef' };
  const section = () => screen.getByRole('region', { name: "Organisation's lookup service" });
  const connected = { state: 'connected' as const, url: SERVICE.url, name: 'Example Org', api: 'intransit-lookup/1', engine: '0.1.0', extension: '0.1.0', skew: false, auth: 'token' as const, cache: 'redis' as const };

  it('without one: empty fields, no request to any service, resolvers and policy fetching as usual', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    expect((within(section()).getByLabelText('Service URL (https://…)') as HTMLInputElement).value).toBe('');
    expect(connector.lookupServiceStatus).not.toHaveBeenCalled();
    expect(screen.queryByTestId('handled-by-service')).toBeNull();
    expect(screen.getByText('The browser permission is not granted.')).toBeTruthy();
  });

  it('set by the organisation: locked, connected state from /v1/info, resolvers and policy fetching handled by the service', async () => {
    const { connector } = fakeConnector({ lookupServiceStatus: vi.fn(async () => connected) }, { managed: { lookupService: SERVICE } });
    render(<Options connector={connector} />);
    await ready();
    const s = within(section());
    expect(s.getByText('🔒 Set by your organisation')).toBeTruthy();
    const url = s.getByLabelText('Service URL (https://…)') as HTMLInputElement;
    expect(url.value).toBe(SERVICE.url);
    expect(url.disabled).toBe(true);
    expect((s.getByLabelText(/Organisation token/) as HTMLInputElement).type).toBe('password');
    expect(await s.findByText("✓ Connected to Example Org's lookup service at intransit.example.org.")).toBeTruthy();
    expect(s.getByText('API intransit-lookup/1, service engine 0.1.0, this extension 0.1.0.')).toBeTruthy();
    expect(s.queryByTestId('version-skew')).toBeNull();
    expect(connector.lookupServiceStatus).toHaveBeenCalledWith(undefined);
    expect(screen.getAllByTestId('handled-by-service').map((p) => p.closest('section')?.getAttribute('data-setting'))).toEqual(['resolvers', 'policyFetch']);
    expect(screen.getAllByText("Handled by your organisation's lookup service: not used while a lookup service is set.")).toHaveLength(2);
    // The permission for policy files is not asked for: the service reads them.
    expect(screen.queryByText('The browser permission is not granted.')).toBeNull();
    expect(screen.queryByRole('button', { name: /Allow policy checks/ })).toBeNull();
  });

  it('warns when the service\'s engine and this extension differ in version', async () => {
    const { connector } = fakeConnector({ lookupServiceStatus: vi.fn(async () => ({ ...connected, name: null, engine: '0.2.0', skew: true })) }, { managed: { lookupService: SERVICE } });
    render(<Options connector={connector} />);
    await ready();
    expect(await within(section()).findByText('✓ Connected to the lookup service at intransit.example.org.')).toBeTruthy();
    expect(within(section()).getByTestId('version-skew').textContent).toBe("The service's engine (0.2.0) and this extension (0.1.0) are different versions: their verdicts may differ in detail. Your IT team can update both from the same release.");
  });

  it('says in plain words why it is not connected, and tests again on request', async () => {
    const status = vi.fn(async (): Promise<LookupServiceStatus> => ({ state: 'failed' as const, url: SERVICE.url, code: 'extension.service-unauthorized', message: "Your organisation's lookup service refused the extension's token. Your IT team can check the token in the lookupService setting." }));
    const { connector } = fakeConnector({ lookupServiceStatus: status }, { managed: { lookupService: SERVICE } });
    render(<Options connector={connector} />);
    await ready();
    const shown = await within(section()).findByText(/^Not connected to intransit\.example\.org:/);
    expect(shown.textContent).toBe("Not connected to intransit.example.org: Your organisation's lookup service refused the extension's token. Your IT team can check the token in the lookupService setting.");
    status.mockResolvedValueOnce(connected);
    fireEvent.click(within(section()).getByRole('button', { name: 'Test connection' }));
    expect(await within(section()).findByText(/Connected to Example Org's lookup service/)).toBeTruthy();
    // A locked service is tested as it is in effect.
    expect(status.mock.calls).toEqual([[undefined], [undefined]]);
  });

  it('a person\'s own: tests what was typed before saving, then saves it (no permission needed)', async () => {
    const status = vi.fn(async () => connected);
    const { connector } = fakeConnector({ lookupServiceStatus: status });
    render(<Options connector={connector} />);
    await ready();
    const s = within(section());
    fireEvent.input(s.getByLabelText('Service URL (https://…)'), { target: { value: ' https://intransit.example.org/ ' } });
    fireEvent.input(s.getByLabelText(/Organisation token/), { target: { value: SERVICE.token } });
    fireEvent.click(s.getByRole('button', { name: 'Test connection' }));
    expect(await s.findByText(/Connected to Example Org's lookup service/)).toBeTruthy();
    expect(status).toHaveBeenCalledWith({ url: 'https://intransit.example.org', token: SERVICE.token });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. The new settings apply at once.');
    expect(connector.requestOrigins).not.toHaveBeenCalled();
    expect(vi.mocked(connector.saveSettings).mock.calls[0]?.[0]).toEqual({ lookupService: { url: 'https://intransit.example.org', token: SERVICE.token } });
  });

  it('explains a URL that is not https, and a token without a URL; saves nothing', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    await ready();
    const s = within(section());
    fireEvent.input(s.getByLabelText('Service URL (https://…)'), { target: { value: 'http://intransit.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await s.findByText('“http://intransit.example.org” is not an https:// URL (plain http:// only to localhost or 127.0.0.1, for testing), without ?query or #fragment.')).toBeTruthy();
    expect(s.getByLabelText('Service URL (https://…)').getAttribute('aria-invalid')).toBe('true');
    fireEvent.input(s.getByLabelText('Service URL (https://…)'), { target: { value: '' } });
    fireEvent.input(s.getByLabelText(/Organisation token/), { target: { value: 'has a space' } });
    fireEvent.click(s.getByRole('button', { name: 'Test connection' }));
    expect(await s.findByText('Give the service\'s URL, or clear the token.')).toBeTruthy();
    fireEvent.input(s.getByLabelText('Service URL (https://…)'), { target: { value: 'https://intransit.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await s.findByText('The token must be at most 256 printable ASCII characters, without spaces.')).toBeTruthy();
    expect(connector.saveSettings).not.toHaveBeenCalled();
    expect(connector.lookupServiceStatus).not.toHaveBeenCalled();
  });
});
