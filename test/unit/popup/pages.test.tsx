// @vitest-environment happy-dom
// The welcome page (permission with its reason) and the minimal options page (resolvers).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App as Welcome } from '../../../src/welcome/App.tsx';
import { App as Options, parseResolverList } from '../../../src/options/App.tsx';
import type { Connector } from '../../../src/ui/connector.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { installI18n } from '../background/locale-fixture.ts';

beforeAll(installI18n);
afterEach(cleanup);

function connector(overrides: Partial<Connector> = {}): Connector {
  return {
    activeTabId: vi.fn(async () => null),
    getTabState: vi.fn(),
    recheck: vi.fn(async () => undefined),
    checkManual: vi.fn(),
    onChange: vi.fn(() => () => undefined),
    hasPolicyPermission: vi.fn(async () => false),
    requestPolicyPermission: vi.fn(async () => true),
    requestOrigins: vi.fn(async () => true),
    openOptions: vi.fn(async () => undefined),
    openWelcome: vi.fn(async () => undefined),
    getSettings: vi.fn(async () => DEFAULT_SETTINGS),
    saveSettings: vi.fn(async () => undefined),
    ...overrides,
  } as Connector;
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
});

describe('options page', () => {
  it('parses one resolver per line and refuses anything but https URLs', () => {
    expect(parseResolverList(' https://a.example/dns-query \n\nhttps://b.example/q')).toEqual({ ok: true, urls: ['https://a.example/dns-query', 'https://b.example/q'] });
    expect(parseResolverList('')).toMatchObject({ ok: false });
    expect(parseResolverList('http://a.example/dns-query')).toMatchObject({ ok: false, message: 'Not an https:// URL: http://a.example/dns-query' });
    expect(parseResolverList(Array.from({ length: 5 }, (_, i) => `https://r${i}.example/`).join('\n'))).toMatchObject({ ok: false });
  });

  it('shows the stored resolvers and saves a default one without asking for a permission', async () => {
    const c = connector();
    render(<Options connector={c} />);
    const area = await screen.findByLabelText('Resolver URLs, one per line') as HTMLTextAreaElement;
    await waitFor(() => expect(area.value).toBe(DEFAULT_SETTINGS.resolverUrls.join('\n')));
    fireEvent.input(area, { target: { value: 'https://dns.google/dns-query' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText(/Saved/);
    expect(c.requestOrigins).not.toHaveBeenCalled();
    expect(c.saveSettings).toHaveBeenCalledWith({ resolverUrls: ['https://dns.google/dns-query'] });
  });

  it('asks for the origin of a new resolver and saves nothing when refused', async () => {
    const c = connector({ requestOrigins: vi.fn(async () => false) });
    render(<Options connector={c} />);
    const area = await screen.findByLabelText('Resolver URLs, one per line');
    fireEvent.input(area, { target: { value: 'https://doh.corp.example/dns-query' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText(/Nothing was saved/);
    expect(c.requestOrigins).toHaveBeenCalledWith(['https://doh.corp.example/*']);
    expect(c.saveSettings).not.toHaveBeenCalled();
  });

  it('links back to the welcome page', async () => {
    const c = connector();
    render(<Options connector={c} />);
    fireEvent.click(await screen.findByRole('button', { name: /What InTransit does/ }));
    expect(c.openWelcome).toHaveBeenCalled();
  });
});
