// The source archive's README (scripts/package.ts) says exactly what to run, and what it says
// works in the unpacked archive: `npm run package` there writes the two store zips (no git).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnpackedSourceArchive, packageExtension, sourceReadme } from '../../../scripts/package.ts';
import { makeTempDir, removeTempDir } from '../../support/tmp.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) removeTempDir(d); });

function unpackedArchive(): string {
  const root = makeTempDir('source-archive-');
  dirs.push(root);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'intransit', version: '1.2.3', engines: { node: '>=20' } }));
  writeFileSync(join(root, 'SOURCE-README.md'), sourceReadme('1.2.3', 'abc', '>=20'));
  for (const browser of ['chrome', 'firefox']) {
    mkdirSync(join(root, 'dist', browser), { recursive: true });
    writeFileSync(join(root, 'dist', browser, 'manifest.json'), JSON.stringify({ manifest_version: 3, version: '1.2.3', ...(browser === 'chrome' ? { key: 'K' } : {}) }));
  }
  return root;
}

describe('SOURCE-README.md', () => {
  const readme = sourceReadme('1.2.3', '0123abcd', '>=20');
  it('gives the commands and what each output holds, including the one difference of the Chrome zip', () => {
    expect(readme).toContain('    npm ci\n    npm run build\n');
    expect(readme).toContain('    npm run package\n');
    expect(readme).toMatch(/dist\/firefox: the Firefox add-on, file for file the contents of\s+intransit-firefox-1\.2\.3\.zip/);
    expect(readme).toMatch(/manifest\.json has no `key` field/);
    expect(readme).toContain('0123abcd');
  });
});

describe('npm run package in an unpacked source archive', () => {
  it('is recognised as one, and writes the two store zips without git', async () => {
    const root = unpackedArchive();
    expect(isUnpackedSourceArchive(root)).toBe(true);
    const out = join(root, 'artifacts');
    const result = await packageExtension({ root, dist: join(root, 'dist'), out, ref: 'HEAD' });
    expect(result.files.map((f) => f.name)).toEqual(['intransit-chrome-1.2.3.zip', 'intransit-firefox-1.2.3.zip']);
    expect(result.warnings.join('\n')).toMatch(/not a git checkout/);
    expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('is not taken for one in the repository itself', () => {
    expect(isUnpackedSourceArchive(process.cwd())).toBe(false);
  });
});
