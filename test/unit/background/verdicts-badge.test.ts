// The compose summary, its headline and the action badge: the most actionable problem first,
// named after the recipient at fault or counted, calm when likely encrypted, never colour alone.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyBadge, badgeView, DEFAULT_ICON } from '../../../src/background/badge.ts';
import { domainsOf, recipientVerdicts, summarize, tooManySummary } from '../../../src/background/verdicts.ts';
import { composeHeadline } from '../../../src/shared/headline.ts';
import { levelColour, levelGlyph, levelIconPaths, LEVELS_BY_RANK } from '../../../src/shared/level-display.ts';
import { headlineLevel, LEVEL_TABLE } from '../../../src/shared/level-table.ts';
import type { ComposeRecipient, DisplayLevel, RecipientVerdict } from '../../../src/shared/messages.ts';
import { assessment, fakeAction } from './fakes.ts';
import { installI18n, ROOT } from './locale-fixture.ts';

beforeAll(installI18n);

const r = (address: string): ComposeRecipient => ({ address, field: 'to', pending: false });
const v = (level: DisplayLevel, address = `x@${level}.example`): RecipientVerdict => ({ address, domain: address.split('@')[1] ?? '', level, summary: '', policyNotChecked: false });
const headline = (verdicts: RecipientVerdict[], threshold?: 'unverified' | 'encrypted') =>
  composeHeadline(summarize(verdicts, threshold ? { threshold } : {})).text;

describe('headlineLevel: the most actionable level', () => {
  it.each<[DisplayLevel[], DisplayLevel | null]>([
    [[], null],
    [['protected', 'encrypted'], 'encrypted'],
    [['protected', 'checking'], 'checking'],
    [['encrypted', 'checking'], 'checking'],
    [['unverified', 'checking'], 'unverified'],
    [['misconfigured', 'undeliverable'], 'undeliverable'],
    [['unverified', 'misconfigured'], 'misconfigured'],
    // unknown is never calm, but it no longer hides a known problem
    [['protected', 'unknown'], 'unknown'],
    [['unknown', 'unverified'], 'unverified'],
    [['unknown', 'checking'], 'unknown'],
    [['internal', 'required', 'protected'], 'protected'],
    [['internal', 'required'], 'required'],
  ])('%j -> %s', (levels, want) => {
    expect(headlineLevel(levels)).toBe(want);
  });

  it('ranks undeliverable > misconfigured > unverified > unknown > encrypted > protected', () => {
    expect(LEVELS_BY_RANK.filter((l) => ['undeliverable', 'misconfigured', 'unverified', 'unknown', 'encrypted', 'protected'].includes(l)))
      .toEqual(['undeliverable', 'misconfigured', 'unverified', 'unknown', 'encrypted', 'protected']);
  });
});

describe('recipientVerdicts', () => {
  it('looks up each domain and marks unparsable addresses as unknown, never safe', () => {
    const levels: Record<string, DisplayLevel> = { 'example.com': 'protected' };
    const verdicts = recipientVerdicts([r('Ann <ann@Example.com>'), r('bob@other.example'), r('not an address'), r('x@[192.0.2.1]')],
      (d) => ({ level: levels[d] ?? 'checking' }));
    expect(verdicts.map((x) => [x.domain, x.level])).toEqual([
      ['example.com', 'protected'], ['other.example', 'checking'], ['', 'unknown'], ['', 'unknown'],
    ]);
    expect(verdicts[0]?.summary).toMatch(/requires an encrypted, authenticated connection/);
  });

  it('gives a recipient shown by name only "could not check", with its name and no domain, never a lookup', () => {
    const nameOnly: ComposeRecipient = { address: null, label: 'Design Group', field: 'cc', pending: false };
    const looked: string[] = [];
    const verdicts = recipientVerdicts([r('ann@example.com'), nameOnly], (d) => { looked.push(d); return { level: 'protected' }; });
    expect(looked).toEqual(['example.com']);
    expect(verdicts[1]).toEqual({ address: null, label: 'Design Group', domain: '', level: 'unknown', summary: expect.stringMatching(/by name only/), policyNotChecked: false });
    expect(domainsOf([r('ann@example.com'), nameOnly])).toEqual(['example.com']);
    // Counted, it keeps the compose from looking protected, and it is named as the one at fault.
    expect(summarize(verdicts, { threshold: 'unverified' })).toMatchObject({ level: 'unknown', total: 2, notProtected: 1, checking: 0, atLevel: 1, culprit: 'Design Group', warned: true });
  });

  it('flags a recipient whose MTA-STS policy file was not read and could change the verdict', () => {
    const notRead = assessment('sts.example', 'encrypted');
    notRead.evidence.mtaSts = { record: 'valid', id: '1', policy: 'not-checked', warnings: [] };
    const verdicts = recipientVerdicts([r('a@sts.example'), r('b@plain.example')], (d) =>
      d === 'sts.example' ? { level: 'encrypted', assessment: notRead } : { level: 'encrypted', assessment: assessment(d, 'encrypted') });
    expect(verdicts.map((x) => x.policyNotChecked)).toEqual([true, false]);
  });
});

