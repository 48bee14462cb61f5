// The build step that drops the selectors' `source` and `era` notes from the built content
// scripts (scripts/selector-notes.ts): what it removes, and that it fails the build rather than
// ship a note or broken code.
import { describe, expect, it } from 'vitest';
import { stripSelectorNotes } from '../../../scripts/selector-notes.ts';

describe('stripSelectorNotes', () => {
  it('drops era and source from selector rows, whatever quotes the minifier chose', () => {
    const code = 'var a=[{selector:`[data-testid="x"]`,era:`v9`,source:`Briskine outlook.js closest(\'[id*="docking"]\')`},'
      + '{selector:".vR",kind:`to`,era:"classic",source:"InboxSDK \\"x\\" y"},{selector:\'b\',era:\'any\',source:\'it\\\'s\'}];';
    expect(stripSelectorNotes(code)).toBe('var a=[{selector:`[data-testid="x"]`},{selector:".vR",kind:`to`},{selector:\'b\'}];');
  });

  it('leaves code without notes alone', () => {
    const code = 'function f(e){return e.source?.era??`x`}';
    expect(stripSelectorNotes(code)).toBe(code);
  });

  it('fails when a note is written some other way (the build must not ship it)', () => {
    expect(() => stripSelectorNotes('var a={selector:`x`,source:s};', 'gmail/main.js')).toThrow(/gmail\/main\.js: a selector note/);
    expect(() => stripSelectorNotes('var a={era:`v9`,selector:`x`};')).toThrow(/selector note/);
  });

  it('fails when the result would not parse', () => {
    expect(() => stripSelectorNotes('var a={selector:`x`,era:`v9`,source:`y`}}')).toThrow(/no longer parses/);
  });
});
