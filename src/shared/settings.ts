// User settings (storage.sync). A minimal schema for now: the DoH resolvers. The fuller settings
// (managed storage, thresholds, org domains) come with their own issue.
// Plain checks rather than valibot: the extension pages import this and stay small.

export const SETTINGS_KEY = 'settings';

/** RFC 8484 endpoints; their hosts are in the manifest's host_permissions. */
export const DEFAULT_RESOLVER_URLS: readonly string[] = ['https://cloudflare-dns.com/dns-query', 'https://dns.google/dns-query'];
export const MAX_RESOLVERS = 4;
const MAX_URL_LENGTH = 300;

export interface Settings {
  resolverUrls: string[];
}

export const DEFAULT_SETTINGS: Settings = { resolverUrls: [...DEFAULT_RESOLVER_URLS] };

/** An https URL without credentials or fragment: the only kind of DoH endpoint we accept. */
export function isResolverUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && !url.username && !url.password && !url.hash;
}

function isResolverList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length >= 1 && value.length <= MAX_RESOLVERS
    && value.every((u) => typeof u === 'string' && isResolverUrl(u));
}

/** Stored settings, falling back to the defaults for anything missing or invalid. */
export function parseSettings(raw: unknown): Settings {
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return { resolverUrls: isResolverList(stored.resolverUrls) ? [...stored.resolverUrls] : [...DEFAULT_SETTINGS.resolverUrls] };
}

/** Origin pattern a resolver URL needs in host permissions. */
export function originPattern(url: string): string {
  return `${new URL(url).origin}/*`;
}