describe('summarize', () => {
  it('counts recipients at or below the default threshold (unverified), and those still checking', () => {
    expect(summarize([v('protected'), v('encrypted'), v('unverified'), v('checking'), v('internal')]))
      .toMatchObject({ level: 'unverified', total: 5, notProtected: 2, checking: 1, atLevel: 1, culprit: 'x@unverified.example', warned: true });
  });
  it('uses the warnAtOrBelow threshold it is given', () => {
    const levels = [v('protected'), v('encrypted'), v('unverified'), v('misconfigured')];
    expect(summarize(levels, { threshold: 'unverified' }).notProtected).toBe(2);
    expect(summarize(levels, { threshold: 'encrypted' }).notProtected).toBe(3);
    expect(summarize(levels, { threshold: 'misconfigured' }).notProtected).toBe(1);
    expect(summarize(levels, { threshold: 'protected' }).notProtected).toBe(4);
  });
  it('never counts skipped recipients as a warning, nor as the headline unless all are skipped', () => {
    expect(summarize([v('skipped'), v('protected')])).toMatchObject({ level: 'protected', total: 2, notProtected: 0 });
    expect(summarize([v('skipped'), v('internal')]).level).toBe('internal');
    expect(summarize([v('skipped'), v('skipped')])).toMatchObject({ level: 'skipped', total: 2, notProtected: 0, warned: false });
    expect(summarize([v('skipped')], { threshold: 'protected' }).notProtected).toBe(0);
  });
  it('is empty for no recipients', () => {
    expect(summarize([])).toMatchObject({ level: null, total: 0, notProtected: 0, checking: 0, culprit: null });
  });
  it('says "policy not checked" only where the permission is missing and the verdict could change', () => {
    const pending = { ...v('encrypted'), policyNotChecked: true };
    expect(summarize([pending], { policyPermissionMissing: true }).policyNotChecked).toBe(true);
    expect(summarize([pending], { policyPermissionMissing: false }).policyNotChecked).toBe(false);
    expect(summarize([v('encrypted')], { policyPermissionMissing: true }).policyNotChecked).toBe(false);
    // A recipient who cannot receive mail outranks anything a policy could say.
    expect(summarize([pending, v('undeliverable')], { policyPermissionMissing: true }).policyNotChecked).toBe(false);
  });
});

