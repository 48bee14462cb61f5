// @vitest-environment happy-dom
// The options page: every setting shown and saved, validation with clear errors, managed settings
// locked with "Set by your organisation", ignored managed values listed, the resolver test,
// "clear cache" and a diagnostics export without addresses.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App as Options } from '../../../src/options/App.tsx';
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
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved. The new settings apply at once.');
    expect(connector.requestOrigins).not.toHaveBeenCalled();
    expect(connector.saveSettings).toHaveBeenCalledWith({
      policyFetch: 'off',
      policyCache: 'memory',
      internalDomains: ['corp.example', '*.corp.example'],
      skipDomains: ['bank.example', 'health.example'],
      warnAtOrBelow: 'encrypted',
      senderEnforces: { mtaSts: false, dane: true },
      orgName: 'Example Corp',
      helpUrl: 'https://help.example/',
    }, ['resolvers', 'requiredTlsDomains']);
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

  it('links back to the welcome page', async () => {
    const { connector } = fakeConnector();
    render(<Options connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: /What InTransit does/ }));
    expect(connector.openWelcome).toHaveBeenCalled();
  });
});
