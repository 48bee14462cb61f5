// CRX3 writer and extension-ID helpers, with node:crypto only.
//
// Format (Chromium components/crx_file/crx3.proto and crx_verifier.cc):
//   "Cr24" | uint32 LE 3 | uint32 LE N | CrxFileHeader (N bytes, protobuf) | ZIP archive
//   CrxFileHeader { repeated AsymmetricKeyProof sha256_with_rsa = 2; bytes signed_header_data = 10000; }
//   AsymmetricKeyProof { bytes public_key = 1 (DER SubjectPublicKeyInfo); bytes signature = 2; }
//   SignedData { bytes crx_id = 1 (first 16 bytes of SHA-256 of the public key) }
// Every proof signs "CRX3 SignedData\x00" | uint32 LE len(signed_header_data) | signed_header_data | archive.
// The verifier checks RSA proofs as RSASSA-PKCS1-v1_5 with SHA-256 (crypto::SignatureVerifier::RSA_PKCS1_SHA256),
// despite the proto comment that says "PSS".
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

const MAGIC = Buffer.from('Cr24', 'ascii');
const CRX_VERSION = 3;
const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'binary');

/** DER SubjectPublicKeyInfo of a key (private or public). */
export function publicKeyDer(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' });
}

/** The 16 raw bytes Chromium calls crx_id: the first 128 bits of SHA-256 over the SPKI DER. */
export function crxIdBytes(spkiDer: Uint8Array): Buffer {
  return createHash('sha256').update(spkiDer).digest().subarray(0, 16);
}

/** Extension ID as Chromium shows it: hex of crx_id with digits 0-f mapped to letters a-p ("mpdecimal"). */
export function extensionIdFromCrxId(crxId: Uint8Array): string {
  let out = '';
  for (const byte of crxId) {
    out += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 0x0f));
  }
  return out;
}

export function extensionIdFromPublicKey(spkiDer: Uint8Array): string {
  return extensionIdFromCrxId(crxIdBytes(spkiDer));
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** One length-delimited protobuf field (wire type 2). */
function bytesField(fieldNumber: number, value: Uint8Array): Buffer {
  return Buffer.concat([varint(fieldNumber * 8 + 2), varint(value.length), value]);
}

function uint32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value, 0);
  return b;
}

/** The exact bytes a CRX3 proof signs (crx3.proto, comment on signed_header_data). */
export function crx3SignedPayload(signedHeaderData: Uint8Array, archive: Uint8Array): Buffer {
  return Buffer.concat([SIGNATURE_CONTEXT, uint32le(signedHeaderData.length), signedHeaderData, archive]);
}

/**
 * Wrap a ZIP archive into a CRX3 signed with one RSA key. PKCS#1 v1.5 signatures are deterministic,
 * so the same key and archive give the same bytes.
 */
export function createCrx3(archive: Uint8Array, privateKey: KeyObject): Buffer {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error('the signing key must be an RSA private key');
  }
  const spki = publicKeyDer(privateKey);
  const signedHeaderData = bytesField(1, crxIdBytes(spki));
  const signature = sign('sha256', crx3SignedPayload(signedHeaderData, archive), privateKey);
  const proof = Buffer.concat([bytesField(1, spki), bytesField(2, signature)]);
  const header = Buffer.concat([bytesField(2, proof), bytesField(10000, signedHeaderData)]);
  return Buffer.concat([MAGIC, uint32le(CRX_VERSION), uint32le(header.length), header, archive]);
}
