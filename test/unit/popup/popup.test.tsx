// @vitest-environment happy-dom
// The popup rendered from a fake Connector: composes and recipients, evidence behind a
// disclosure, caveats, "check again", the missing-permission notice, and the check by hand.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../../src/popup/App.tsx';
import type { Connector } from '../../../src/ui/connector.ts';
import type { Assessment } from '../../../src/core/index.ts';
import type { TabStateResponse } from '../../../src/shared/messages.ts';
import { assessment } from '../background/fakes.ts';
import { installI18n } from '../background/locale-fixture.ts';
import { fakeConnector as sharedFake } from '../options/fake-connector.ts';

beforeAll(installI18n);
afterEach(cleanup);

function protectedAssessment(): Assessment {
  const a = assessment('example.com', 'protected');
  a.mechanism = 'mta-sts';
  a.evidence.mx.hosts = [{ host: 'mx1.example.com', preference: 10, mtaStsPattern: '*.example.com' }];
  a.evidence.mtaSts = { record: 'valid', id: '20240101', policy: 'fetched', mode: 'enforce', mx: ['*.example.com'], maxAge: 604800, warnings: [] };
  a.evidence.dane = { mxSecure: true, hosts: [{ host: 'mx1.example.com', status: 'dane', usages: [3] }] };
  a.evidence.tlsRpt = { record: 'valid', rua: ['mailto:tlsrpt@example.com'] };
  a.evidence.provider = { id: 'example', name: 'Example Mail', source: 'https://example.com' };
  return a;
}

const gmailTab = (overrides: Partial<TabStateResponse> = {}): TabStateResponse => ({
  webmail: 'gmail',
  policyFetchGranted: true,
  assessments: { 'example.com': protectedAssessment(), 'plain.example': assessment('plain.example', 'unverified') },
  composes: [{
    composeId: 'c1', webmail: 'gmail', active: true,
    summary: { level: 'unverified', total: 2, notProtected: 1, checking: 0 },
    recipients: [
      { address: 'ann@example.com', domain: 'example.com', level: 'protected', summary: 'Protected sentence.' },
      { address: 'bob@plain.example', domain: 'plain.example', level: 'unverified', summary: 'Unverified sentence.' },
    ],
  }],
  ...overrides,
});

function fakeConnector(tab: TabStateResponse | null, overrides: Partial<Connector> = {}, settings: { managed?: Record<string, unknown>; user?: Record<string, unknown> } = {}) {
  return sharedFake({
    activeTabId: vi.fn(async () => (tab ? 7 : null)),
    getTabState: vi.fn(async () => tab ?? gmailTab()),
    checkManual: vi.fn(async () => ({ assessments: [assessment('typed.example', 'encrypted')] })),
    hasPolicyPermission: vi.fn(async () => true),
    ...overrides,
  }, settings);
}

describe('popup in a webmail tab with a compose', () => {
  it('lists each recipient with address, level in words, and one sentence', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: 'Your email' });
    expect(within(section).getByText('1 of 2 recipients not protected.', { exact: false })).toBeTruthy();
    expect(within(section).getByText('Worst: No protection published.', { exact: false })).toBeTruthy();
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]?.textContent).toContain('ann@example.com');
    expect(items[0]?.textContent).toContain('Protected');
    expect(items[0]?.textContent).toContain('Protected sentence.');
    expect(items[1]?.textContent).toContain('No protection published');
    expect(connector.getTabState).toHaveBeenCalledWith(7);
  });

  it('shows the evidence behind a disclosure button with aria-expanded', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    const [details] = await screen.findAllByRole('button', { name: 'Details' });
    expect(details?.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('Mail servers (MX)')).toBeNull();
    fireEvent.click(details!);
    expect(details?.getAttribute('aria-expanded')).toBe('true');
    const region = document.getElementById(details!.getAttribute('aria-controls')!)!;
    const text = region.textContent ?? '';
    for (const fact of ['mx1.example.com', 'matches policy pattern *.example.com', 'id=20240101', 'enforce', '7 days',
      'DANE: certificate pinned', 'DANE-EE', 'mailto:tlsrpt@example.com', 'Example Mail', 'MX records signed with DNSSEC: yes']) {
      expect(text).toContain(fact);
    }
  });

  it('keeps the caveats one click away', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: 'What this check cannot see' }));
    expect(screen.getByText(/not an observed connection/)).toBeTruthy();
    expect(screen.getByText(/relayed again/)).toBeTruthy();
    expect(screen.getByText(/AD bit/)).toBeTruthy();
  });

  it('"Check again" re-checks the compose\'s domains and reloads', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Check again' }));
    expect(connector.recheck).toHaveBeenCalledWith(['example.com', 'plain.example']);
    await waitFor(() => expect(connector.getTabState).toHaveBeenCalledTimes(2));
  });

  it('re-reads the state when the background reports a change', async () => {
    const { connector, emitChange } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    await screen.findByRole('region', { name: 'Your email' });
    emitChange();
    await waitFor(() => expect(connector.getTabState).toHaveBeenCalledTimes(2));
  });

  it('says "policy not checked" without the permission, with a way to the welcome page', async () => {
    const { connector } = fakeConnector(gmailTab({ policyFetchGranted: false }));
    render(<App connector={connector} />);
    expect((await screen.findByRole('note')).textContent).toMatch(/^Policy not checked/);
    fireEvent.click(screen.getByRole('button', { name: 'Allow policy checks…' }));
    expect(connector.openWelcome).toHaveBeenCalled();
  });

  it('names several composes and marks the active one', async () => {
    const tab = gmailTab();
    const first = tab.composes[0]!;
    tab.composes = [first, { ...first, composeId: 'c2', active: false }];
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    expect(await screen.findByRole('heading', { name: 'Email 1 (the one you are writing)' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Email 2' })).toBeTruthy();
  });

  it('links to the options', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(connector.openOptions).toHaveBeenCalled();
  });
});

