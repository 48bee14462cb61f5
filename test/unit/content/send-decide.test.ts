// The send-time check's decision (src/content/send-check/decide.ts), as a table: every level a
// recipient can have × every mode × every warning threshold, plus recipients still being checked,
// the organisation's lists, recipients shown by name only, and composes nothing could be read of.
// The expected answers are written out by hand (docs/decisions.md "Send-time check"), not derived
// from the code under test.
import { describe, expect, it } from 'vitest';
import { decideSend, recipientHold, type SendCheckInput } from '../../../src/content/send-check/decide.ts';
import type { ComposeRecipient, DisplayLevel, SendCheckConfig } from '../../../src/shared/messages.ts';
import type { Level } from '../../../src/core/types.ts';

const THRESHOLDS: Level[] = ['protected', 'encrypted', 'unverified', 'misconfigured', 'undeliverable', 'unknown'];

/** What one recipient at each level does to a send, per threshold: P problem, . passes, … pending. */
const TABLE: Record<DisplayLevel, Record<Level, 'P' | '.' | '…'>> = {
  protected: { protected: 'P', encrypted: '.', unverified: '.', misconfigured: '.', undeliverable: '.', unknown: '.' },
  encrypted: { protected: 'P', encrypted: 'P', unverified: '.', misconfigured: '.', undeliverable: '.', unknown: '.' },
  unverified: { protected: 'P', encrypted: 'P', unverified: 'P', misconfigured: '.', undeliverable: '.', unknown: '.' },
  misconfigured: { protected: 'P', encrypted: 'P', unverified: 'P', misconfigured: 'P', undeliverable: '.', unknown: '.' },
  undeliverable: { protected: 'P', encrypted: 'P', unverified: 'P', misconfigured: 'P', undeliverable: 'P', unknown: '.' },
  // Could not check: never safe, whatever the threshold.
  unknown: { protected: 'P', encrypted: 'P', unverified: 'P', misconfigured: 'P', undeliverable: 'P', unknown: 'P' },
  // The organisation's own answers never hold a send.
  internal: { protected: '.', encrypted: '.', unverified: '.', misconfigured: '.', undeliverable: '.', unknown: '.' },
  required: { protected: '.', encrypted: '.', unverified: '.', misconfigured: '.', undeliverable: '.', unknown: '.' },
  skipped: { protected: '.', encrypted: '.', unverified: '.', misconfigured: '.', undeliverable: '.', unknown: '.' },
  // Still being checked: held, and the dialog waits for it.
  checking: { protected: '…', encrypted: '…', unverified: '…', misconfigured: '…', undeliverable: '…', unknown: '…' },
};

const config = (mode: SendCheckConfig['mode'], warnAtOrBelow: Level = 'unverified', extra: Partial<SendCheckConfig> = {}): SendCheckConfig =>
  ({ mode, warnAtOrBelow, orgName: null, helpUrl: null, ...extra });
const to = (address: string): ComposeRecipient => ({ address, field: 'to', pending: false });
const named = (label: string): ComposeRecipient => ({ address: null, label, field: 'to', pending: false });

function input(cfg: SendCheckConfig | null, recipients: ComposeRecipient[], levels: Record<string, DisplayLevel>, more: Partial<SendCheckInput> = {}): SendCheckInput {
  return { config: cfg, recipients, tooMany: false, fieldsFound: true, levelOf: (a) => levels[a.toLowerCase()], ...more };
}

