// What a SENDING provider is known to honour, for the verdict's sender awareness ("protected,
// if your provider honours MTA-STS"). Facts with sources; unknown means false.

import type { SenderCapabilities } from '../types.ts';

export type SenderId = 'gmail' | 'microsoft' | 'yahoo' | 'none';

export const SENDERS: Readonly<Record<SenderId, SenderCapabilities & { name: string; source: string }>> = {
  gmail: {
    name: 'Gmail / Google Workspace',
    // "Gmail messages from your domain comply with MTA-STS when sent to external servers with an
    // MTA-STS policy in enforced mode." Google documents no DANE support for outbound mail.
    mtaSts: true,
    dane: false,
    source: 'https://support.google.com/a/answer/9261504',
  },
  microsoft: {
    name: 'Microsoft 365 (Exchange Online)',
    // Outbound DANE with DNSSEC rolled out from February 2022 (source below). Outbound MTA-STS
    // for all Exchange Online mail since the same month:
    // https://techcommunity.microsoft.com/t5/exchange-team-blog/introducing-mta-sts-for-exchange-online/ba-p/3106386
    mtaSts: true,
    dane: true,
    source: 'https://techcommunity.microsoft.com/t5/exchange-team-blog/releasing-outbound-smtp-dane-with-dnssec/ba-p/3100920',
  },
  yahoo: {
    name: 'Yahoo Mail',
    // No public statement found that Yahoo's outbound servers enforce MTA-STS or DANE; Yahoo's
    // sender pages cover authentication (SPF, DKIM, DMARC) only. Unknown is treated as "no".
    mtaSts: false,
    dane: false,
    source: 'https://senders.yahooinc.com/best-practices/',
  },
  none: {
    name: 'Unknown sending provider',
    // Nothing is known about the sender: assume it honours neither mechanism.
    mtaSts: false,
    dane: false,
    source: '',
  },
};
