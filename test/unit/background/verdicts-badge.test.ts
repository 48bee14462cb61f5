// Worst level, compose summary and the action badge: never colour alone, always words.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { badgeView } from '../../../src/background/badge.ts';
import { domainsOf, recipientVerdicts, summarize, worstDisplayLevel } from '../../../src/background/verdicts.ts';
import { DISPLAY_LEVELS, levelColour, levelGlyph, levelIconPaths } from '../../../src/shared/level-display.ts';
import type { ComposeRecipient, DisplayLevel } from '../../../src/shared/messages.ts';
import { installI18n, ROOT } from './locale-fixture.ts';

beforeAll(installI18n);

const r = (address: string): ComposeRecipient => ({ address, field: 'to', pending: false });

describe('worstDisplayLevel', () => {
  it.each<[DisplayLevel[], DisplayLevel | null]>([
    [[], null],
    [['protected', 'encrypted'], 'encrypted'],
    [['protected', 'checking'], 'checking'],
    [['encrypted', 'checking'], 'checking'],
    [['unverified', 'checking'], 'unverified'],
    [['misconfigured', 'undeliverable'], 'undeliverable'],
    [['protected', 'unknown'], 'unknown'],
    [['internal', 'required', 'protected'], 'protected'],
  ])('%j -> %s', (levels, worst) => {
    expect(worstDisplayLevel(levels)).toBe(worst);
  });
});

describe('recipientVerdicts', () => {
  it('looks up each domain and marks unparsable addresses as unknown, never safe', () => {
    const levels: Record<string, DisplayLevel> = { 'example.com': 'protected' };
    const verdicts = recipientVerdicts([r('Ann <ann@Example.com>'), r('bob@other.example'), r('not an address'), r('x@[192.0.2.1]')],
      (d) => levels[d] ?? 'checking');
    expect(verdicts.map((v) => [v.domain, v.level])).toEqual([
      ['example.com', 'protected'], ['other.example', 'checking'], ['', 'unknown'], ['', 'unknown'],
    ]);
    expect(verdicts[0]?.summary).toMatch(/requires an encrypted, authenticated connection/);
  });

  it('gives a recipient shown by name only "could not check", with its name and no domain, never a lookup', () => {
    const nameOnly: ComposeRecipient = { address: null, label: 'Design Group', field: 'cc', pending: false };
    const looked: string[] = [];
    const verdicts = recipientVerdicts([r('ann@example.com'), nameOnly], (d) => { looked.push(d); return 'protected'; });
    expect(looked).toEqual(['example.com']);
    expect(verdicts[1]).toEqual({ address: null, label: 'Design Group', domain: '', level: 'unknown', summary: expect.stringMatching(/by name only/) });
    expect(domainsOf([r('ann@example.com'), nameOnly])).toEqual(['example.com']);
    // Counted, and it keeps the compose from looking protected.
    expect(summarize(verdicts, 'unverified')).toEqual({ level: 'unknown', total: 2, notProtected: 1, checking: 0 });
  });
});

describe('summarize', () => {
  const v = (level: DisplayLevel) => ({ address: 'a@b.c', domain: 'b.c', level, summary: '' });
  it('counts recipients at or below the default threshold (encrypted: not authenticated), and those still checking', () => {
    expect(summarize([v('protected'), v('encrypted'), v('unverified'), v('checking'), v('internal')]))
      .toEqual({ level: 'unverified', total: 5, notProtected: 3, checking: 1 });
  });
  it('uses the warnAtOrBelow threshold it is given', () => {
    const levels = [v('protected'), v('encrypted'), v('unverified'), v('misconfigured')];
    expect(summarize(levels, 'unverified').notProtected).toBe(2);
    expect(summarize(levels, 'encrypted').notProtected).toBe(3);
    expect(summarize(levels, 'misconfigured').notProtected).toBe(1);
    expect(summarize(levels, 'protected').notProtected).toBe(4);
  });
  it('never counts skipped recipients as a warning, nor as the worst level unless all are skipped', () => {
    expect(summarize([v('skipped'), v('protected')])).toEqual({ level: 'protected', total: 2, notProtected: 0, checking: 0 });
    expect(summarize([v('skipped'), v('internal')]).level).toBe('internal');
    expect(summarize([v('skipped'), v('skipped')])).toEqual({ level: 'skipped', total: 2, notProtected: 0, checking: 0 });
    expect(summarize([v('skipped')], 'protected').notProtected).toBe(0);
  });
  it('is empty for no recipients', () => {
    expect(summarize([])).toEqual({ level: null, total: 0, notProtected: 0, checking: 0 });
  });
});

describe('badgeView', () => {
  it('shows nothing and the default title without a compose', () => {
    expect(badgeView(null)).toEqual({ text: '', colour: null, title: 'InTransit: checks how your email will travel to each recipient', icon: null });
  });

  it('says how many recipients are not protected, and the worst level in words', () => {
    const view = badgeView({ level: 'unverified', total: 5, notProtected: 2, checking: 0 });
    expect(view.text).toBe('!');
    expect(view.colour).toBe(levelColour('unverified'));
    expect(view.title).toBe('InTransit: 2 of 5 recipients not protected — worst: No protection published');
    expect(view.icon).toEqual(levelIconPaths('unverified'));
  });

  it('words one recipient in the singular ("1 recipient", not "all 1 recipients" or "1 of 1")', () => {
    expect(badgeView({ level: 'protected', total: 1, notProtected: 0, checking: 0 }).title).toBe('InTransit: 1 recipient — Protected');
    expect(badgeView({ level: 'unverified', total: 1, notProtected: 1, checking: 0 }).title).toBe('InTransit: 1 recipient — No protection published');
  });

  it('says when every recipient is protected', () => {
    expect(badgeView({ level: 'protected', total: 3, notProtected: 0, checking: 0 }).title).toBe('InTransit: all 3 recipients — Protected');
  });

  it('says when everything is still being checked', () => {
    const view = badgeView({ level: 'checking', total: 2, notProtected: 2, checking: 2 });
    expect(view.text).toBe('…');
    expect(view.title).toBe('InTransit: checking 2 recipients…');
  });

  it('has no badge for a compose without recipients', () => {
    expect(badgeView({ level: null, total: 0, notProtected: 0, checking: 0 })).toMatchObject({ text: '', title: 'InTransit: no recipients yet' });
  });

  it('gives levels that mean different things different glyphs (not colour alone)', () => {
    const meaning = (l: DisplayLevel) => (['internal', 'required', 'protected'].includes(l) ? 'safe' : l);
    const glyphs = new Map<string, string>();
    for (const level of DISPLAY_LEVELS) {
      const glyph = levelGlyph(level);
      expect(glyph.length).toBeGreaterThan(0);
      expect(glyph.length).toBeLessThanOrEqual(4);
      const other = glyphs.get(glyph);
      if (other !== undefined) expect(other).toBe(meaning(level));
      glyphs.set(glyph, meaning(level));
    }
  });

  it('uses the colours the icons are drawn with, and every icon exists', () => {
    const script = readFileSync(join(ROOT, 'scripts/make-icons.mjs'), 'utf8');
    for (const level of DISPLAY_LEVELS) {
      expect(script).toMatch(new RegExp(`${level}: \\{ colour: '${levelColour(level)}'`));
      for (const path of Object.values(levelIconPaths(level))) expect(() => readFileSync(join(ROOT, 'public', path))).not.toThrow();
    }
  });
});