describe('popup outside webmail', () => {
  const outside: TabStateResponse = { webmail: null, composes: [], assessments: {}, policyFetchGranted: true };

  it('says what InTransit does and checks an address by hand', async () => {
    const { connector } = fakeConnector(outside);
    render(<App connector={connector} />);
    expect(await screen.findByRole('heading', { name: 'What InTransit does' })).toBeTruthy();
    const input = screen.getByLabelText('Email address or domain');
    fireEvent.input(input, { target: { value: 'someone@typed.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    await screen.findByText('typed.example');
    expect(connector.checkManual).toHaveBeenCalledWith('someone@typed.example');
    expect(screen.getByText('Encrypted, not guaranteed')).toBeTruthy();
  });

  it('shows the reason when the input cannot be checked', async () => {
    const { connector } = fakeConnector(outside, { checkManual: vi.fn(async () => ({ assessments: [], error: 'The address has no "@".' })) });
    render(<App connector={connector} />);
    fireEvent.input(await screen.findByLabelText('Email address or domain'), { target: { value: 'nonsense' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect((await screen.findByRole('status')).textContent).toContain('The address has no "@".');
  });

  it('works without a tab at all', async () => {
    const { connector } = fakeConnector(null);
    render(<App connector={connector} />);
    expect(await screen.findByRole('heading', { name: 'What InTransit does' })).toBeTruthy();
    expect(connector.getTabState).not.toHaveBeenCalled();
  });

  it('says so when the background does not answer', async () => {
    const { connector } = fakeConnector(outside, { getTabState: vi.fn(async () => { throw new Error('no receiver'); }) });
    render(<App connector={connector} />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not get the results/);
  });
});

describe('popup in webmail without a compose', () => {
  it('invites to start writing and still offers the check by hand', async () => {
    const { connector } = fakeConnector({ webmail: 'gmail', composes: [], assessments: {}, policyFetchGranted: true });
    render(<App connector={connector} />);
    expect(await screen.findByRole('heading', { name: 'No email being written' })).toBeTruthy();
    expect(screen.getByLabelText('Email address or domain')).toBeTruthy();
  });
});

describe('popup and the settings', () => {
  it("shows the organisation's name and help page from the settings", async () => {
    const { connector } = fakeConnector(gmailTab(), {}, { managed: { orgName: 'Example Corp', helpUrl: 'https://help.example/intransit' } });
    render(<App connector={connector} />);
    expect(await screen.findByText('Set up by Example Corp')).toBeTruthy();
    const link = screen.getByRole('link', { name: 'Help from Example Corp' });
    expect(link.getAttribute('href')).toBe('https://help.example/intransit');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it('shows no organisation line without those settings', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    await screen.findByRole('region', { name: 'Your email' });
    expect(screen.queryByTestId('org-help')).toBeNull();
  });

  it('renders a skipped recipient as "Skipped (organisation setting)"', async () => {
    const tab = gmailTab();
    const compose = tab.composes[0];
    if (!compose) throw new Error('fixture');
    compose.recipients.push({ address: 'c@bank.example', domain: 'bank.example', level: 'skipped', summary: 'Not checked: the settings say to skip this domain.' });
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: 'Your email' });
    const item = within(section).getAllByRole('listitem').find((li) => li.textContent?.includes('c@bank.example'));
    expect(item?.textContent).toContain('Skipped (organisation setting)');
    expect(item?.querySelector('img')?.getAttribute('src')).toBe('/icons/level-skipped-32.png');
  });

  it('says policy checks are off (by the organisation) instead of asking for the permission', async () => {
    const { connector } = fakeConnector(gmailTab({ policyFetchGranted: false }), {}, { managed: { policyFetch: 'off' } });
    render(<App connector={connector} />);
    expect(await screen.findByText(/Your organisation turned policy-file checks off/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Allow/ })).toBeNull();
  });
});
