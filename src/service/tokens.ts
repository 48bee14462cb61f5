// Organisation tokens (docs/lookup-service.md "Tokens"). One token a line in the tokens file;
// blank lines and # comments are skipped; at most two at once, for rotation. A token is an
// organisation key pushed to every seat by managed policy (visible at chrome://policy), not a
// personal secret: it keeps the internet out, it does not identify anyone.
//
// Only SHA-256 digests are kept, and a presented token is compared with every digest using
// timingSafeEqual, without stopping at the first match: the time taken says nothing about which
// or how many bytes matched.
import { createHash, timingSafeEqual } from 'node:crypto';

export const MAX_TOKENS = 2;
export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 256;
const TOKEN = /^[\x21-\x7e]+$/;

export type TokensResult = { ok: true; tokens: string[] } | { ok: false; error: string };

export function parseTokens(text: string): TokensResult {
  const tokens = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens.length === 0) return { ok: false, error: 'the tokens file holds no token' };
  if (tokens.length > MAX_TOKENS) return { ok: false, error: `the tokens file holds ${tokens.length} tokens; at most ${MAX_TOKENS} (the current one and the next, while rotating)` };
  for (const [i, token] of tokens.entries()) {
    if (!TOKEN.test(token)) return { ok: false, error: `token ${i + 1} contains spaces or characters outside printable ASCII` };
    if (token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH) {
      return { ok: false, error: `token ${i + 1} has ${token.length} characters; use ${MIN_TOKEN_LENGTH}-${MAX_TOKEN_LENGTH} (e.g. openssl rand -base64 32)` };
    }
  }
  return { ok: true, tokens };
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export type TokenVerdict = { ok: true; id: string } | { ok: false };

export interface TokenCheck {
  /** `authorization` is the header as received (or undefined). */
  verify(authorization: string | undefined): TokenVerdict;
  readonly count: number;
}

export function createTokenCheck(tokens: readonly string[]): TokenCheck {
  const known = tokens.map((token) => ({ digest: digest(token), id: digest(`id:${token}`).toString('hex').slice(0, 8) }));
  return {
    count: known.length,
    verify(authorization) {
      const match = /^Bearer[ ]+([\x21-\x7e]{1,1024})[ ]*$/i.exec(authorization ?? '');
      const presented = digest(match?.[1] ?? '');
      let id: string | undefined;
      for (const entry of known) {
        if (timingSafeEqual(entry.digest, presented) && match) id = entry.id;
      }
      return id === undefined ? { ok: false } : { ok: true, id };
    },
  };
}
