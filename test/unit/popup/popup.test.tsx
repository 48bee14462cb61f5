// @vitest-environment happy-dom
// The popup rendered from a fake Connector: composes and recipients, evidence behind a
// disclosure, caveats, "check again", the missing-permission notice, and the check by hand.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../../src/popup/App.tsx';
import type { Connector } from '../../../src/ui/connector.ts';
import type { Assessment } from '../../../src/core/index.ts';
import type { TabStateResponse } from '../../../src/shared/messages.ts';
import { assessment, deferred } from '../background/fakes.ts';
import { mergeSettings, type SettingsSnapshot } from '../../../src/shared/settings-merge.ts';
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

const SUMMARY = { level: 'unverified', total: 2, notProtected: 1, checking: 0, atLevel: 1, culprit: 'bob@plain.example', warned: true, policyNotChecked: false, tooMany: false } as const;

const gmailTab = (overrides: Partial<TabStateResponse> = {}): TabStateResponse => ({
  webmail: 'gmail',
  policyFetchGranted: true,
  assessments: { 'example.com': protectedAssessment(), 'plain.example': assessment('plain.example', 'unverified') },
  composes: [{
    composeId: 'c1', webmail: 'gmail', active: true,
    summary: { ...SUMMARY },
    recipients: [
      { address: 'ann@example.com', domain: 'example.com', level: 'protected', summary: 'Protected sentence.', policyNotChecked: false },
      { address: 'bob@plain.example', domain: 'plain.example', level: 'unverified', summary: 'Unverified sentence.', policyNotChecked: false },
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

const COMPOSE = 'To ann@example.com and 1 other';

describe('popup in a webmail tab with a compose', () => {
  it('labels the compose by its first recipient and says its headline, what to do, and each recipient worst first', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: COMPOSE });
    expect(section.querySelector('.headline')?.textContent).toBe('bob@plain.example: no protection published');
    expect(section.querySelector('.headline')?.getAttribute('data-tone')).toBe('caution');
    expect(within(section).getByText(/If the message is confidential, send it encrypted/)).toBeTruthy();
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    // Worst first: the unprotected recipient before the protected one.
    expect(items[0]?.textContent).toContain('bob@plain.example');
    expect(items[0]?.textContent).toContain('No protection published');
    // Why this domain got its level (the check's reason), not the level's general sentence as well.
    expect(items[0]?.textContent).toContain('plain.example is unverified.');
    expect(items[0]?.textContent).not.toContain('Unverified sentence.');
    expect(items[1]?.textContent).toContain('ann@example.com');
    expect(items[1]?.textContent).toContain('Protected');
    expect(connector.getTabState).toHaveBeenCalledWith(7);
  });

  it('is calm for a compose that is only likely encrypted', async () => {
    const tab = gmailTab();
    tab.composes[0]!.summary = { ...SUMMARY, level: 'encrypted', notProtected: 0, culprit: null, atLevel: 2, warned: false };
    tab.composes[0]!.recipients = tab.composes[0]!.recipients.map((r) => ({ ...r, level: 'encrypted' }));
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: COMPOSE });
    expect(section.querySelector('.headline')?.textContent).toBe('Likely encrypted');
    expect(section.querySelector('.headline')?.getAttribute('data-tone')).toBe('calm');
  });

  it('names every Details button after its recipient, and shows the evidence behind it', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    await screen.findByRole('region', { name: COMPOSE });
    expect(screen.getByRole('button', { name: 'Details for bob@plain.example' })).toBeTruthy();
    const details = screen.getByRole('button', { name: 'Details for ann@example.com' });
    expect(details.textContent).toBe('Details');
    expect(details.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByText('Mail servers (MX)')).toBeNull();
    fireEvent.click(details);
    expect(details.getAttribute('aria-expanded')).toBe('true');
    const region = document.getElementById(details.getAttribute('aria-controls')!)!;
    const text = region.textContent ?? '';
    for (const fact of ['mx1.example.com', 'matches policy pattern *.example.com', 'id=20240101', 'enforce', '7 days',
      'DANE: certificate pinned', 'DANE-EE', 'mailto:tlsrpt@example.com', 'Example Mail', 'MX records signed with DNSSEC: yes']) {
      expect(text).toContain(fact);
    }
  });

  it('keeps the caveats and the legend of the levels one click away', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: 'What this check cannot see' }));
    expect(screen.getByText(/not an observed connection/)).toBeTruthy();
    expect(screen.getByText(/relayed again/)).toBeTruthy();
    expect(screen.getByText(/AD bit/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'What the symbols mean' }));
    const legend = document.querySelector('dl.legend')!;
    expect([...legend.querySelectorAll('dt')].map((dt) => dt.textContent?.trim())).toEqual([
      'Does not accept mail', 'Protection broken', 'No protection published', 'Could not check', 'Checking',
      'Likely encrypted', 'Protected', 'TLS required', 'Internal', 'Skipped',
    ]);
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
    await screen.findByRole('region', { name: COMPOSE });
    emitChange();
    await waitFor(() => expect(connector.getTabState).toHaveBeenCalledTimes(2));
  });

  it('says "policy not checked" once, in the compose whose verdict it could change, with the way to allow it', async () => {
    const quiet = gmailTab({ policyFetchGranted: false });
    const { connector: c1 } = fakeConnector(quiet);
    const { unmount } = render(<App connector={c1} />);
    await screen.findByRole('region', { name: COMPOSE });
    // The permission is missing, but nothing here would change with it: not a word about it.
    expect(screen.queryByText(/Policy not checked/)).toBeNull();
    unmount();

    const tab = gmailTab({ policyFetchGranted: false });
    tab.composes[0]!.summary = { ...SUMMARY, level: 'encrypted', warned: false, notProtected: 0, culprit: null, policyNotChecked: true };
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    const notes = await screen.findAllByRole('note');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.textContent).toMatch(/^Policy not checked/);
    fireEvent.click(screen.getByRole('button', { name: 'Allow policy checks…' }));
    expect(connector.openWelcome).toHaveBeenCalledWith('allow');
  });

  it('puts the compose being written first and marks it when the tab has several', async () => {
    const tab = gmailTab();
    const first = tab.composes[0]!;
    tab.composes = [first, { ...first, composeId: 'c2', active: false, recipients: [first.recipients[0]!] }];
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    const headings = await screen.findAllByRole('heading', { level: 2 });
    expect(headings.map((h) => h.textContent)).toEqual(['To ann@example.com and 1 otherwriting now', 'To ann@example.com', 'What this check cannot see'].slice(0, headings.length));
  });

  it('says which check before sending is in force, and whether the organisation set it', async () => {
    const { connector: own } = sharedFake({ activeTabId: vi.fn(async () => 7), getTabState: vi.fn(async () => gmailTab()) }, { user: { sendCheck: 'confirm' } });
    const { unmount } = render(<App connector={own} />);
    expect((await screen.findByTestId('send-check-state')).textContent).toBe("Check before sending: asks you first when a recipient's mail may travel unencrypted.");
    unmount();
    const { connector: managed } = sharedFake({ activeTabId: vi.fn(async () => 7), getTabState: vi.fn(async () => gmailTab()) }, { managed: { sendCheck: 'block' } });
    render(<App connector={managed} />);
    const state = await screen.findByTestId('send-check-state');
    expect([state.getAttribute('data-mode'), state.getAttribute('data-locked')]).toEqual(['block', 'true']);
    expect(state.textContent).toContain('set by your organisation');
  });

  it('links to the options', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(connector.openOptions).toHaveBeenCalled();
  });

  it('renders at once from the background, and fills in the organisation when storage.managed answers', async () => {
    const settings = deferred<SettingsSnapshot>();
    const { connector } = fakeConnector(gmailTab(), { readSettings: vi.fn(() => settings.promise) });
    render(<App connector={connector} />);
    // No "Loading…" while the settings are read: the compose is there.
    await screen.findByRole('region', { name: COMPOSE });
    expect(screen.queryByText('Loading…')).toBeNull();
    expect(screen.queryByTestId('org-help')).toBeNull();
    settings.resolve(mergeSettings({ orgName: 'Example Corp' }, {}));
    expect(await screen.findByText('Set up by Example Corp')).toBeTruthy();
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
    expect(screen.getByText('Likely encrypted')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Details for typed.example' })).toBeTruthy();
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
    const link = within(screen.getByTestId('org-help')).getByRole('link', { name: 'Help from Example Corp' });
    expect(link.getAttribute('href')).toBe('https://help.example/intransit');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it('shows no organisation line without those settings', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    await screen.findByRole('region', { name: COMPOSE });
    expect(screen.queryByTestId('org-help')).toBeNull();
  });

  it('links the organisation\'s help page from what to do, for a compose that needs attention', async () => {
    const { connector } = fakeConnector(gmailTab(), {}, { managed: { orgName: 'Example Corp', helpUrl: 'https://help.example/intransit' } });
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: COMPOSE });
    const advice = await waitFor(() => {
      const link = section.querySelector('.advice a');
      if (!link) throw new Error('no link yet');
      return link;
    });
    expect(advice.getAttribute('href')).toBe('https://help.example/intransit');
  });

  it('renders a skipped recipient as "Skipped"', async () => {
    const tab = gmailTab();
    const compose = tab.composes[0];
    if (!compose) throw new Error('fixture');
    compose.recipients.push({ address: 'c@bank.example', domain: 'bank.example', level: 'skipped', summary: 'Not checked: the settings skip this domain.', policyNotChecked: false });
    const { connector } = fakeConnector(tab);
    render(<App connector={connector} />);
    const section = await screen.findByRole('region', { name: 'To ann@example.com and 2 others' });
    const item = within(section).getAllByRole('listitem').find((li) => li.textContent?.includes('c@bank.example'));
    expect(item?.textContent).toContain('Skipped');
    // Not looked up, so no reason: the level's sentence says why.
    expect(item?.textContent).toContain('Not checked: the settings skip this domain.');
    expect(item?.querySelector('img')?.getAttribute('src')).toBe('/icons/level-skipped-32.png');
  });

  it('says policy checks are off (by the organisation) instead of asking for the permission', async () => {
    const tab = gmailTab({ policyFetchGranted: false });
    tab.composes[0]!.recipients[0]!.policyNotChecked = true;
    const { connector } = fakeConnector(tab, {}, { managed: { policyFetch: 'off' } });
    render(<App connector={connector} />);
    expect(await screen.findByText(/Your organisation turned policy-file checks off/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Allow/ })).toBeNull();
  });

  it("says who checked when the organisation's lookup service did, and nothing about policy checks being off", async () => {
    const tab = gmailTab({ policyFetchGranted: false, checkedBy: { name: 'Example Org', host: 'intransit.example.org' } });
    tab.composes[0]!.recipients[0]!.policyNotChecked = true;
    const { connector } = fakeConnector(tab, {}, { managed: { policyFetch: 'off' } });
    render(<App connector={connector} />);
    expect((await screen.findByTestId('checked-by')).textContent).toBe("Checked by Example Org's lookup service");
    expect(screen.queryByText(/turned policy-file checks off/)).toBeNull();
  });

  it('names the lookup service by its host when it has no name, also for a check by hand', async () => {
    const by = { name: null, host: 'intransit.example.org' };
    const outside: TabStateResponse = { webmail: null, composes: [], assessments: {}, policyFetchGranted: true };
    const { connector } = fakeConnector(outside, { checkManual: vi.fn(async () => ({ assessments: [assessment('typed.example', 'protected')], checkedBy: by })) });
    render(<App connector={connector} />);
    fireEvent.input(await screen.findByLabelText('Email address or domain'), { target: { value: 'typed.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect((await screen.findByTestId('checked-by')).textContent).toBe('Checked by the lookup service at intransit.example.org');
  });

  it('says nothing about a lookup service when the browser checked', async () => {
    const { connector } = fakeConnector(gmailTab());
    render(<App connector={connector} />);
    await screen.findByRole('region', { name: COMPOSE });
    expect(screen.queryByTestId('checked-by')).toBeNull();
  });
});
