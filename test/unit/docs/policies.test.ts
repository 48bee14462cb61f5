// The admin documentation's example policy files (docs/policies/) are real: each is valid
// against public/managed_schema.json (every key known, every type right), covers every setting,
// passes the extension's own validation without a diagnostic, names the extension ID
// (keys/EXTENSION_ID.txt) or the gecko id (manifest.config.ts), and all of them say the same.
// The schema itself covers exactly the settings of src/shared/settings.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GECKO_ID } from '../../../manifest.config.ts';
import { mergeSettings } from '../../../src/shared/settings-merge.ts';
import { SETTING_KEYS } from '../../../src/shared/settings.ts';
import { ROOT } from '../background/locale-fixture.ts';
import {
  keywords, parsePlist, parseReg, regKeyAt, regToJson, USED_KEYWORDS, validate, type RegKey, type Schema,
} from './policy-formats.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const json = (path: string) => JSON.parse(read(path)) as Record<string, unknown>;
const schema = json('public/managed_schema.json') as unknown as Schema;
const EXTENSION_ID = read('keys/EXTENSION_ID.txt').trim();
const POLICIES = 'docs/policies';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return v as Obj;
};

/** The settings object each example file carries, extracted the way the browser reads it. */
const EXAMPLES: Record<string, () => unknown> = {
  'chromium-linux.json': () => {
    const file = json(`${POLICIES}/chromium-linux.json`);
    expect(Object.keys(obj(file.ExtensionSettings))).toEqual([EXTENSION_ID]);
    const extensions = obj(obj(file['3rdparty']).extensions);
    expect(Object.keys(extensions)).toEqual([EXTENSION_ID]);
    return extensions[EXTENSION_ID];
  },
  'edge-linux.json': () => {
    const extensions = obj(obj(json(`${POLICIES}/edge-linux.json`)['3rdparty']).extensions);
    expect(Object.keys(extensions)).toEqual([EXTENSION_ID]);
    return extensions[EXTENSION_ID];
  },
  'google-admin.json': () => {
    // The Admin console's "Policy for extensions" field: every key wraps its value in {"Value": …}.
    const file = json(`${POLICIES}/google-admin.json`);
    return Object.fromEntries(Object.entries(file).map(([k, v]) => {
      expect(Object.keys(obj(v))).toEqual(['Value']);
      return [k, obj(v).Value];
    }));
  },
  'firefox-policies.json': () => {
    const policies = obj(json(`${POLICIES}/firefox-policies.json`).policies);
    expect(Object.keys(obj(policies.ExtensionSettings))).toEqual([GECKO_ID]);
    const extensions = obj(obj(policies['3rdparty']).Extensions);
    expect(Object.keys(extensions)).toEqual([GECKO_ID]);
    return extensions[GECKO_ID];
  },
  'chrome-windows.reg': () => fromReg('chrome-windows.reg', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome'),
  'edge-windows.reg': () => fromReg('edge-windows.reg', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge'),
  'chrome-macos.mobileconfig': () => {
    const profile = obj(parsePlist(read(`${POLICIES}/chrome-macos.mobileconfig`)));
    expect(profile.PayloadType).toBe('Configuration');
    const payloads = (profile.PayloadContent as unknown[]).map(obj);
    // Chrome on macOS reads an extension's policy from the preference domain
    // com.google.Chrome.extensions.<ID> (not from a 3rdparty key).
    expect(payloads.map((p) => p.PayloadType)).toEqual([`com.google.Chrome.extensions.${EXTENSION_ID}`]);
    return Object.fromEntries(Object.entries(payloads[0] ?? {}).filter(([k]) => !k.startsWith('Payload')));
  },
};

function fromReg(file: string, browserKey: string): unknown {
  const root = parseReg(read(`${POLICIES}/${file}`));
  const extensions = regKeyAt(root, `${browserKey}\\3rdparty\\extensions`);
  expect(Object.keys(extensions?.subkeys ?? {})).toEqual([EXTENSION_ID]);
  const policy = regKeyAt(root, `${browserKey}\\3rdparty\\extensions\\${EXTENSION_ID}\\policy`);
  if (!policy) throw new Error(`${file}: no policy key`);
  // Nothing else in the file: every key lies under the extension's policy key.
  const paths: string[] = [];
  const walk = (k: RegKey, path: string) => {
    if (Object.keys(k.values).length) paths.push(path);
    for (const [name, sub] of Object.entries(k.subkeys)) walk(sub, path ? `${path}\\${name}` : name);
  };
  walk(root, '');
  for (const p of paths) expect(p.startsWith(`${browserKey}\\3rdparty\\extensions\\${EXTENSION_ID}\\policy`)).toBe(true);
  return regToJson(policy, schema);
}

describe('public/managed_schema.json', () => {
  it('is an object schema whose properties are exactly the settings', () => {
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual([...SETTING_KEYS]);
    // Chrome: the top level may not have additionalProperties; each schema has one type.
    expect(schema).not.toHaveProperty('additionalProperties');
  });

  it('uses only keywords Chrome understands, and gives every property a type, title and description', () => {
    for (const k of keywords(schema)) expect(USED_KEYWORDS.has(k), k).toBe(true);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      expect(typeof sub.type, key).toBe('string');
      expect(sub.title, key).toBeTruthy();
      expect(sub.description, key).toBeTruthy();
    }
  });

  it('rejects what it should: unknown keys and wrong types', () => {
    expect(validate({ resolver: [] }, schema)).toEqual(['$.resolver: unknown key']);
    expect(validate({ resolvers: 'https://dns.google/dns-query' }, schema)).toHaveLength(1);
    expect(validate({ senderEnforces: { mtaSts: 'yes' } }, schema)).toHaveLength(1);
    expect(validate({ warnAtOrBelow: 'internal' }, schema)).toHaveLength(1);
    expect(validate({ lookupService: { url: 'https://intransit.example.org', tokens: ['x'] } }, schema)).toEqual(['$.lookupService.tokens: unknown key']);
    expect(validate({ lookupService: 'https://intransit.example.org' }, schema)).toHaveLength(1);
  });
});

describe('docs/policies example files', () => {
  const extracted = Object.fromEntries(Object.entries(EXAMPLES).map(([file, extract]) => [file, extract()]));

  it.each(Object.keys(EXAMPLES))('%s is valid against the managed schema and sets every setting', (file) => {
    const settings = extracted[file];
    expect(validate(settings, schema)).toEqual([]);
    expect(Object.keys(obj(settings)).sort()).toEqual([...SETTING_KEYS].sort());
  });

  it.each(Object.keys(EXAMPLES))('%s passes the extension\'s own validation with no diagnostic', (file) => {
    const merged = mergeSettings(extracted[file], {});
    expect(merged.issues).toEqual([]);
    expect(Object.values(merged.sources).every((s) => s === 'managed')).toBe(true);
  });

  it('all say the same thing', () => {
    const reference = extracted['chromium-linux.json'];
    for (const [file, settings] of Object.entries(extracted)) expect(settings, file).toEqual(reference);
  });
});

describe('docs/deploying.md', () => {
  const doc = read('docs/deploying.md');
  it('names the extension ID and the gecko id, and links every example file', () => {
    expect(doc).toContain(EXTENSION_ID);
    expect(doc).toContain(GECKO_ID);
    for (const file of Object.keys(EXAMPLES)) expect(doc).toContain(`policies/${file}`);
  });

  it('documents every setting', () => {
    for (const key of SETTING_KEYS) expect(doc).toContain(`\`${key}\``);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('docs/deploying.md');
  });
});
