// @vitest-environment happy-dom
// The Gmail adapter against fixture pages (test/fixtures/gmail/*.html): what it reads, and what
// it must not read (From row, suggestion lists, quoted headers, invalid chip values).
import { beforeEach, describe, expect, it } from 'vitest';
import { gmailAdapter } from '../../../src/content/gmail/adapter.ts';
import { readRecipients } from '../../../src/content/recipients.ts';
import { brief, composeById, loadFixture } from './support.ts';

function readAll(): { key: string | null; recipients: string[]; fieldsFound: boolean }[] {
  return gmailAdapter.findComposeRoots(document).map((root) => {
    const read = readRecipients(gmailAdapter, root);
    return { key: gmailAdapter.composeKey(root), recipients: brief(read), fieldsFound: read.fieldsFound };
  });
}

describe('Gmail adapter on fixtures', () => {
  beforeEach(() => document.body.replaceChildren());

  it('reads PeopleKit chips from To and Cc, not the From row, quoted text or an invalid chip', () => {
    loadFixture('peoplekit-compose.html');
    expect(readAll()).toEqual([{ key: 'gmail:101', fieldsFound: true,
      recipients: ['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org'] }]);
  });

  it('lists the fields in To, Cc, Bcc order, each field once', () => {
    loadFixture('peoplekit-compose.html');
    const root = composeById('101');
    expect(gmailAdapter.fields(root).map((f) => f.kind)).toEqual(['to', 'cc', 'bcc']);
  });

  it('ignores open suggestion lists (in the field, at body level, in the .GS table) and reads typed text as pending', () => {
    loadFixture('suggestions-open.html');
    expect(readAll()).toEqual([{ key: 'gmail:201', fieldsFound: true,
      recipients: ['to:jane@example.com', 'to?:dan@example.org'] }]);
  });

  it('finds three popup composes, each with its own key and recipients', () => {
    loadFixture('three-composes.html');
    expect(readAll()).toEqual([
      { key: 'gmail:301', fieldsFound: true, recipients: ['to:a1@one.example'] },
      { key: 'gmail:302', fieldsFound: true, recipients: ['to:b1@two.example', 'to:b2@two.example', 'cc:b3@two.example'] },
      { key: 'gmail:303', fieldsFound: true, recipients: ['bcc:c1@three.example'] },
    ]);
  });

  it('reads an inline reply (div.aUy wrapper) without picking up thread participants', () => {
    loadFixture('inline-reply.html');
    expect(readAll()).toEqual([{ key: 'gmail:401', fieldsFound: true,
      recipients: ['to:sender@thread.example', 'cc:copy@reply.example'] }]);
  });

  it('reads classic chips from span[email] and from the hidden "Name <addr>" input', () => {
    loadFixture('classic-compose.html');
    expect(readAll()).toEqual([{ key: 'gmail:501', fieldsFound: true,
      recipients: ['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org'] }]);
  });

  it('reads typed text in a classic textarea as pending', () => {
    loadFixture('classic-compose.html');
    const textarea = document.querySelector<HTMLTextAreaElement>('textarea[name="cc"]');
    textarea!.value = 'x@typed.example, not an address';
    expect(readAll()[0]?.recipients).toEqual(['to:jane@example.com', 'to:bob@example.net', 'cc:carol@example.org', 'cc?:x@typed.example']);
  });

  it('finds a full-screen compose without a Gmail key (the watcher generates one)', () => {
    loadFixture('fullscreen.html');
    expect(readAll()).toEqual([{ key: null, fieldsFound: true, recipients: ['to:full@screen.example'] }]);
  });

  it('finds the pop-out window compose by [role=main] when the body is body.xE.xp', () => {
    loadFixture('popout-window.html');
    expect(readAll()).toEqual([{ key: 'gmail:601', fieldsFound: true, recipients: ['to:pop@out.example'] }]);
  });

  it('does not use [role=main] as a compose outside the pop-out window', () => {
    loadFixture('inline-reply.html');
    expect(gmailAdapter.findComposeRoots(document)).toHaveLength(1);
    expect(gmailAdapter.findComposeRoots(document)[0]?.classList.contains('M9')).toBe(true);
  });

  it('anchors the badge between the recipients block and the subject row', () => {
    loadFixture('peoplekit-compose.html');
    const anchor = gmailAdapter.badgeAnchor(composeById('101'));
    expect((anchor?.before as Element).matches('.aoD.az6')).toBe(true);
    expect(anchor?.parent.matches('form')).toBe(true);
  });

  it('anchors the badge right after the recipients block in an inline reply (no subject row)', () => {
    loadFixture('inline-reply.html');
    const anchor = gmailAdapter.badgeAnchor(composeById('401'));
    expect(anchor?.parent.matches('form')).toBe(true);
    expect((anchor?.before as Node | null)?.previousSibling).toBe(document.querySelector('.aoD.hl'));
  });

  it('tells recipient targets from the message body', () => {
    loadFixture('peoplekit-compose.html');
    const root = composeById('101');
    expect(gmailAdapter.isRecipientTarget(root.querySelector('div[name="cc"] input')!)).toBe(true);
    expect(gmailAdapter.isRecipientTarget(root.querySelector('[contenteditable]')!)).toBe(false);
    expect(gmailAdapter.isIrrelevantMutation(root.querySelector('[contenteditable] span')!.firstChild!)).toBe(true);
    expect(gmailAdapter.isIrrelevantMutation(root.querySelector('div[name="to"] [role="listbox"]')!)).toBe(false);
  });
});
