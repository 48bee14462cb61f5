// The proxy settings of a command-line tool come from the environment, as curl, wget, git and
// pip take them: https_proxy or HTTPS_PROXY (lower case first, as curl reads it), and no_proxy or
// NO_PROXY. Every connection the CLI makes is HTTPS, so http_proxy is not read. src/node takes
// the result as an explicit option and never reads the environment itself.
import { parseProxyUrl, type HttpProxyOptions } from '../node/proxy.ts';
import { escapeForTerminal } from './escape.ts';

function first(env: Readonly<Record<string, string | undefined>>, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') return { name, value };
  }
  return undefined;
}

/** The proxy option for the fetches, or undefined without one. Throws with a readable message on a bad proxy URL. */
export function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): HttpProxyOptions | undefined {
  const proxy = first(env, 'https_proxy', 'HTTPS_PROXY');
  if (!proxy) return undefined;
  let url: URL;
  try {
    url = parseProxyUrl(proxy.value);
  } catch (error) {
    throw new Error(`${proxy.name}: ${escapeForTerminal((error as Error).message)}`, { cause: error });
  }
  const noProxy = first(env, 'no_proxy', 'NO_PROXY');
  return noProxy ? { url, noProxy: noProxy.value } : { url };
}
