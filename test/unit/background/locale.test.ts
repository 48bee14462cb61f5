// The locale bundle: fragments merge without duplicates, every t('…') key in src/ exists, and
// every placeholder a message uses is declared.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeLocaleFragments } from '../../../src/shared/locale-bundle.ts';
import { loadMessages, readFragments, ROOT } from './locale-fixture.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('mergeLocaleFragments', () => {
  it('merges fragments into one object', () => {
    const result = mergeLocaleFragments([
      { file: 'a.json', messages: { a_one: { message: 'One' } } },
      { file: 'b.json', messages: { b_two: { message: 'Two', description: 'd' } } },
    ]);
    expect(result).toEqual({ ok: true, messages: { a_one: { message: 'One' }, b_two: { message: 'Two', description: 'd' } } });
  });

  it('fails on a key defined twice, also when only the case differs', () => {
    const result = mergeLocaleFragments([
      { file: 'a.json', messages: { title: { message: 'A' } } },
      { file: 'b.json', messages: { Title: { message: 'B' } } },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/duplicate key "Title" in b\.json \(already in a\.json\)/);
  });

  it('rejects keys Chrome does not accept and entries without a message', () => {
    const result = mergeLocaleFragments([
      { file: 'a.json', messages: { 'bad-key': { message: 'x' }, '@@ui_locale': { message: 'x' }, no_message: { description: 'x' } } },
      { file: 'b.json', messages: [] },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toHaveLength(4);
  });
});

describe('the project locale', () => {
  const messages = loadMessages();

  it('has fragments for background, popup, welcome and options', () => {
    const files = readFragments().map((f) => f.file);
    for (const area of ['background', 'popup', 'welcome', 'options', 'shared']) expect(files).toContain(`src/${area}/locale/en.json`);
  });

  it("has a message for every t('…') key used in src/", () => {
    const keyed = /\bt\(\s*['"]([A-Za-z0-9_@]+)['"]/g;
    const missing: string[] = [];
    let count = 0;
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(keyed)) {
        count++;
        const key = match[1] ?? '';
        if (!Object.keys(messages).some((k) => k.toLowerCase() === key.toLowerCase())) missing.push(`${relative(ROOT, file)}: ${key}`);
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it("has the one and other forms of every count message (tPlural('…'))", () => {
    const plural = /\btPlural\(\s*(?:[^'"()]*\?\s*)?['"]([A-Za-z0-9_@]+)['"](?:\s*:\s*['"]([A-Za-z0-9_@]+)['"])?/g;
    const missing: string[] = [];
    let count = 0;
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(plural)) {
        for (const base of [match[1], match[2]].filter((b): b is string => b !== undefined)) {
          count++;
          for (const form of ['one', 'other']) if (!messages[`${base}_${form}`]) missing.push(`${relative(ROOT, file)}: ${base}_${form}`);
        }
      }
    }
    expect(count).toBeGreaterThan(8);
    expect(missing).toEqual([]);
  });

  it('declares every placeholder a message uses', () => {
    const problems: string[] = [];
    for (const [key, entry] of Object.entries(messages)) {
      for (const m of entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)) {
        if (!entry.placeholders?.[(m[1] ?? '').toLowerCase()]) problems.push(`${key}: $${m[1]}$`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names the manifest strings', () => {
    const manifest = readFileSync(join(ROOT, 'manifest.config.ts'), 'utf8');
    for (const m of manifest.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) expect(messages[m[1] ?? '']).toBeDefined();
  });
});