describe('one recipient: level × threshold × mode', () => {
  const cases = (Object.keys(TABLE) as DisplayLevel[]).flatMap((level) => THRESHOLDS.map((threshold) => [level, threshold] as const));

  it.each(cases)('%s under warnAtOrBelow=%s', (level, threshold) => {
    const expected = TABLE[level][threshold];
    expect(recipientHold(level, threshold)).toBe(expected === 'P' ? 'problem' : expected === '…' ? 'pending' : null);
    for (const mode of ['confirm', 'block'] as const) {
      const decision = decideSend(input(config(mode, threshold), [to('ann@x.test')], { 'ann@x.test': level }));
      if (expected === '.') expect(decision, mode).toEqual({ hold: false });
      else {
        expect(decision, mode).toEqual({
          hold: true, unreadable: null, problems: expected === 'P' ? 1 : 0, pending: expected === '…' ? 1 : 0,
          rows: [{ address: 'ann@x.test', shown: 'ann@x.test', level: expected === '…' ? 'checking' : level }],
        });
      }
    }
    // Off: the badge is the only warning; never held.
    expect(decideSend(input(config('off', threshold), [to('ann@x.test')], { 'ann@x.test': level }))).toEqual({ hold: false });
  });
});

describe('decideSend', () => {
  it('never holds before the mode is known (the background has not said yet)', () => {
    expect(decideSend(input(null, [to('a@x.test'), named('Design Group')], {}))).toEqual({ hold: false });
  });

  it('counts a recipient without a level yet (typed a moment ago) as still being checked', () => {
    const d = decideSend(input(config('confirm'), [to('new@x.test')], {}));
    expect(d).toEqual({ hold: true, unreadable: null, problems: 0, pending: 1, rows: [{ address: 'new@x.test', shown: 'new@x.test', level: 'checking' }] });
  });

  it('looks levels up whatever the case of the address', () => {
    expect(decideSend(input(config('confirm'), [to('Ann@X.Test')], { 'ann@x.test': 'protected' }))).toEqual({ hold: false });
  });

  it('holds for a recipient shown by name only, in every mode but off, even when it has a verdict', () => {
    for (const mode of ['confirm', 'block'] as const) {
      expect(decideSend(input(config(mode, 'undeliverable'), [named('Design Group')], { 'design group': 'protected' }))).toEqual({
        hold: true, unreadable: null, problems: 1, pending: 0, rows: [{ address: null, shown: 'Design Group', level: 'unknown' }],
      });
    }
  });

  it('lets a send through at once when every recipient is above the threshold or on the organisation\'s lists', () => {
    const levels: Record<string, DisplayLevel> = { 'a@x.test': 'protected', 'b@intranet.test': 'internal', 'c@partner.test': 'required', 'd@secret.test': 'skipped', 'e@y.test': 'encrypted' };
    expect(decideSend(input(config('block'), Object.keys(levels).map(to), levels))).toEqual({ hold: false });
  });

  it('lists the problems first, most actionable first in field order, then those still being checked', () => {
    const levels: Record<string, DisplayLevel> = {
      'ok@x.test': 'protected', 'u1@x.test': 'unverified', 'late@x.test': 'checking', 'm@x.test': 'misconfigured', 'u2@x.test': 'unverified', 'in@corp.test': 'internal',
    };
    const d = decideSend(input(config('confirm'), [...Object.keys(levels).map(to), to('typed@x.test'), named('Sales')], levels));
    expect(d.hold && d.rows.map((r) => `${r.shown}:${r.level}`)).toEqual([
      'm@x.test:misconfigured', 'u1@x.test:unverified', 'u2@x.test:unverified', 'Sales:unknown', 'late@x.test:checking', 'typed@x.test:checking',
    ]);
    expect(d).toMatchObject({ problems: 4, pending: 2 });
  });

  it('holds a compose nothing could be read of: too many recipients, or no recipient field found', () => {
    expect(decideSend(input(config('confirm'), [], {}, { tooMany: true }))).toEqual({ hold: true, rows: [], problems: 1, pending: 0, unreadable: 'too-many' });
    expect(decideSend(input(config('block'), [], {}, { fieldsFound: false }))).toEqual({ hold: true, rows: [], problems: 1, pending: 0, unreadable: 'no-fields' });
    expect(decideSend(input(config('off'), [], {}, { fieldsFound: false }))).toEqual({ hold: false });
  });

  it('lets an empty compose through (the webmail itself asks for a recipient)', () => {
    expect(decideSend(input(config('block'), [], {}))).toEqual({ hold: false });
  });
});
