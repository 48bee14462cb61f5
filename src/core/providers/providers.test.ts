import { describe, expect, it } from 'vitest';
import { PROVIDERS, SENDERS, hostMatchesPattern, providerForHost, providerForHosts } from './index.ts';

describe('providerForHost', () => {
  it.each([
    ['aspmx.l.google.com', 'google'],
    ['alt4.aspmx.l.google.com', 'google'],
    ['smtp.google.com', 'google'],
    ['gmail-smtp-in.l.google.com', 'google'],
    ['aspmx2.googlemail.com', 'google'],
    ['contoso-com.mail.protection.outlook.com', 'microsoft-365'],
    ['contoso-com.o-v1.mx.microsoft', 'microsoft-365'],
    ['outlook-com.olc.protection.outlook.com', 'outlook-com'],
    ['mta5.am0.yahoodns.net', 'yahoo'],
    ['mx-aol.mail.gm0.yahoodns.net', 'yahoo'],
    ['mx01.mail.icloud.com', 'icloud'],
    ['mail.protonmail.ch', 'proton'],
    ['mailsec.protonmail.ch', 'proton'],
    ['in1-smtp.messagingengine.com', 'fastmail'],
    ['mx.zoho.eu', 'zoho'],
    ['mx2.zoho.com.au', 'zoho'],
    ['mx0a-001234.pphosted.com', 'proofpoint'],
    ['mx1-us1.ppe-hosted.com', 'proofpoint'],
    ['eu-smtp-inbound-1.mimecast.com', 'mimecast'],
    ['d123456a.ess.barracudanetworks.com', 'barracuda'],
    ['mx1.hc1234-56.iphmx.com', 'cisco'],
    ['mx00.emig.gmx.net', 'gmx-webde'],
    ['mx-ha03.web.de', 'gmx-webde'],
    ['inbound-smtp.us-east-1.amazonaws.com', 'amazon-ses'],
    ['ASPMX.L.GOOGLE.COM.', 'google'],
  ])('%s belongs to %s', (host, id) => {
    expect(providerForHost(host)?.id).toBe(id);
  });

  it.each([
    'evilgoogle.com',
    'google.com.evil.example',
    'google.com', // the apex is not an MX host of anyone here
    'notyahoodns.net',
    'mail.protection.outlook.com.example',
    'ec2-192-0-2-1.compute-1.amazonaws.com',
    'inbound-smtp.amazonaws.com',
    'x.inbound-smtp.us-east-1.amazonaws.com',
    'mx.example.org',
    '',
  ])('%j is not a known provider (label-aligned matching)', (host) => {
    expect(providerForHost(host)).toBeUndefined();
  });

  it('returns facts without the pattern list', () => {
    const google = providerForHost('smtp.google.com');
    expect(google).toMatchObject({ id: 'google', acceptsStartTls: true, source: expect.stringMatching(/^https:\/\//) });
    expect(google).not.toHaveProperty('hosts');
  });
});

describe('providerForHosts', () => {
  it('one provider for every host', () => {
    expect(providerForHosts(['aspmx.l.google.com', 'alt1.aspmx.l.google.com'])).toMatchObject({ id: 'google', mixed: false });
  });

  it('all hosts known but different providers: the first host\'s provider, flagged mixed', () => {
    expect(providerForHosts(['mx0a-1.pphosted.com', 'contoso-com.mail.protection.outlook.com'])).toMatchObject({ id: 'proofpoint', mixed: true });
  });

  it('any unknown host, or no host, gives no provider', () => {
    expect(providerForHosts(['aspmx.l.google.com', 'backup.example.org'])).toBeUndefined();
    expect(providerForHosts([])).toBeUndefined();
  });
});

describe('table', () => {
  it('every entry has an id, a name, an https source and well-formed patterns', () => {
    const ids = new Set<string>();
    for (const entry of PROVIDERS) {
      expect(ids.has(entry.id)).toBe(false);
      ids.add(entry.id);
      expect(entry.source).toMatch(/^https:\/\/[^\s]+$/);
      expect(entry.hosts.length).toBeGreaterThan(0);
      for (const pattern of entry.hosts) {
        expect(pattern).toMatch(/^\.?(?:(?:[a-z0-9-]+|\*)\.)+[a-z0-9-]+$/);
        // A suffix pattern needs at least two labels: never a bare TLD.
        if (pattern.startsWith('.')) expect(pattern.slice(1).split('.').length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('hostMatchesPattern: `*` is exactly one label', () => {
    expect(hostMatchesPattern('a.b.example', 'a.*.example')).toBe(true);
    expect(hostMatchesPattern('a.b.c.example', 'a.*.example')).toBe(false);
    expect(hostMatchesPattern('a..example', 'a.*.example')).toBe(false);
  });
});

describe('SENDERS', () => {
  it('records the known sender capabilities with sources', () => {
    expect(SENDERS.gmail).toMatchObject({ mtaSts: true, dane: false });
    expect(SENDERS.microsoft).toMatchObject({ mtaSts: true, dane: true });
    expect(SENDERS.yahoo).toMatchObject({ mtaSts: false, dane: false });
    expect(SENDERS.none).toMatchObject({ mtaSts: false, dane: false });
    for (const id of ['gmail', 'microsoft', 'yahoo'] as const) expect(SENDERS[id].source).toMatch(/^https:\/\//);
  });
});
