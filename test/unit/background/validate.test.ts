// Messages are validated at the boundary and only accepted from this extension's own parts.
import { describe, expect, it, vi } from 'vitest';
import { MAX_ADDRESS_LENGTH, MAX_RECIPIENTS, parseBgToCs, parseCsToBg, parseUiToBg } from '../../../src/shared/validate.ts';
import { MAX_LABEL_LENGTH } from '../../../src/shared/limits.ts';
import { WEBMAIL_IDS } from '../../../src/shared/webmails.ts';
import { classifySender, createRouter, type SenderLike } from '../../../src/background/router.ts';

const SELF = { id: 'kojkdehamgggcacghdimajanhpnlpfpe', baseUrl: 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe/' };
const update = (recipients: unknown[] = [{ address: 'a@example.com', field: 'to', pending: false }]) => ({
  type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', revision: 3, recipients, tooMany: false, fieldsFound: true,
});
const gmailTab: SenderLike = { id: SELF.id, url: 'https://mail.google.com/mail/u/0/#inbox', tab: { id: 7 }, frameId: 0, documentId: 'doc-1' };
const popup: SenderLike = { id: SELF.id, url: `${SELF.baseUrl}src/popup/index.html` };

describe('content script -> background messages', () => {
  it('accepts each well-formed message', () => {
    expect(parseCsToBg(update())).toEqual(update());
    expect(parseCsToBg({ type: 'cs/compose-closed', composeId: 'c1' })).toEqual({ type: 'cs/compose-closed', composeId: 'c1' });
    expect(parseCsToBg({ type: 'cs/compose-focus', composeId: 'c1' })).toEqual({ type: 'cs/compose-focus', composeId: 'c1' });
    expect(parseCsToBg({ type: 'cs/allow-policy-checks' })).toEqual({ type: 'cs/allow-policy-checks' });
  });

  it('drops unknown extra fields instead of passing them on', () => {
    expect(parseCsToBg({ type: 'cs/compose-closed', composeId: 'c1', evil: '<img>' })).toEqual({ type: 'cs/compose-closed', composeId: 'c1' });
  });

  it.each([
    ['not an object', 'cs/compose-update'],
    ['null', null],
    ['unknown type', { type: 'cs/other', composeId: 'c1' }],
    ['a UI message', { type: 'ui/get-tab-state', tabId: 1 }],
    ['missing composeId', { type: 'cs/compose-closed' }],
    ['empty composeId', { type: 'cs/compose-closed', composeId: '' }],
    ['composeId too long', { type: 'cs/compose-closed', composeId: 'x'.repeat(129) }],
    ['unknown webmail', { ...update(), webmail: 'hotmail' }],
    ['address too long', update([{ address: `${'a'.repeat(MAX_ADDRESS_LENGTH)}@x`, field: 'to', pending: false }])],
    ['address not a string', update([{ address: 42, field: 'to', pending: false }])],
    ['unknown field', update([{ address: 'a@b.c', field: 'from', pending: false }])],
    ['too many recipients', update(Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => ({ address: `u${i}@example.com`, field: 'to', pending: false })))],
    ['recipients not an array', { ...update(), recipients: 'a@b.c' }],
    ['fieldsFound missing', { type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', revision: 1, recipients: [], tooMany: false }],
    ['revision missing', { type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', recipients: [], tooMany: false, fieldsFound: true }],
    ['a negative revision', { ...update(), revision: -1 }],
    ['a fractional revision', { ...update(), revision: 1.5 }],
    ['tooMany missing', { type: 'cs/compose-update', composeId: 'c1', webmail: 'gmail', revision: 1, recipients: [], fieldsFound: true }],
  ])('rejects %s', (_, message) => {
    expect(parseCsToBg(message)).toBeNull();
  });

  it('accepts a recipient without an address when it has a label, and nothing else without an address', () => {
    const named = update([{ address: null, label: 'Design Group', field: 'to', pending: false }]);
    expect(parseCsToBg(named)).toEqual(named);
    expect(parseCsToBg(update([{ address: null, field: 'to', pending: false }]))).toBeNull();
    expect(parseCsToBg(update([{ address: null, label: '  ', field: 'to', pending: false }]))).toBeNull();
    expect(parseCsToBg(update([{ address: null, label: 'x'.repeat(MAX_LABEL_LENGTH + 1), field: 'to', pending: false }]))).toBeNull();
    expect(parseCsToBg(update([{ address: null, label: 42, field: 'to', pending: false }]))).toBeNull();
  });

  it('accepts every registered webmail and nothing else', () => {
    for (const id of WEBMAIL_IDS) expect(parseCsToBg({ ...update(), webmail: id })).not.toBeNull();
    expect(parseCsToBg({ ...update(), webmail: 'proton' })).toBeNull();
    expect(parseCsToBg({ ...update(), webmail: undefined, provider: 'gmail' })).toBeNull();
  });

  it('accepts exactly the maximum number of recipients', () => {
    const many = Array.from({ length: MAX_RECIPIENTS }, (_, i) => ({ address: `u${i}@example.com`, field: 'cc', pending: true }));
    expect(parseCsToBg(update(many))).not.toBeNull();
  });
});

describe('extension page -> background messages', () => {
  it('accepts each request', () => {
    expect(parseUiToBg({ type: 'ui/get-tab-state', tabId: 3 })).toEqual({ type: 'ui/get-tab-state', tabId: 3 });
    expect(parseUiToBg({ type: 'ui/get-diagnostics' })).toEqual({ type: 'ui/get-diagnostics' });
    expect(parseUiToBg({ type: 'ui/clear-cache' })).toEqual({ type: 'ui/clear-cache' });
    expect(parseUiToBg({ type: 'ui/recheck', domains: ['example.com'] })).not.toBeNull();
    expect(parseUiToBg({ type: 'ui/check-manual', input: 'a@example.com' })).not.toBeNull();
    expect(parseUiToBg({ type: 'ui/lookup-service-status' })).toEqual({ type: 'ui/lookup-service-status' });
    expect(parseUiToBg({ type: 'ui/lookup-service-status', service: { url: 'https://intransit.example.org', token: 't' } }))
      .toEqual({ type: 'ui/lookup-service-status', service: { url: 'https://intransit.example.org', token: 't' } });
  });

  it.each([
    ['negative tab id', { type: 'ui/get-tab-state', tabId: -1 }],
    ['fractional tab id', { type: 'ui/get-tab-state', tabId: 1.5 }],
    ['tab id as text', { type: 'ui/get-tab-state', tabId: '1' }],
    ['empty domain', { type: 'ui/recheck', domains: [''] }],
    ['domain too long', { type: 'ui/recheck', domains: ['a'.repeat(254)] }],
    ['lookup service without a URL', { type: 'ui/lookup-service-status', service: { token: 't' } }],
    ['lookup service URL too long', { type: 'ui/lookup-service-status', service: { url: `https://${'a'.repeat(1000)}` } }],
    ['too many domains', { type: 'ui/recheck', domains: Array.from({ length: 201 }, (_, i) => `d${i}.example`) }],
    ['manual input too long', { type: 'ui/check-manual', input: 'a'.repeat(1001) }],
  ])('rejects %s', (_, message) => {
    expect(parseUiToBg(message)).toBeNull();
  });
});

describe('background -> content script messages', () => {
  it('accepts verdicts and rejects an unknown level', () => {
    const message = {
      type: 'bg/compose-verdicts', composeId: 'c1', revision: 2,
      summary: { level: 'unverified', total: 1, notProtected: 1, checking: 0, atLevel: 1, culprit: 'a@example.com', warned: true, policyNotChecked: false, tooMany: false },
      recipients: [{ address: 'a@example.com', domain: 'example.com', level: 'unverified', summary: 'No policy.', policyNotChecked: false }],
      sendCheck: null,
    };
    expect(parseBgToCs(message)).toEqual(message);
    expect(parseBgToCs({ ...message, summary: { ...message.summary, level: 'safe' } })).toBeNull();
    expect(parseBgToCs({ ...message, revision: undefined })).toBeNull();
    expect(parseBgToCs({ ...message, summary: { ...message.summary, culprit: 'x'.repeat(321) } })).toBeNull();
  });

  it('accepts a verdict without an address only with a label', () => {
    const base = {
      type: 'bg/compose-verdicts', composeId: 'c1', revision: 1,
      summary: { level: 'unknown', total: 1, notProtected: 1, checking: 0, atLevel: 1, culprit: 'Design Group', warned: true, policyNotChecked: false, tooMany: false },
      sendCheck: { mode: 'block', warnAtOrBelow: 'unverified', orgName: 'Example Org', helpUrl: 'https://help.example.org/' },
    };
    const verdict = { address: null, label: 'Design Group', domain: '', level: 'unknown', summary: 'Address not visible.', policyNotChecked: false };
    expect(parseBgToCs({ ...base, recipients: [verdict] })).toEqual({ ...base, recipients: [verdict] });
    expect(parseBgToCs({ ...base, recipients: [{ ...verdict, label: undefined }] })).toBeNull();
  });
});

describe('classifySender', () => {
  it('accepts the content script in the top frame of a Gmail tab', () => {
    expect(classifySender(gmailTab, SELF)).toEqual({ kind: 'content', tabId: 7, frameId: 0, webmail: 'gmail', documentId: 'doc-1' });
  });

  it('accepts a sub-frame of an Outlook tab, with its frame id', () => {
    const frame: SenderLike = { id: SELF.id, url: 'https://outlook.office.com/mail/frame', origin: 'https://outlook.office.com', frameId: 5, tab: { id: 9, url: 'https://outlook.office.com/mail/' } };
    expect(classifySender(frame, SELF)).toEqual({ kind: 'content', tabId: 9, frameId: 5, webmail: 'outlook' });
  });

  it('accepts the about:blank pop-out window Outlook wrote, by the origin it inherited', () => {
    const popout: SenderLike = { id: SELF.id, url: 'about:blank', origin: 'https://outlook.cloud.microsoft', frameId: 0, documentId: 'p1', tab: { id: 12, url: 'about:blank' } };
    expect(classifySender(popout, SELF)).toEqual({ kind: 'content', tabId: 12, frameId: 0, webmail: 'outlook', documentId: 'p1' });
  });

  it('reads the webmail from the origin, not from a URL the frame may not own', () => {
    expect(classifySender({ ...gmailTab, url: 'about:blank', origin: 'https://mail.google.com' }, SELF)).toMatchObject({ webmail: 'gmail' });
    expect(classifySender({ ...gmailTab, origin: 'https://evil.example' }, SELF)).toBeNull();
    expect(classifySender({ ...gmailTab, url: 'about:blank', origin: 'null' }, SELF)).toBeNull();
  });

  it('accepts our own extension pages', () => {
    expect(classifySender(popup, SELF)).toEqual({ kind: 'page' });
  });

  it.each([
    ['another extension', { ...gmailTab, id: 'abcdefghijklmnopabcdefghijklmnop' }],
    ['no sender id (a web page through externally_connectable)', { ...gmailTab, id: undefined }],
    ['a sub-frame of Gmail (its content script runs in the top frame only)', { ...gmailTab, frameId: 3 }],
    ['an Outlook frame inside a tab of another site', { id: SELF.id, url: 'https://outlook.office.com/x', origin: 'https://outlook.office.com', frameId: 2, tab: { id: 3, url: 'https://intranet.example/' } }],
    ['an Outlook frame inside a Gmail tab', { id: SELF.id, url: 'https://outlook.office.com/x', origin: 'https://outlook.office.com', frameId: 2, tab: { id: 3, url: 'https://mail.google.com/' } }],
    ['a negative frame id', { ...gmailTab, frameId: -1 }],
    ['a tab that is not a supported webmail', { ...gmailTab, url: 'https://evil.example/' }],
    ['a content-script URL without a tab', { id: SELF.id, url: 'https://mail.google.com/' }],
    ['an unparsable URL', { ...gmailTab, url: 'not a url' }],
  ])('rejects %s', (_, sender) => {
    expect(classifySender(sender as SenderLike, SELF)).toBeNull();
  });
});

describe('createRouter', () => {
  function setup() {
    const content = vi.fn(async () => ({ ok: true }));
    const page = vi.fn(async () => ({ answer: 42 }));
    return { content, page, route: createRouter({ content, page }, SELF) };
  }

  it('hands a valid content message to the content handler with its origin', async () => {
    const { route, content, page } = setup();
    await expect(route(update(), gmailTab)).resolves.toEqual({ ok: true });
    expect(content).toHaveBeenCalledWith(update(), { kind: 'content', tabId: 7, frameId: 0, webmail: 'gmail', documentId: 'doc-1' });
    expect(page).not.toHaveBeenCalled();
  });

  it('does not answer strangers at all', () => {
    const { route, content, page } = setup();
    expect(route(update(), { ...gmailTab, id: 'someone-else' })).toBeUndefined();
    expect(content).not.toHaveBeenCalled();
    expect(page).not.toHaveBeenCalled();
  });

  it('answers a malformed content message with a rejection and does not act on it', async () => {
    const { route, content } = setup();
    await expect(route({ type: 'cs/compose-update' }, gmailTab)).resolves.toEqual({ ok: false, error: 'invalid message' });
    expect(content).not.toHaveBeenCalled();
  });

  it('refuses a content script that claims another webmail than its page', async () => {
    const { route, content } = setup();
    await expect(route({ ...update(), webmail: 'yahoo' }, gmailTab)).resolves.toMatchObject({ ok: false });
    expect(content).not.toHaveBeenCalled();
  });

  it('does not take UI requests from a content script, nor content messages from a page', async () => {
    const { route, content, page } = setup();
    await expect(route({ type: 'ui/check-manual', input: 'x' }, gmailTab)).resolves.toMatchObject({ ok: false });
    await expect(route(update(), popup)).rejects.toThrow(/invalid message/);
    expect(content).not.toHaveBeenCalled();
    expect(page).not.toHaveBeenCalled();
  });

  it('hands a valid page request to the page handler', async () => {
    const { route, page } = setup();
    await expect(route({ type: 'ui/get-tab-state', tabId: 7 }, popup)).resolves.toEqual({ answer: 42 });
    expect(page).toHaveBeenCalledWith({ type: 'ui/get-tab-state', tabId: 7 });
  });
});
