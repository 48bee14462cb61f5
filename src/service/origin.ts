// The origin gate (docs/lookup-service.md "Who may call it"). Browsers send Origin on every
// cross-origin request and on every POST; a web page cannot forge it. Allowed by default:
// - the extension's Chrome ID (fixed by the manifest key, README "Install");
// - any well-formed Firefox moz-extension:// origin: Firefox gives each install a random UUID,
//   and no web page can send that scheme;
// - the origins an organisation adds (--allow-origin), e.g. a store build with another ID.
// A request with any other Origin — `null` included — is refused before any work is done.
// A request without Origin (the CLI, curl, a server) passes the gate and still needs the token.
export const CHROME_EXTENSION_ORIGIN = 'chrome-extension://kojkdehamgggcacghdimajanhpnlpfpe';
const MOZ_EXTENSION_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OriginGate {
  allows(origin: string): boolean;
}

export function createOriginGate(extra: readonly string[] = []): OriginGate {
  const allowed = new Set([CHROME_EXTENSION_ORIGIN, ...extra]);
  return {
    allows: (origin) => allowed.has(origin) || MOZ_EXTENSION_ORIGIN.test(origin),
  };
}
