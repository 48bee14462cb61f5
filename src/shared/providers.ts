// Which webmail a page belongs to, by origin. Used by the background to check that a content
// script message comes from the webmail it claims, and by the popup to know where it is.
import type { ProviderId } from './messages.ts';

/** Origins of each supported webmail (the manifest's content_scripts.matches follow these). */
export const PROVIDER_ORIGINS: Readonly<Record<ProviderId, readonly string[]>> = {
  gmail: ['https://mail.google.com'],
  outlook: [],
  yahoo: [],
};

export function providerForUrl(url: string | undefined | null): ProviderId | null {
  if (!url) return null;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return null;
  }
  for (const [id, origins] of Object.entries(PROVIDER_ORIGINS) as [ProviderId, readonly string[]][]) {
    if (origins.includes(origin)) return id;
  }
  return null;
}
