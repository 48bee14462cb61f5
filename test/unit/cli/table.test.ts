import { describe, expect, it } from 'vitest';
import type { Assessment, Level } from '../../../src/core/index.ts';
import { formatTable } from '../../../src/cli/check/table.ts';
import { formatLint } from '../../../src/cli/lint-policy.ts';

function assessment(domain: string, level: Level, reason: string, mxHosts: string[] = ['mx.example.com']): Assessment {
  return {
    domain,
    level,
    reasons: [{ code: 'test', message: reason, severity: 'info' }],
    evidence: {
      mx: { status: 'insecure', hosts: mxHosts.map((host, i) => ({ host, preference: i * 10 })), implicit: false, nullMx: false },
      mtaSts: { record: 'absent', policy: 'not-applicable', warnings: [] },
      dane: { mxSecure: false, hosts: [] },
      tlsRpt: { record: 'absent', rua: [] },
    },
    checkedAt: 0,
    expiresAt: 0,
  };
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('formatTable', () => {
  it('escapes network text in every column', () => {
    const table = formatTable([assessment('evil\u202egnp.example', 'unverified', 'Host mx\u001b[2J.example is odd', ['mx\u001b]0;title\u0007.example'])]);
    expect(table).not.toMatch(RAW_CONTROL);
    expect(table).toContain('evil\\u202egnp.example');
    expect(table).toContain('MX mx\\x1b]0;title\\x07.example');
    expect(table).toContain('Host mx\\x1b[2J.example is odd');
  });

  it('cuts long domains in the middle and long evidence at the end, so REASON starts in one column', () => {
    const long = `${'a'.repeat(50)}.example.com`;
    const table = formatTable([
      assessment(long, 'protected', 'first'),
      assessment('short.example', 'unknown', 'second', [`${'m'.repeat(60)}.example`, 'mx2.example']),
    ]);
    const [header, ...rows] = table.split('\n') as [string, ...string[]];
    const column = header.indexOf('REASON');
    expect(rows.map((r) => r.slice(column))).toEqual(['first', 'second']);
    expect(rows[0]).toMatch(/^a+…[a-z.]*example\.com /);
    expect(rows[1]).toContain('…');
    expect(rows.every((r) => r.slice(0, column).length === column)).toBe(true);
  });

  it('wraps REASON under its own column on a terminal, and keeps one line per row otherwise', () => {
    const reason = 'This reason is a fairly long sentence that will not fit in the columns left on a narrow terminal.';
    const rows = [assessment('a.example', 'encrypted', reason)];
    const piped = formatTable(rows);
    expect(piped.split('\n')).toHaveLength(2);
    const wrapped = formatTable(rows, { columns: 80 }).split('\n');
    const column = (wrapped[0] as string).indexOf('REASON');
    expect(wrapped.length).toBeGreaterThan(2);
    for (const line of wrapped) expect([...line].length).toBeLessThanOrEqual(80);
    for (const line of wrapped.slice(2)) expect(line.slice(0, column).trim()).toBe('');
    expect(wrapped.slice(1).map((l) => l.slice(column)).join(' ')).toBe(reason);
  });

  it('does not wrap when the terminal leaves too little room for REASON', () => {
    const rows = [assessment('a.example', 'encrypted', 'one two three four five six seven eight nine ten')];
    expect(formatTable(rows, { columns: 40 }).split('\n')).toHaveLength(2);
  });
});

describe('formatLint', () => {
  it('escapes the messages (they quote the policy file)', () => {
    const text = formatLint({ ok: false, errors: [{ code: 'mta-sts.policy.x', message: 'bad "mx: \u001b[31mred"' }], warnings: [{ code: 'w', message: '\u202e' }] });
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toBe('INVALID MTA-STS policy\nerror   mta-sts.policy.x: bad "mx: \\x1b[31mred"\nwarning w: \\u202e');
  });
});
