import { describe, expect, it } from 'vitest';
import { escapeForTerminal, jsonForTerminal, terminalUnits } from '../../../src/cli/escape.ts';
import { displayWidth, fitEnd, fitMiddle, wrap } from '../../../src/cli/columns.ts';

// Every character that must never reach a terminal raw.
const CONTROLS = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)),
  '\u061c', '\u00ad', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2028', '\u2029',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff',
  '\u{e0001}', '\ud800',
];

describe('escapeForTerminal', () => {
  it('shows C0, DEL, C1 as \\xHH and format/bidi controls as \\uHHHH', () => {
    expect(escapeForTerminal('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeForTerminal('x\ny\tz\r')).toBe('x\\x0ay\\x09z\\x0d');
    expect(escapeForTerminal('\u007f\u009b')).toBe('\\x7f\\x9b');
    expect(escapeForTerminal('evil\u202egnp.com')).toBe('evil\\u202egnp.com');
    expect(escapeForTerminal('\u2066a\u2069\u200e\u200f')).toBe('\\u2066a\\u2069\\u200e\\u200f');
    expect(escapeForTerminal('tag\u{e0041}')).toBe('tag\\u{e0041}');
  });

  it('leaves printable text alone, IDN and emoji included, and escapes the backslash so escapes are unambiguous', () => {
    expect(escapeForTerminal('bücher.example 例え.jp ✔ 🙂')).toBe('bücher.example 例え.jp ✔ 🙂');
    expect(escapeForTerminal('a\\x1b')).toBe('a\\\\x1b');
  });

  it('no control character survives', () => {
    for (const char of CONTROLS) {
      const out = escapeForTerminal(`a${char}b`);
      expect(out, `U+${char.codePointAt(0)!.toString(16)}`).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|u\{[0-9a-f]+\})b$/);
    }
  });

  it('terminalUnits keeps each escape whole', () => {
    expect(terminalUnits('a\u001bb')).toEqual(['a', '\\x1b', 'b']);
  });
});

describe('jsonForTerminal', () => {
  it('is valid JSON with the same value, and none of the controls raw in its text', () => {
    const value = { domain: CONTROLS.join(''), nested: [`x\u202ey`, 'plain'] };
    const text = jsonForTerminal(value);
    expect(JSON.parse(text)).toEqual(value);
    // (A newline is JSON's own layout between tokens; inside strings JSON.stringify escapes it.)
    for (const char of CONTROLS.filter((c) => c !== '\n')) expect(text.includes(char), `U+${char.codePointAt(0)!.toString(16)}`).toBe(false);
    expect(text).toContain('x\\u202ey');
    expect(text).toContain('\\udb40\\udc01'); // U+E0001 as a surrogate pair of escapes
  });

  it('is plain JSON.stringify output when there is nothing to escape', () => {
    const value = { a: 'bücher', b: [1, 2] };
    expect(jsonForTerminal(value)).toBe(JSON.stringify(value, null, 2));
  });
});

describe('columns', () => {
  it('fitEnd cuts with "…" to the width and never inside an escape', () => {
    expect(fitEnd('short', 10)).toBe('short');
    expect(fitEnd('0123456789abc', 10)).toBe('012345678…');
    expect(displayWidth(fitEnd('0123456789abc', 10))).toBe(10);
    expect(fitEnd('abcdef\u001bxyz', 9)).toBe('abcdef…');
  });

  it('fitMiddle keeps both ends of a name', () => {
    const cut = fitMiddle('very-long-subdomain-label.mail.example.com', 20);
    expect(displayWidth(cut)).toBe(20);
    expect(cut).toBe('very-long…xample.com');
  });

  it('counts wide characters as two columns and combining marks as none', () => {
    expect(displayWidth('例え')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth(escapeForTerminal('\u001b'))).toBe(4);
  });

  it('wrap breaks at spaces, cuts a word longer than the line, and escapes', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('abcdefghijkl mn', 5)).toEqual(['abcde', 'fghij', 'kl mn']);
    expect(wrap('a\u001bb', 10)).toEqual(['a\\x1bb']);
  });
});
