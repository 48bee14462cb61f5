// Test certificate authorities made at test time with @peculiar/x509 over Node's WebCrypto
// (ECDSA P-256, SHA-256). Nothing is checked in: every run gets new keys.
// A leaf carries what Chromium and Node insist on: subjectAltName (the CN is ignored),
// serverAuth EKU, digitalSignature key usage, and a CA with basicConstraints cA=TRUE.
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { writeTempFile } from './tmp.ts';

// @peculiar/x509 depends on tsyringe, which throws at load time unless a Reflect metadata
// polyfill is present, and no such package is installed. The three functions it calls are small
// enough to provide here; the library is then imported dynamically, after the polyfill exists.
installReflectMetadata();
/** The @peculiar/x509 module, loaded behind the polyfill: import it from here, not directly. */
export const x509: typeof X509 = await import('@peculiar/x509');

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

export interface TestCa {
  /** Subject common name of the CA. */
  name: string;
  /** The CA certificate, PEM. */
  certPem: string;
  /** The CA private key, PKCS#8 PEM (for tools that want to sign themselves). */
  keyPem: string;
  /** Writes the CA certificate to a temp file (once) and returns its path. */
  certFile(): string;
  /** @internal the signing keys. */
  readonly keys: CryptoKeyPair;
  /** @internal the parsed certificate (issuer name and key identifier for leaves). */
  readonly cert: X509.X509Certificate;
}

export interface IssueOptions {
  /** subjectAltName DNS names; wildcards like `*.example.test` are allowed. */
  dnsNames: string[];
  /** subjectAltName IP addresses (IPv4 or IPv6 literals). */
  ipAddresses?: string[];
  /** Validity from now (minus one hour of clock skew) in days; default 30. */
  validDays?: number;
  /** Explicit validity (overrides validDays). */
  notBefore?: Date;
  notAfter?: Date;
}

export interface IssuedCertificate {
  /** Leaf private key, PKCS#8 PEM. */
  key: string;
  /** Leaf certificate, PEM. */
  cert: string;
}

function toPem(der: ArrayBuffer, label: string): string {
  return x509.PemConverter.encode(der, label) + '\n';
}

function randomSerial(): string {
  // Positive 16-byte serial: clear the top bit so DER never reads it as negative.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Creates a self-signed root CA. Call it twice for "a certificate from another CA" tests. */
export async function createTestCa(name = 'InTransit Test CA'): Promise<TestCa> {
  const keys = await webcrypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${name}, O=InTransit tests`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certPem = cert.toString('pem') + '\n';
  const keyPem = toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  let file: string | undefined;
  return {
    name, certPem, keyPem, keys, cert,
    certFile: () => (file ??= writeTempFile('ca.pem', certPem)),
  };
}

/** Issues a TLS server certificate signed by `ca`. */
export async function issueCertificate(ca: TestCa, options: IssueOptions): Promise<IssuedCertificate> {
  const { dnsNames, ipAddresses = [] } = options;
  if (dnsNames.length === 0 && ipAddresses.length === 0) throw new Error('issueCertificate: no names');
  const keys = await webcrypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 3_600_000);
  const notAfter = options.notAfter ?? new Date(now + (options.validDays ?? 30) * DAY_MS);
  const commonName = dnsNames[0] ?? ipAddresses[0] ?? 'test';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${commonName}`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGN_ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return {
    key: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    cert: cert.toString('pem') + '\n',
  };
}

/** A certificate that expired yesterday (valid for 30 days before that). */
export function issueExpiredCertificate(ca: TestCa, options: Pick<IssueOptions, 'dnsNames' | 'ipAddresses'>): Promise<IssuedCertificate> {
  const now = Date.now();
  return issueCertificate(ca, { ...options, notBefore: new Date(now - 31 * DAY_MS), notAfter: new Date(now - DAY_MS) });
}

/** A certificate that becomes valid tomorrow (for 30 days). */
export function issueNotYetValidCertificate(ca: TestCa, options: Pick<IssueOptions, 'dnsNames' | 'ipAddresses'>): Promise<IssuedCertificate> {
  const now = Date.now();
  return issueCertificate(ca, { ...options, notBefore: new Date(now + DAY_MS), notAfter: new Date(now + 31 * DAY_MS) });
}

/** A leaf that signs itself (its own issuer, no CA): trusted by nobody. */
export async function issueSelfSignedCertificate(options: Pick<IssueOptions, 'dnsNames' | 'ipAddresses'>): Promise<IssuedCertificate> {
  const { dnsNames, ipAddresses = [] } = options;
  const keys = await webcrypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${dnsNames[0] ?? ipAddresses[0] ?? 'self-signed'}`,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 30 * DAY_MS),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  return {
    key: toPem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    cert: cert.toString('pem') + '\n',
  };
}

type MetadataStore = Map<string | symbol | undefined, Map<unknown, unknown>>;

function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect.getMetadata === 'function') return;
  const stores = new WeakMap<object, MetadataStore>();
  const own = (target: object, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined => {
    let store = stores.get(target);
    if (!store && create) stores.set(target, (store = new Map()));
    let map = store?.get(property);
    if (!map && create && store) store.set(property, (map = new Map()));
    return map;
  };
  reflect.defineMetadata = (key: unknown, value: unknown, target: object, property?: string | symbol) => {
    own(target, property, true)?.set(key, value);
  };
  reflect.getOwnMetadata = (key: unknown, target: object, property?: string | symbol) =>
    own(target, property, false)?.get(key);
  reflect.getMetadata = (key: unknown, target: object, property?: string | symbol) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t) as object | null) {
      const map = own(t, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}
