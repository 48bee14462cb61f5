// Trust a test CA the way a Linux desktop does: Chromium on Linux reads the user's NSS database
// at $HOME/.pki/nssdb (toolchain.md). Nothing like --ignore-certificate-errors: a certificate
// from another CA or for a wrong name must still fail.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeTempFile } from './tmp.ts';

const run = promisify(execFile);
const CERTUTIL = '/usr/bin/certutil';

/** Creates `$home/.pki/nssdb` (if needed) and adds `caPem` as a trusted TLS issuer ('C,,'). */
export async function trustCaForChromium(home: string, caPem: string, nickname = 'intransit-test-ca'): Promise<string> {
  const dbDir = join(home, '.pki', 'nssdb');
  await mkdir(dbDir, { recursive: true });
  const db = `sql:${dbDir}`;
  // -N fails if the database exists; a fresh HOME is the normal case, so only create when absent.
  const exists = await run(CERTUTIL, ['-d', db, '-L']).then(() => true, () => false);
  if (!exists) await run(CERTUTIL, ['-d', db, '-N', '--empty-password']);
  const caFile = writeTempFile('ca.pem', caPem);
  await run(CERTUTIL, ['-d', db, '-A', '-n', nickname, '-t', 'C,,', '-i', caFile]);
  return dbDir;
}