describe('composeHeadline', () => {
  it('is calm for a compose whose recipients are all likely encrypted, green when protected', () => {
    expect(composeHeadline(summarize([v('encrypted'), v('encrypted', 'b@e.example')]))).toEqual({ level: 'encrypted', tone: 'calm', text: 'Likely encrypted' });
    expect(composeHeadline(summarize([v('protected'), v('encrypted')]))).toMatchObject({ level: 'encrypted', tone: 'calm' });
    expect(composeHeadline(summarize([v('protected'), v('internal')]))).toEqual({ level: 'protected', tone: 'good', text: 'Protected' });
  });

  it('warns about encrypted when the organisation sets the threshold to encrypted', () => {
    expect(composeHeadline(summarize([v('encrypted', 'ben@testing.test')], { threshold: 'encrypted' })))
      .toEqual({ level: 'encrypted', tone: 'caution', text: 'ben@testing.test: encryption not guaranteed' });
  });

  it('names the one recipient at fault', () => {
    expect(headline([v('protected'), v('misconfigured', 'dan@mismatch.test'), v('encrypted')])).toBe('dan@mismatch.test: protection broken');
  });

  it('counts several recipients at the headline level', () => {
    expect(headline([v('unverified', 'a@p.test'), v('unverified', 'b@p.test'), v('unverified', 'c@p.test'), v('protected')]))
      .toBe('3 recipients: no protection published');
  });

  it('mentions the other problems and the recipients still being checked', () => {
    expect(headline([v('misconfigured', 'dan@mismatch.test'), v('unverified'), v('unknown'), v('checking')]))
      .toBe('dan@mismatch.test: protection broken (+2 more, 1 still checking)');
  });

  it('never shows unknown as calm or safe, but a known problem comes first', () => {
    expect(composeHeadline(summarize([v('protected'), v('unknown', 'fay@[192.0.2.1]')]))).toMatchObject({ level: 'unknown', tone: 'caution', text: 'fay@[192.0.2.1]: could not check' });
    expect(headline([v('unknown'), v('unverified', 'cat@plain.test')])).toBe('cat@plain.test: no protection published (+1 more)');
  });

  it('says "checking" until every answer is in, unless a problem is already known', () => {
    expect(headline([v('checking'), v('checking', 'b@c.example')])).toBe('Checking 2 recipients…');
    expect(headline([v('checking')])).toBe('Checking 1 recipient…');
    expect(headline([v('checking'), v('protected')])).toBe('Checking 1 recipient…');
  });

  it('says when there are too many recipients to check', () => {
    expect(composeHeadline(tooManySummary())).toEqual({ level: 'unknown', tone: 'caution', text: 'Too many recipients to check (more than 200)' });
  });
});

describe('badgeView', () => {
  it('shows nothing and the default title without a compose', () => {
    expect(badgeView(null)).toEqual({ text: '', colour: null, title: 'InTransit: checks how your email will travel to each recipient', icon: null });
  });

  it('says the headline in the title, and the headline level as glyph, colour and icon', () => {
    const view = badgeView(summarize([v('protected'), v('unverified', 'cat@plain.test')]));
    expect(view).toEqual({ text: '!', colour: levelColour('unverified'), title: 'InTransit — cat@plain.test: no protection published', icon: levelIconPaths('unverified') });
  });

  it('is calm for likely encrypted and green for protected', () => {
    expect(badgeView(summarize([v('encrypted')]))).toMatchObject({ text: '~', colour: '#46566a', title: 'InTransit — Likely encrypted' });
    expect(badgeView(summarize([v('protected'), v('protected')]))).toMatchObject({ text: '✓', title: 'InTransit — Protected' });
  });

  it('says when everything is still being checked', () => {
    expect(badgeView(summarize([v('checking'), v('checking')]))).toMatchObject({ text: '…', title: 'InTransit — Checking 2 recipients…' });
  });

  it('has no badge for a compose without recipients', () => {
    expect(badgeView(summarize([]))).toMatchObject({ text: '', title: 'InTransit — No recipients yet' });
  });
});

