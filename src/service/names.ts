// Names the service never looks up (docs/lookup-service.md "SSRF defences"): special-use names,
// whose answers come from local or private resolution rather than from the public DNS, and the
// organisation's own internal zones (--refuse-domain). Looking them up could reach internal hosts
// (split-horizon resolvers) and can never describe a recipient on the internet.
//
// The list: the IANA Special-Use Domain Names registry (RFC 6761 s6: localhost, test, invalid,
// example; RFC 6762 local; RFC 7686 onion; RFC 8375 home.arpa; RFC 9476 alt), all of .arpa (no
// mail domain lives there), ICANN's private-use .internal (2024) and the TLDs ICANN will not
// delegate because of name collisions (corp, home, mail) plus the common router default lan.
// example.com/.net/.org stay allowed: they are public names in the public DNS.

export const SPECIAL_USE_SUFFIXES: readonly string[] = [
  'localhost',
  'test',
  'invalid',
  'example',
  'local',
  'onion',
  'alt',
  'arpa',
  'internal',
  'corp',
  'home',
  'mail',
  'lan',
];

export interface NamePolicy {
  /** Why `domain` (lower-case A-labels) is refused, or null when it may be looked up. */
  refusal(domain: string): 'special-use' | 'refused-by-configuration' | null;
}

function under(domain: string, suffix: string): boolean {
  return domain === suffix || domain.endsWith(`.${suffix}`);
}

/**
 * `allowSpecialUse` exists for the project's own tests, whose fixture zones are all .test; the
 * default refuses (test/unit/service/names.test.ts pins it).
 */
export function createNamePolicy(options: { refuse?: readonly string[]; allowSpecialUse?: boolean } = {}): NamePolicy {
  const refuse = options.refuse ?? [];
  const special = options.allowSpecialUse === true ? [] : SPECIAL_USE_SUFFIXES;
  return {
    refusal(domain) {
      if (refuse.some((suffix) => under(domain, suffix))) return 'refused-by-configuration';
      if (special.some((suffix) => under(domain, suffix))) return 'special-use';
      return null;
    },
  };
}
