import { describe, expect, it } from 'vitest';
import type { WebmailAdapter } from '../../../src/content/adapter.ts';
import { cleanAddress, fingerprint, MAX_ADDRESS_LENGTH, MAX_RECIPIENTS, readRecipients, splitPending } from '../../../src/content/recipients.ts';
import { MAX_LABEL_LENGTH } from '../../../src/shared/limits.ts';

describe('cleanAddress', () => {
  it('keeps plain addresses as found, trimmed', () => {
    expect(cleanAddress('  Jane.Doe@Example.com ')).toBe('Jane.Doe@Example.com');
  });
  it('takes the address out of "Name <addr>" and mailto:', () => {
    expect(cleanAddress('Jane Doe <jane@example.com>')).toBe('jane@example.com');
    expect(cleanAddress('mailto:jane@example.com')).toBe('jane@example.com');
  });
  it('accepts an address literal (the background reports it as unknown)', () => {
    expect(cleanAddress('user@[192.0.2.1]')).toBe('user@[192.0.2.1]');
  });
  it('rejects things that are not addresses', () => {
    for (const s of ['not-an-email', 'Jane Doe', 'jane@', '@example.com', 'jane@example', 'a@b@c.com', 'jane@example.', '']) {
      expect(cleanAddress(s), s).toBeNull();
    }
  });
  it('rejects addresses longer than the cap', () => {
    const long = `${'a'.repeat(MAX_ADDRESS_LENGTH)}@example.com`;
    expect(cleanAddress(long)).toBeNull();
  });
});

describe('splitPending', () => {
  it('splits a paste of three addresses on commas, semicolons and spaces', () => {
    expect(splitPending('a@x.test, b@y.test; c@z.test')).toEqual(['a@x.test', 'b@y.test', 'c@z.test']);
  });
  it('keeps only the tokens that look like addresses', () => {
    expect(splitPending('Jane Doe <jane@example.com>, bob')).toEqual(['jane@example.com']);
    expect(splitPending('jan')).toEqual([]);
  });
});

describe('recipients without an address', () => {
  const adapter = {
    webmail: 'outlook', observedAttributes: [],
    findComposeRoots: () => [], mayContainComposeRoot: () => false, composeKey: () => null,
    fields: (root: Element) => [{ kind: 'to' as const, el: root }],
    chips: (field: Element) => [...field.children],
    readChip: (chip: Element) => ({ address: chip.getAttribute('data-address'), name: chip.getAttribute('data-name') ?? '' }),
    pendingText: () => '', badgeAnchor: () => null, isRecipientTarget: () => false, isIrrelevantMutation: () => false,
    sendControls: () => [], pressSendControl: () => null, isSendShortcut: () => false, triggerSend: () => false,
  } satisfies WebmailAdapter;
  const root = (chips: [string | null, string][]) => ({
    children: chips.map(([address, name]) => ({ getAttribute: (a: string) => (a === 'data-address' ? address : name) })),
  }) as unknown as Element;

  it('turns a chip without a usable address into a labelled recipient, whitespace collapsed and capped', () => {
    const read = readRecipients(adapter, root([[null, '  Design\n Group '], ['not-an-address@', 'Broken'], [null, 'x'.repeat(150)], [null, '']]));
    expect(read.recipients).toEqual([
      { address: null, label: 'Design Group', field: 'to', pending: false },
      { address: null, label: 'Broken', field: 'to', pending: false },
      { address: null, label: 'x'.repeat(MAX_LABEL_LENGTH), field: 'to', pending: false },
    ]);
  });

  it('keeps two chips with the same name (two people may share one); they count toward "too many"', () => {
    expect(readRecipients(adapter, root([[null, 'Alex'], [null, 'Alex']])).recipients).toHaveLength(2);
    const mixed = (n: number) => Array.from({ length: n }, (_, i): [string | null, string] => (i % 2 ? [`u${i}@x.test`, ''] : [null, `N${i}`]));
    expect(readRecipients(adapter, root(mixed(MAX_RECIPIENTS)))).toMatchObject({ tooMany: false, recipients: { length: MAX_RECIPIENTS } });
    expect(readRecipients(adapter, root(mixed(MAX_RECIPIENTS + 1)))).toMatchObject({ tooMany: true, recipients: [] });
  });

  it('changes the fingerprint when a name changes', () => {
    const a = readRecipients(adapter, root([[null, 'Alex']]));
    const b = readRecipients(adapter, root([[null, 'Alexa']]));
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});
