// Does a decoded response answer the question it echoes? Every record of the answer section
// must belong to the question's name, or to the CNAME chain that starts there (RFC 1034 s3.6.2,
// s4.3.2; RFC 2181 s10.1), or be a DNAME above a name of the chain (RFC 6672 s3.4) or the RRSIG
// of such a record (RFC 4035 s3.1.1). Anything else is not "no records": it is a malformed
// answer, and the lookup failed (docs/decisions.md "Engine": malformed answers).
import type { Answer } from '@dnsquery/dns-packet';
import type { RRType } from '../types.ts';
import { RCODE_NXDOMAIN } from './codes.ts';
import { canonicalWireName } from './names.ts';
import type { DecodedResponse } from './wire.ts';

/** Longer chains are left to the resolver's own hop limit (doh.ts). */
const MAX_CHAIN = 32;

function shown(name: string): string {
  const text = name === '' ? '.' : name;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function isBelow(name: string, ancestor: string): boolean {
  return ancestor === '' ? name !== '' : name.length > ancestor.length && name.endsWith(`.${ancestor}`);
}

/** null when every answer record fits `qname`/`qtype`; otherwise why not, in one sentence. */
export function checkAnswerSection(message: DecodedResponse, qname: string, qtype: RRType): string | null {
  const answers: Answer[] = message.answers;
  const cnameAt = new Map<string, string>();
  for (const rr of answers) {
    if (rr.type !== 'CNAME' || qtype === 'CNAME') continue;
    const owner = canonicalWireName(rr.name);
    const target = typeof rr.data === 'string' ? canonicalWireName(rr.data) : '';
    const known = cnameAt.get(owner);
    if (known !== undefined && known !== target) return `The answer has two different CNAME records for ${shown(owner)}.`;
    cnameAt.set(owner, target);
  }

  const chain = [qname];
  const inChain = new Set(chain);
  let final = qname;
  for (let next = cnameAt.get(final); next !== undefined; next = cnameAt.get(final)) {
    // A loop or an overlong chain is reported by the resolver's own walk (doh.ts).
    if (inChain.has(next) || chain.length > MAX_CHAIN) return null;
    chain.push(next);
    inChain.add(next);
    final = next;
  }

  const dnameOwners = new Set<string>();
  for (const rr of answers) {
    if (rr.type !== 'DNAME') continue;
    const owner = canonicalWireName(rr.name);
    if (!chain.some((name) => isBelow(name, owner))) return `The answer has a DNAME record for ${shown(owner)}, which is above no name of the question's chain.`;
    dnameOwners.add(owner);
  }

  for (const rr of answers) {
    const owner = canonicalWireName(rr.name);
    const type = String(rr.type);
    if (type === qtype) {
      if (owner === final) continue;
      return inChain.has(owner)
        ? `The answer has both a CNAME and ${qtype} records for ${shown(owner)}.`
        : `The answer has a ${qtype} record for ${shown(owner)}, which does not answer the question (${shown(qname)} ${qtype}).`;
    }
    if (type === 'CNAME' && cnameAt.has(owner) && inChain.has(owner)) continue;
    if (type === 'DNAME') continue;
    if (type === 'RRSIG' && (inChain.has(owner) || dnameOwners.has(owner))) continue;
    return `The answer has a ${type.slice(0, 16)} record for ${shown(owner)}, which does not answer the question (${shown(qname)} ${qtype}).`;
  }

  if (message.rcode === RCODE_NXDOMAIN && answers.some((rr) => rr.type === qtype)) {
    return `The answer says ${shown(final)} does not exist, yet carries ${qtype} records for it.`;
  }
  return null;
}
