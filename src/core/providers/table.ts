// Large mail providers and filtering gateways, recognised by the host names of their MX
// records, with what each does as a RECEIVER. Facts only; what they are worth is decided by
// the verdict code (a provider can lift `unverified` to `encrypted`, never to `protected`:
// accepting STARTTLS says nothing about a sender being unable to downgrade it).
//
// Host patterns (matched against lower-case A-label MX host names, no trailing dot):
// - `.example.com`  any host BELOW example.com (one label or more): label-aligned, so
//                   `.google.com` matches `smtp.google.com` but never `evilgoogle.com`;
// - `a.*.example.com` a `*` label stands for exactly one label;
// - anything else   that exact host name.
// Only suffixes the provider alone controls are listed: never a shared hosting suffix such as
// `.amazonaws.com`, where customers run their own servers (ec2-*.compute-1.amazonaws.com).

export interface ProviderInfo {
  id: string;
  name: string;
  /** Public page where the MX host names (and the facts below) can be checked. */
  source: string;
  /** Every listed provider offers STARTTLS on its MX hosts. */
  acceptsStartTls: boolean;
  /** A mailbox provider, or a filtering gateway in front of another mail system. */
  kind: 'mailbox' | 'gateway';
  /**
   * Informational only: what the provider publishes for its OWN mail domains (gmail.com,
   * outlook.com, ...), not for customer domains. Absent = not recorded here.
   */
  ownDomains?: { mtaSts?: boolean; dane?: boolean };
}

export interface ProviderEntry extends ProviderInfo {
  hosts: readonly string[];
}

