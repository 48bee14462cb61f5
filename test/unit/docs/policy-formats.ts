// Readers for the policy file formats of docs/policies/ (test helpers): the subset of JSON Schema
// Chrome's storage.managed_schema uses, Windows .reg files (Chrome's registry layout for
// extension policy: lists as subkeys with values "1", "2", …; booleans as DWORD), and Apple
// property lists (configuration profiles).

export interface Schema {
  type: 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'number';
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
}

/** Keywords Chrome's policy schema understands (components/policy/core/common/schema.cc). We use a safe subset. */
export const USED_KEYWORDS = new Set(['type', 'title', 'description', 'properties', 'items', 'enum']);

/** Every place where `value` does not fit `schema`: unknown keys, wrong types, values outside enum. */
export function validate(value: unknown, schema: Schema, path = '$'): string[] {
  const errors: string[] = [];
  const typeOk = (() => {
    switch (schema.type) {
      case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
      case 'array': return Array.isArray(value);
      case 'string': return typeof value === 'string';
      case 'boolean': return typeof value === 'boolean';
      case 'integer': return Number.isInteger(value);
      case 'number': return typeof value === 'number';
    }
  })();
  if (!typeOk) return [`${path}: expected ${schema.type}, got ${JSON.stringify(value)}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.type === 'object') {
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = schema.properties?.[key];
      if (!sub) errors.push(`${path}.${key}: unknown key`);
      else errors.push(...validate(v, sub, `${path}.${key}`));
    }
  }
  if (schema.type === 'array' && schema.items) {
    (value as unknown[]).forEach((v, i) => errors.push(...validate(v, schema.items as Schema, `${path}[${i}]`)));
  }
  return errors;
}

/** Every keyword used anywhere in a schema. */
export function keywords(schema: Schema): string[] {
  const out = Object.keys(schema);
  for (const sub of Object.values(schema.properties ?? {})) out.push(...keywords(sub));
  if (schema.items) out.push(...keywords(schema.items));
  return out;
}

// ----- Windows .reg ---------------------------------------------------------------------------

export type RegValue = string | number;
export interface RegKey { values: Record<string, RegValue>; subkeys: Record<string, RegKey> }

/** Parse a REGEDIT4/5 file into a tree of keys (string values and dwords only). */
export function parseReg(text: string): RegKey {
  const root: RegKey = { values: {}, subkeys: {} };
  let current: RegKey | null = null;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0] !== 'Windows Registry Editor Version 5.00') throw new Error('not a .reg file (version 5.00 header)');
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith(';')) continue;
    const key = /^\[(.+)\]$/.exec(line);
    if (key) {
      current = root;
      for (const part of (key[1] ?? '').split('\\')) {
        current.subkeys[part] ??= { values: {}, subkeys: {} };
        current = current.subkeys[part] as RegKey;
      }
      continue;
    }
    const value = /^"((?:[^"\\]|\\.)*)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))$/i.exec(line);
    if (!value || !current) throw new Error(`cannot read line: ${line}`);
    const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
    current.values[unescape(value[1] ?? '')] = value[3] !== undefined ? parseInt(value[3], 16) : unescape(value[2] ?? '');
  }
  return root;
}

export function regKeyAt(root: RegKey, path: string): RegKey | undefined {
  let k: RegKey | undefined = root;
  for (const part of path.split('\\')) k = k?.subkeys[part];
  return k;
}

/** Registry key -> JSON the way Chrome converts it with the schema (registry_dict.cc). */
export function regToJson(key: RegKey, schema: Schema): unknown {
  if (schema.type === 'array') {
    const indexes = Object.keys(key.values).sort((a, b) => Number(a) - Number(b));
    return indexes.map((i) => regValueToJson(key.values[i] as RegValue, schema.items as Schema));
  }
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(key.values)) out[name] = regValueToJson(v, schema.properties?.[name] ?? { type: 'string' });
  for (const [name, sub] of Object.entries(key.subkeys)) out[name] = regToJson(sub, schema.properties?.[name] ?? { type: 'object' });
  return out;
}

function regValueToJson(v: RegValue, schema: Schema): unknown {
  if (schema.type === 'boolean' && typeof v === 'number') return v !== 0;
  return v;
}

// ----- Apple property lists -----------------------------------------------------------------

/** Parse an XML plist (dict, array, string, integer, true, false; comments and the DOCTYPE skipped). */
export function parsePlist(xml: string): unknown {
  const tokens = xml
    .replace(/<\?xml[^>]*\?>/, '')
    .replace(/<!DOCTYPE[^>]*>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .match(/<[^>]+>|[^<]+/g)
    ?.filter((tk) => tk.trim() !== '') ?? [];
  let i = 0;
  const next = () => tokens[i++] ?? '';
  const text = (close: string): string => {
    const value = tokens[i]?.startsWith('<') ? '' : next();
    if (next() !== close) throw new Error(`expected ${close}`);
    return value.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  };
  function value(): unknown {
    const tag = next();
    switch (tag) {
      case '<dict>': {
        const out: Record<string, unknown> = {};
        while (tokens[i] !== '</dict>') {
          if (next() !== '<key>') throw new Error('expected <key>');
          const k = text('</key>');
          out[k] = value();
        }
        i++;
        return out;
      }
      case '<array>': {
        const out: unknown[] = [];
        while (tokens[i] !== '</array>') out.push(value());
        i++;
        return out;
      }
      case '<string>': return text('</string>');
      case '<integer>': return Number(text('</integer>'));
      case '<true/>': return true;
      case '<false/>': return false;
      default: throw new Error(`unexpected ${tag}`);
    }
  }
  if (next() !== '<plist version="1.0">') throw new Error('not a plist');
  const result = value();
  if (next() !== '</plist>') throw new Error('expected </plist>');
  return result;
}