describe('applyBadge', () => {
  const methods = (calls: { method: string }[]) => calls.map((c) => c.method).sort();

  it('sets every part the first time', async () => {
    const { action, calls } = fakeAction();
    await applyBadge(action, 3, badgeView(summarize([v('checking'), v('checking')])));
    expect(methods(calls)).toEqual(['setBadgeBackgroundColor', 'setBadgeText', 'setBadgeTextColor', 'setIcon', 'setTitle']);
  });

  it('sets only what changed: a batch of answers while checking changes the title, not the icon', async () => {
    const { action, calls } = fakeAction();
    let shown = badgeView(summarize([v('checking'), v('checking'), v('checking')]));
    await applyBadge(action, 3, shown);
    calls.length = 0;
    // One answer in: "Checking 2 recipients…" — the same glyph, colour and icon.
    const next = badgeView(summarize([v('protected'), v('checking'), v('checking')]));
    await applyBadge(action, 3, next, shown);
    expect(methods(calls)).toEqual(['setTitle']);
    shown = next;
    calls.length = 0;
    // All in: the level changes, so do glyph, colour and icon.
    const done = badgeView(summarize([v('protected'), v('protected'), v('protected')]));
    await applyBadge(action, 3, done, shown);
    expect(methods(calls)).toEqual(['setBadgeBackgroundColor', 'setBadgeText', 'setBadgeTextColor', 'setIcon', 'setTitle']);
    expect(calls.find((c) => c.method === 'setIcon')?.details).toEqual({ tabId: 3, path: levelIconPaths('protected') });
    calls.length = 0;
    // Nothing changed: no call.
    await applyBadge(action, 3, done, done);
    expect(calls).toEqual([]);
  });

  it('goes back to the default icon when the compose has no level', async () => {
    const { action, calls } = fakeAction();
    const shown = badgeView(summarize([v('protected')]));
    await applyBadge(action, 3, badgeView(null), shown);
    expect(calls.find((c) => c.method === 'setIcon')?.details).toEqual({ tabId: 3, path: DEFAULT_ICON });
    expect(calls.some((c) => c.method === 'setBadgeBackgroundColor')).toBe(false);
  });
});

describe('the level table', () => {
  it('gives levels that mean different things different glyphs (not colour alone)', () => {
    const meaning = (l: DisplayLevel) => (['internal', 'required', 'protected'].includes(l) ? 'safe' : l);
    const glyphs = new Map<string, string>();
    for (const level of LEVELS_BY_RANK) {
      const glyph = levelGlyph(level);
      expect(glyph.length).toBeGreaterThan(0);
      expect(glyph.length).toBeLessThanOrEqual(2);
      const other = glyphs.get(glyph);
      if (other !== undefined) expect(other).toBe(meaning(level));
      glyphs.set(glyph, meaning(level));
    }
  });

  it('has ranks 0..n-1 without gaps, and a message for every key of every level', () => {
    expect(LEVELS_BY_RANK.map((l) => LEVEL_TABLE[l].rank)).toEqual(LEVELS_BY_RANK.map((_, i) => i));
    const messages = JSON.parse(readFileSync(join(ROOT, 'src/shared/locale/en.json'), 'utf8')) as Record<string, { message: string }>;
    for (const level of LEVELS_BY_RANK) for (const key of Object.values(LEVEL_TABLE[level].keys)) expect(messages[key]?.message, key).toBeTruthy();
  });

  it('says each level once: no two levels share a name or a sentence', () => {
    const messages = JSON.parse(readFileSync(join(ROOT, 'src/shared/locale/en.json'), 'utf8')) as Record<string, { message: string }>;
    for (const field of ['name', 'meaning'] as const) {
      const texts = LEVELS_BY_RANK.map((l) => messages[LEVEL_TABLE[l].keys[field]]?.message);
      expect(new Set(texts).size, field).toBe(texts.length);
    }
  });

  it('uses colours with at least 4.5:1 contrast for white text, the colours the icons are drawn with, and every icon exists', () => {
    const channel = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    const luminance = (hex: string) => {
      const [r1, g1, b1] = [1, 3, 5].map((i) => channel(Number.parseInt(hex.slice(i, i + 2), 16) / 255)) as [number, number, number];
      return 0.2126 * r1 + 0.7152 * g1 + 0.0722 * b1;
    };
    const script = readFileSync(join(ROOT, 'scripts/make-icons.mjs'), 'utf8');
    for (const level of LEVELS_BY_RANK) {
      expect(1.05 / (luminance(levelColour(level)) + 0.05), level).toBeGreaterThanOrEqual(4.5);
      expect(script).toMatch(new RegExp(`${level}: \\{ colour: '${levelColour(level)}'`));
      for (const path of Object.values(levelIconPaths(level))) expect(() => readFileSync(join(ROOT, 'public', path))).not.toThrow();
    }
  });
});
