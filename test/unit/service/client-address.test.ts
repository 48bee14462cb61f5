// Rate-limit keys (src/service/client-address.ts).
import { describe, expect, it } from 'vitest';
import { createClientAddressResolver, rateLimitKey } from '../../../src/service/client-address.ts';

describe('client address', () => {
  it('is the peer unless the peer is a trusted proxy', () => {
    const direct = createClientAddressResolver([]);
    expect(direct('192.0.2.7', '198.51.100.1')).toBe('192.0.2.7');
    expect(direct('::ffff:192.0.2.7', undefined)).toBe('192.0.2.7');
    const behindProxy = createClientAddressResolver(['10.0.0.0/8']);
    expect(behindProxy('10.0.0.2', '198.51.100.1')).toBe('198.51.100.1');
    expect(behindProxy('192.0.2.7', '198.51.100.1')).toBe('192.0.2.7'); // not from the proxy: header ignored
  });

  it('reads X-Forwarded-For from the right, skipping trusted proxies, never trusting the client\'s own part', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8']);
    expect(resolve('10.0.0.2', '203.0.113.66, 198.51.100.1, 10.0.0.9')).toBe('198.51.100.1');
    expect(resolve('10.0.0.2', 'garbage, 198.51.100.1')).toBe('198.51.100.1');
    expect(resolve('10.0.0.2', '198.51.100.1, garbage')).toBe('10.0.0.2');
  });

  it('keys IPv6 clients by their /64', () => {
    expect(rateLimitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKey('192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitKey('nonsense')).toBe('unknown');
  });
});
