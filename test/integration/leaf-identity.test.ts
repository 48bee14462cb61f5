// src/node/leaf-identity.ts: during the TLS handshake the server name is checked on the leaf
// certificate alone (no detailed chain), with the same outcome; afterwards the socket's
// getPeerCertificate is its own again. Real TLS on loopback, certificates from the test CA.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { checkServerIdentity, connect, createServer as createTlsServer, type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafOnlyDuringHandshake } from '../../src/node/leaf-identity.ts';
import { createTestCa, issueCertificate, type TestCa } from '../support/ca.ts';

let ca: TestCa;
let server: ReturnType<typeof createTlsServer>;
let port: number;

beforeAll(async () => {
  ca = await createTestCa();
  const leaf = await issueCertificate(ca, { dnsNames: ['mta-sts.good.test'] });
  server = createTlsServer({ key: leaf.key, cert: leaf.cert + ca.certPem }, (socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server as unknown as Server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server?.close();
});

/** Connects with the helper installed; records what the name check was handed. */
function handshake(servername: string): Promise<{ socket: TLSSocket | null; error: Error | null; checked: PeerCertificate[] }> {
  const checked: PeerCertificate[] = [];
  const socket = connect({
    host: '127.0.0.1', port, servername, ca: ca.certPem,
    checkServerIdentity: (name, cert) => {
      checked.push(cert);
      return checkServerIdentity(name, cert);
    },
  });
  leafOnlyDuringHandshake(socket);
  return new Promise((resolve) => {
    socket.once('secureConnect', () => resolve({ socket, error: null, checked }));
    socket.once('error', (error) => resolve({ socket: null, error, checked }));
  });
}

describe('leafOnlyDuringHandshake', () => {
  it('checks the name on the leaf alone and accepts the right name', async () => {
    const { socket, error, checked } = await handshake('mta-sts.good.test');
    expect(error).toBeNull();
    expect(checked).toHaveLength(1);
    expect(checked[0]?.subjectaltname).toBe('DNS:mta-sts.good.test');
    // The leaf alone: no issuer chain was built for the check.
    expect(checked[0]).not.toHaveProperty('issuerCertificate');
    // After the handshake the socket's own method answers again, chain included.
    const detailed = socket!.getPeerCertificate(true);
    expect(detailed.issuerCertificate?.subject.CN).toBe(ca.name);
    socket!.destroy();
  });

  it('still refuses a certificate for another name', async () => {
    const { error, checked } = await handshake('mta-sts.other.test');
    expect(checked).toHaveLength(1);
    expect((error as NodeJS.ErrnoException | null)?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('leaves a socket whose handshake fails without the override', async () => {
    const plain = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const socket = connect({ host: '127.0.0.1', port: (plain.address() as AddressInfo).port, servername: 'x.test', ca: ca.certPem });
    const own = socket.getPeerCertificate;
    leafOnlyDuringHandshake(socket);
    expect(socket.getPeerCertificate).not.toBe(own);
    const errored = new Promise((resolve) => socket.once('error', resolve));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(await errored).toBeInstanceOf(Error);
    expect(socket.getPeerCertificate).toBe(own);
    plain.close();
  });
});