export const PROVIDERS: readonly ProviderEntry[] = [
  {
    id: 'google',
    name: 'Google (Gmail / Google Workspace)',
    kind: 'mailbox',
    // aspmx.l.google.com, alt1-4.aspmx.l.google.com, smtp.google.com (since 2023),
    // aspmx2-5.googlemail.com; gmail.com itself uses gmail-smtp-in.l.google.com.
    hosts: ['.google.com', '.googlemail.com'],
    source: 'https://support.google.com/a/answer/174125',
    acceptsStartTls: true,
    // gmail.com publishes an MTA-STS policy; Google does not sign its zones with DNSSEC.
    ownDomains: { mtaSts: true, dane: false },
  },
  {
    id: 'microsoft-365',
    name: 'Microsoft 365 (Exchange Online)',
    kind: 'mailbox',
    // <tenant>.mail.protection.outlook.com; the DNSSEC/DANE-enabled hosts are
    // <tenant>.<x>.mx.microsoft (https://learn.microsoft.com/en-us/purview/how-smtp-dane-works).
    hosts: ['.mail.protection.outlook.com', '.mx.microsoft'],
    source: 'https://learn.microsoft.com/en-us/microsoft-365/enterprise/external-domain-name-system-records',
    acceptsStartTls: true,
  },
  {
    id: 'outlook-com',
    name: 'Outlook.com (Hotmail, Live)',
    kind: 'mailbox',
    // outlook-com.olc.protection.outlook.com, hotmail-com.olc.protection.outlook.com ...; the
    // consumer service's own postmaster site lives under the same name.
    hosts: ['.olc.protection.outlook.com'],
    source: 'https://sendersupport.olc.protection.outlook.com/pm/',
    acceptsStartTls: true,
  },
  {
    id: 'yahoo',
    name: 'Yahoo Mail (and AOL)',
    kind: 'mailbox',
    // mta5.am0.yahoodns.net, mx-aol.mail.gm0.yahoodns.net, mx-biz.mail.am0.yahoodns.net;
    // Yahoo Business Mail: mx1.biz.mail.yahoo.com.
    hosts: ['.yahoodns.net', '.biz.mail.yahoo.com'],
    source: 'https://suped.com/email-deliverability/answers/what-are-the-current-yahoo-mail-server-names-and-infrastructure',
    acceptsStartTls: true,
  },
  {
    id: 'icloud',
    name: 'Apple iCloud Mail',
    kind: 'mailbox',
    // mx01.mail.icloud.com, mx02.mail.icloud.com (also for iCloud+ custom domains).
    hosts: ['.mail.icloud.com'],
    source: 'https://www.suped.com/email-deliverability/answers/how-do-i-set-up-and-use-custom-email-domains-with-icloud-and-what-are-common-issues-with-it',
    acceptsStartTls: true,
  },
  {
    id: 'proton',
    name: 'Proton Mail',
    kind: 'mailbox',
    // mail.protonmail.ch, mailsec.protonmail.ch.
    hosts: ['.protonmail.ch'],
    source: 'https://proton.me/support/custom-domain',
    acceptsStartTls: true,
    // Signed zone with TLSA on both MX hosts (https://domaincheckup.net/domain/proton.me).
    ownDomains: { dane: true },
  },
  {
    id: 'fastmail',
    name: 'Fastmail',
    kind: 'mailbox',
    // in1-smtp.messagingengine.com, in2-smtp.messagingengine.com.
    hosts: ['.messagingengine.com'],
    source: 'https://www.fastmail.help/hc/en-us/articles/360060591153',
    acceptsStartTls: true,
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    kind: 'mailbox',
    // mx.zoho.com, mx2.zoho.com, mx3.zoho.com and the same names per data centre.
    hosts: ['.zoho.com', '.zoho.eu', '.zoho.in', '.zoho.com.au', '.zoho.jp', '.zohocloud.ca', '.zoho.sa', '.zoho.com.cn'],
    source: 'https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html',
    acceptsStartTls: true,
  },
  {
    id: 'gmx-webde',
    name: 'GMX / WEB.DE',
    kind: 'mailbox',
    // mx00.emig.gmx.net, mx01.emig.gmx.net (gmx.de, gmx.net); mx-ha02.web.de, mx-ha03.web.de.
    hosts: ['.gmx.net', '.web.de'],
    source: 'https://en.internet.nl/mail/gmx.de/51094/',
    acceptsStartTls: true,
    // GMX and WEB.DE have published TLSA records for their MX hosts since 2014.
    ownDomains: { dane: true },
  },
  {
    id: 'proofpoint',
    name: 'Proofpoint',
    kind: 'gateway',
    // mx0a-<id>.pphosted.com (enterprise); mx1-us1.ppe-hosted.com (Proofpoint Essentials).
    hosts: ['.pphosted.com', '.ppe-hosted.com'],
    source: 'https://www.captaindns.com/en/blog/proofpoint-secure-email-gateway',
    acceptsStartTls: true,
  },
  {
    id: 'mimecast',
    name: 'Mimecast',
    kind: 'gateway',
    // us-smtp-inbound-1.mimecast.com, eu-smtp-inbound-1.mimecast.com,
    // za-smtp-inbound-1.mimecast.co.za, jer-smtp-inbound-1.mimecast-offshore.com.
    hosts: ['.mimecast.com', '.mimecast.co.za', '.mimecast-offshore.com'],
    source: 'https://www.spamresource.com/2024/02/isp-deliverability-guide-mimecast.html',
    acceptsStartTls: true,
  },
  {
    id: 'barracuda',
    name: 'Barracuda Email Gateway Defense',
    kind: 'gateway',
    // <customer-id>.ess.barracudanetworks.com (and regional ess.de., ess.uk. ...).
    hosts: ['.barracudanetworks.com'],
    source: 'https://www.captaindns.com/en/blog/barracuda-secure-email-gateway',
    acceptsStartTls: true,
  },
  {
    id: 'cisco',
    name: 'Cisco Secure Email',
    kind: 'gateway',
    // mx1.hc<nnnn>-<nn>.iphmx.com (Cloud Gateway, formerly IronPort).
    hosts: ['.iphmx.com'],
    source: 'https://www.captaindns.com/en/blog/cisco-secure-email-gateway',
    acceptsStartTls: true,
  },
  {
    id: 'amazon-ses',
    name: 'Amazon SES (inbound)',
    kind: 'mailbox',
    // inbound-smtp.<region>.amazonaws.com, e.g. inbound-smtp.us-west-2.amazonaws.com. Exact
    // names only: other *.amazonaws.com hosts are customers' own servers.
    hosts: ['inbound-smtp.*.amazonaws.com'],
    source: 'https://docs.aws.amazon.com/ses/latest/dg/receiving-email-mx-record.html',
    acceptsStartTls: true,
  },
];
