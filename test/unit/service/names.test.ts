// Names the service never looks up (src/service/names.ts).
import { describe, expect, it } from 'vitest';
import { createNamePolicy, SPECIAL_USE_SUFFIXES } from '../../../src/service/names.ts';

describe('special-use names', () => {
  it('are refused by default (the test suites switch this off explicitly; this pins the default)', () => {
    const names = createNamePolicy();
    for (const domain of ['localhost', 'mail.localhost', 'enforce.test', 'x.invalid', 'printer.local', 'router.home.arpa', 'a.b.internal',
      '10.in-addr.arpa', 'ipv4only.arpa', 'example', 'hidden.onion', 'x.alt', 'dc1.corp', 'nas.lan', 'example.home', 'x.mail']) {
      expect(names.refusal(domain), domain).toBe('special-use');
    }
  });

  it('leave public names alone, including the documentation domains in the public DNS', () => {
    const names = createNamePolicy();
    for (const domain of ['example.com', 'example.org', 'gmail.com', 'test.com', 'local.example.com', 'internal.example.net', 'arpa.example.com', 'lan.example.net']) {
      expect(names.refusal(domain), domain).toBeNull();
    }
  });

  it('can be allowed for the test world, while the organisation\'s own refusals still hold', () => {
    const names = createNamePolicy({ allowSpecialUse: true, refuse: ['corp.example.com'] });
    for (const suffix of SPECIAL_USE_SUFFIXES) expect(names.refusal(`x.${suffix}`)).toBeNull();
    expect(names.refusal('corp.example.com')).toBe('refused-by-configuration');
    expect(names.refusal('hr.corp.example.com')).toBe('refused-by-configuration');
    expect(names.refusal('notcorp.example.com')).toBeNull();
    expect(names.refusal('example.com')).toBeNull();
  });
});
