// MX host -> known provider (label-aligned matching over the data in table.ts).

import { PROVIDERS, type ProviderEntry, type ProviderInfo } from './table.ts';

export { PROVIDERS, type ProviderEntry, type ProviderInfo } from './table.ts';
export { SENDERS, type SenderId } from './senders.ts';

/** True when `host` (lower-case A-labels) matches one pattern of the table's syntax. */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  if (pattern.startsWith('.')) return host.length > pattern.length && host.endsWith(pattern) && !host.startsWith('.');
  const hostLabels = host.split('.');
  const patternLabels = pattern.split('.');
  if (hostLabels.length !== patternLabels.length) return false;
  return patternLabels.every((label, i) => {
    const hostLabel = hostLabels[i] ?? '';
    return hostLabel !== '' && (label === '*' || label === hostLabel);
  });
}

function info(entry: ProviderEntry): ProviderInfo {
  const { hosts: _hosts, ...rest } = entry;
  return rest;
}

function clean(host: string): string {
  return typeof host === 'string' ? host.trim().toLowerCase().replace(/\.$/, '') : '';
}

/** The provider that operates this MX host, if it is a known one. */
export function providerForHost(host: string): ProviderInfo | undefined {
  const name = clean(host);
  if (name === '') return undefined;
  const entry = PROVIDERS.find((provider) => provider.hosts.some((pattern) => hostMatchesPattern(name, pattern)));
  return entry ? info(entry) : undefined;
}

/**
 * The provider for a domain's MX hosts (lowest preference first), only when EVERY host belongs
 * to a known provider: one unknown host could be the one a sender (or an attacker) picks.
 * - all hosts of one provider: that provider, `mixed: false`;
 * - all hosts known but of different providers (a gateway in front of Microsoft 365 as a
 *   backup MX, say): the provider of the FIRST host, `mixed: true`. Every listed provider
 *   accepts STARTTLS, so the "encrypted" conclusion holds for whichever host is used.
 * undefined for no hosts or any unknown host.
 */
export function providerForHosts(hosts: readonly string[]): (ProviderInfo & { mixed: boolean }) | undefined {
  if (hosts.length === 0) return undefined;
  const providers = hosts.map(providerForHost);
  const first = providers[0];
  if (!first || providers.some((provider) => provider === undefined || !provider.acceptsStartTls)) return undefined;
  return { ...first, mixed: providers.some((provider) => provider?.id !== first.id) };
}
