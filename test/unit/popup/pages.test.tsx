// @vitest-environment happy-dom
// The welcome page: the permission with its reason, and the organisation's name and help page.
// (The options page has its own tests in test/unit/options.)
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App as Welcome } from '../../../src/welcome/App.tsx';
import type { Connector } from '../../../src/ui/connector.ts';
import { fakeConnector } from '../options/fake-connector.ts';
import { installI18n } from '../background/locale-fixture.ts';

beforeAll(installI18n);
afterEach(cleanup);

function connector(overrides: Partial<Connector> = {}, settings: { managed?: Record<string, unknown> } = {}): Connector {
  return fakeConnector(overrides, settings).connector;
}

describe('welcome page', () => {
  it('explains what leaves the browser and asks for the permission with its reason', async () => {
    const c = connector();
    render(<Welcome connector={c} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to InTransit' })).toBeTruthy();
    expect(screen.getByText(/Only the recipients' domains/)).toBeTruthy();
    expect(screen.getByText(/mta-sts\. server/)).toBeTruthy();
    expect(screen.getByText(/“all websites”/)).toBeTruthy();
    expect(await screen.findByText('Policy checks are not allowed yet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Allow policy checks' }));
    expect(c.requestPolicyPermission).toHaveBeenCalledTimes(1);
    expect(await screen.findByText('✓ Policy checks are allowed.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Allow policy checks' })).toBeNull();
  });

  it('says what happens when the permission is refused, and lets the user try again', async () => {
    const c = connector({ requestPolicyPermission: vi.fn(async () => false) });
    render(<Welcome connector={c} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow policy checks' }));
    expect(await screen.findByText(/policy not checked/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Allow policy checks' })).toBeTruthy();
  });

  it('shows the current state when the permission is already granted', async () => {
    render(<Welcome connector={connector({ hasPolicyPermission: vi.fn(async () => true) })} />);
    expect(await screen.findByText('✓ Policy checks are allowed.')).toBeTruthy();
  });

  it("names the organisation and links its help page", async () => {
    render(<Welcome connector={connector({}, { managed: { orgName: 'Example Corp', helpUrl: 'https://help.example/' } })} />);
    expect(await screen.findByText('Set up by Example Corp')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Help from Example Corp' }).getAttribute('href')).toBe('https://help.example/');
  });

  it('does not ask for the permission when the organisation turned policy checks off', async () => {
    render(<Welcome connector={connector({}, { managed: { policyFetch: 'off' } })} />);
    expect(await screen.findByText(/turned policy-file checks off/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Allow policy checks' })).toBeNull();
  });

  it("with the organisation's lookup service: the domains go there, and no permission is asked for", async () => {
    render(<Welcome connector={connector({}, { managed: { lookupService: { url: 'https://intransit.example.org' } } })} />);
    expect(await screen.findByText(/The domains go to your organisation's lookup service/)).toBeTruthy();
    expect(screen.getByText("Your organisation's lookup service reads the policy files, so this permission is not needed.")).toBeTruthy();
    expect(screen.queryByText(/DNS-over-HTTPS resolver \(Cloudflare/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Allow policy checks' })).toBeNull();
  });
});

describe('welcome page: the check before sending', () => {
  it('offers it in one click, then says it is on', async () => {
    const fake = fakeConnector();
    render(<Welcome connector={fake.connector} />);
    const region = within(await screen.findByRole('region', { name: 'Before you send' }));
    await waitFor(() => expect(region.getByTestId('send-check-state').textContent).toBe('Check before sending: off — the badge is the only warning.'));
    fake.setSettings({}, { sendCheck: 'confirm' });
    fireEvent.click(region.getByRole('button', { name: 'Ask me before sending to recipients whose mail may travel unencrypted' }));
    await waitFor(() => expect(region.getByTestId('send-check-state').textContent).toBe("Check before sending: asks you first when a recipient's mail may travel unencrypted."));
    expect(fake.connector.saveSettings).toHaveBeenCalledWith({ sendCheck: 'confirm' }, []);
    expect(region.queryByRole('button')).toBeNull();
  });

  it('says what the organisation set, and offers nothing', async () => {
    render(<Welcome connector={connector({}, { managed: { sendCheck: 'confirm' } })} />);
    const region = within(await screen.findByRole('region', { name: 'Before you send' }));
    await waitFor(() => expect(region.getByTestId('send-check-state').getAttribute('data-locked')).toBe('true'));
    expect(region.queryByRole('button')).toBeNull();
  });

  it('says when turning it on failed', async () => {
    render(<Welcome connector={connector({ saveSettings: vi.fn(async () => { throw new Error('QUOTA_BYTES'); }) })} />);
    const region = within(await screen.findByRole('region', { name: 'Before you send' }));
    fireEvent.click(await region.findByTestId('send-check-offer'));
    expect((await region.findByRole('alert')).textContent).toMatch(/could not be saved/);
  });
});

describe('welcome page: levels, storage, the permission flow', () => {
  it('shows the legend of the levels', async () => {
    render(<Welcome connector={connector()} />);
    const legend = screen.getByRole('region', { name: 'What the symbols mean' });
    expect(within(legend).getByText('Likely encrypted')).toBeTruthy();
    expect(within(legend).getByText(/not guaranteed/)).toBeTruthy();
    expect(within(legend).getAllByRole('term')).toHaveLength(10);
  });

  it('says truthfully that fetched policies are kept on this device, naming domains, and how to delete them', async () => {
    render(<Welcome connector={connector()} />);
    expect(await screen.findByText(/kept on this device until they expire/)).toBeTruthy();
    expect(screen.getByText(/names your recipients’ domains/)).toBeTruthy();
    expect(screen.getByText(/Clear cache and stored policies/)).toBeTruthy();
  });

  it('says they stay in memory when the organisation set policyCache to memory', async () => {
    render(<Welcome connector={connector({}, { managed: { policyCache: 'memory' } })} />);
    expect(await screen.findByText(/kept in memory only/)).toBeTruthy();
    expect(screen.queryByText(/kept on this device/)).toBeNull();
  });

  it('opened at #allow (from a badge), goes straight to the permission button', async () => {
    render(<Welcome connector={connector()} section="allow" />);
    const button = await screen.findByRole('button', { name: 'Allow policy checks' });
    await waitFor(() => expect(document.activeElement).toBe(button));
  });
});
