// The deployment files (deploy/) cannot run here (no container engine, no systemd in CI), so they
// are checked as text: every INTRANSIT_* variable and every serve flag they use exists in the
// configuration schema, and the configuration they describe is accepted by it. The docs name
// every option.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_OPTIONS, parseConfig } from '../../../src/service/config.ts';

const ROOT = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const KNOWN_ENV = new Set<string>(CONFIG_OPTIONS.map((o) => o.env));
const KNOWN_FLAGS = new Set<string>(CONFIG_OPTIONS.map((o) => o.flag));
// Files the configuration points at are only named, not read, by parseConfig.

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml')) as { services: Record<string, { environment?: Record<string, string>; command?: string[]; image?: string }> };
  const service = compose.services.intransit!;

  it('uses only variables and flags the service knows, and describes a configuration it accepts', () => {
    const env = service.environment ?? {};
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const name of Object.keys(env)) expect(KNOWN_ENV.has(name), name).toBe(true);
    const argv = service.command ?? [];
    for (const arg of argv.filter((a) => a.startsWith('--'))) expect(KNOWN_FLAGS.has(arg.split('=')[0] as string), arg).toBe(true);
    const config = parseConfig(argv, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));
    expect(config).toMatchObject({ listen: { host: '0.0.0.0', port: 8460 }, redis: 'redis://valkey:6379', tokensFile: '/run/secrets/intransit_tokens' });
  });

  it('keeps Valkey without persistence and every container unprivileged and read-only', () => {
    const valkey = compose.services.valkey as unknown as { command: string[]; read_only: boolean };
    expect(valkey.command.join(' ')).toMatch(/--save\s+--appendonly no/);
    for (const name of ['valkey', 'intransit']) {
      const s = compose.services[name] as unknown as { read_only: boolean; cap_drop: string[]; security_opt: string[] };
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.security_opt).toContain('no-new-privileges:true');
    }
  });
});

describe('deploy/Containerfile', () => {
  const text = read('deploy/Containerfile');

  it('sets only known variables, runs serve as non-root from the bundle, and says it is not run here', () => {
    const envBlock = [...text.matchAll(/^ENV\s+((?:.*\\\n)*.*)$/gm)].map((m) => m[1]).join(' ');
    const names = [...envBlock.matchAll(/(INTRANSIT_[A-Z_]+)=/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(KNOWN_ENV.has(name), name).toBe(true);
    const env = Object.fromEntries([...envBlock.matchAll(/(INTRANSIT_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(parseConfig([], env).listen).toEqual({ host: '0.0.0.0', port: 8460 });
    expect(text).toMatch(/^ENTRYPOINT \[.*bin\/intransit\.mjs", "serve"\]$/m);
    expect(text).toMatch(/^USER nonroot$/m);
    expect(text).toMatch(/NOT RUN in this project's CI/);
  });
});

describe('deploy/intransit.service (systemd)', () => {
  const text = read('deploy/intransit.service');

  it('sets only known variables, with values the service accepts, and runs serve', () => {
    const env: Record<string, string> = {};
    for (const m of text.matchAll(/^#?Environment=(INTRANSIT_[A-Z_]+)=(.*)$/gm)) {
      expect(KNOWN_ENV.has(m[1] as string), m[1]).toBe(true);
      if (!m[0].startsWith('#')) env[m[1] as string] = (m[2] as string).replace(/^"|"$/g, '');
    }
    expect(parseConfig([], env)).toMatchObject({ listen: { host: '127.0.0.1', port: 8460 }, name: 'Example Org', tokensFile: '/etc/intransit/tokens' });
    expect(text).toMatch(/^ExecStart=.* serve$/m);
    expect(text).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  });
});

describe('docs/lookup-service.md', () => {
  const docs = read('docs/lookup-service.md');

  it('names every flag and variable of the configuration', () => {
    for (const option of CONFIG_OPTIONS) {
      expect(docs, option.flag).toContain(`\`${option.flag}`);
      expect(docs, option.env).toContain(`\`${option.env}\``);
    }
  });
});
