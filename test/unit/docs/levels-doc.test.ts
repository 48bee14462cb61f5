// The README's table of levels says what the level table says (src/shared/level-table.ts and
// src/shared/locale/en.json): the same glyph, name and sentence, in the same order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVEL_TABLE, LEVELS_BY_RANK } from '../../../src/shared/level-table.ts';
import { ROOT } from '../background/locale-fixture.ts';

const messages = JSON.parse(readFileSync(join(ROOT, 'src/shared/locale/en.json'), 'utf8')) as Record<string, { message: string }>;
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const word = (key: string) => messages[key]?.message ?? '';

describe('README "What the verdicts mean"', () => {
  const rows = readme.split('\n').filter((line) => /^\| \S{1,2} \| `\w+` \|/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

  it('lists the engine levels in the table\'s order with their glyph, name and meaning', () => {
    const core = LEVELS_BY_RANK.filter((l) => ['undeliverable', 'misconfigured', 'unverified', 'unknown', 'encrypted', 'protected'].includes(l));
    expect(rows.map((r) => r[1])).toEqual(core.map((l) => `\`${l}\``));
    for (const [glyph, id, name, meaning] of rows) {
      const level = (id ?? '').replaceAll('`', '') as keyof typeof LEVEL_TABLE;
      expect(glyph, level).toBe(LEVEL_TABLE[level].glyph);
      expect(name, level).toBe(word(LEVEL_TABLE[level].keys.name));
      expect(meaning, level).toBe(word(LEVEL_TABLE[level].keys.meaning));
    }
  });

  it('names the organisation levels and "checking" with their glyphs and names', () => {
    for (const level of ['internal', 'required', 'skipped', 'checking'] as const) {
      expect(readme).toContain(level === 'checking' ? `“${word(LEVEL_TABLE[level].keys.name)}” (${LEVEL_TABLE[level].glyph})` : `${LEVEL_TABLE[level].glyph} ${word(LEVEL_TABLE[level].keys.name)}`);
    }
  });
});

describe('docs/decisions.md "Levels, words and symbols"', () => {
  it('shows every level with the table\'s glyph, tone, name and advice', () => {
    const decisions = readFileSync(join(ROOT, 'docs/decisions.md'), 'utf8');
    for (const level of LEVELS_BY_RANK) {
      const e = LEVEL_TABLE[level];
      expect(decisions, level).toContain(`| \`${level}\` | ${e.glyph} | ${e.tone} | ${word(e.keys.name)} | ${word(e.keys.advice)} |`);
    }
  });
});
