// The command line says each level with the extension's glyph and words (src/shared/level-table.ts,
// src/shared/locale/en.json through english.ts): one vocabulary everywhere.
import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/cli/check/table.ts';
import { english, englishLevel } from '../../../src/shared/english.ts';
import { LEVEL_TABLE, LEVELS_BY_RANK } from '../../../src/shared/level-table.ts';
import { getMessageFrom, loadMessages } from '../background/locale-fixture.ts';
import { assessment } from '../background/fakes.ts';

describe('the CLI and the level table', () => {
  it('reads the same English words the extension shows', () => {
    const chrome = getMessageFrom(loadMessages());
    for (const level of LEVELS_BY_RANK) {
      for (const key of Object.values(LEVEL_TABLE[level].keys)) expect(english(key), key).toBe(chrome(key));
    }
    expect(english('headline_recipient', ['dan@example.com', 'protection broken'])).toBe(chrome('headline_recipient', ['dan@example.com', 'protection broken']));
  });

  it('shows every engine level as glyph and name in the LEVEL column', () => {
    const levels = ['protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown'] as const;
    const table = formatTable(levels.map((level) => assessment(`${level}.example`, level))).split('\n');
    expect(englishLevel('misconfigured')).toBe('!! Protection broken');
    for (const [i, level] of levels.entries()) expect(table[i + 1]).toContain(englishLevel(level));
  });
});
