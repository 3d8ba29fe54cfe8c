import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import { PluginError } from './errors';
import type { PluginManifest } from './types';

/** Versioned so a later format can never verify against a v1 signature. */
const DIGEST_FORMAT = 'warden.plugin/v1';
const SIGNATURE_DOMAIN = 'warden-plugin-v1:';
const MAX_KEY_PEM_CHARS = 4096;
const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What a publisher signs: the canonical JSON of the manifest plus the source's hash, so changing
 * any manifest field or any source byte changes the digest.
 */
export function pluginDigest(manifest: PluginManifest, source: string): string {
  const sourceSha256 = sha256Hex(Buffer.from(source, 'utf8'));
  return sha256Hex(canonicalize({ format: DIGEST_FORMAT, manifest, sourceSha256 }));
}

function assertDigest(digest: string): void {
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) {
    throw new PluginError('signature_invalid', 'digest must be 64 lowercase hex characters', '/digest');
  }
}

/** Ed25519 signature, base64. The domain prefix keeps this key's signatures useless elsewhere. */
export function signPluginDigest(digest: string, privateKeyPem: string): string {
  assertDigest(digest);
  let signature: Buffer;
  try {
    signature = sign(null, Buffer.from(SIGNATURE_DOMAIN + digest, 'utf8'), privateKeyPem);
  } catch {
    throw new PluginError('key_invalid', 'private key is not a usable Ed25519 PEM key');
  }
  return signature.toString('base64');
}

/** False for any mismatch or malformed input; never throws on tenant-supplied values. */
export function verifyPluginSignature(digest: string, signatureB64: string, publicKeyPem: string): boolean {
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) return false;
  if (typeof signatureB64 !== 'string' || !/^[A-Za-z0-9+/]{86}==$/.test(signatureB64)) return false;
  try {
    const key = ed25519PublicKey(publicKeyPem);
    return verify(
      null,
      Buffer.from(SIGNATURE_DOMAIN + digest, 'utf8'),
      key,
      Buffer.from(signatureB64, 'base64'),
    );
  } catch {
    return false;
  }
}

function ed25519PublicKey(pem: unknown): KeyObject {
  if (typeof pem !== 'string' || pem.length > MAX_KEY_PEM_CHARS) {
    throw new PluginError('key_invalid', 'public key must be a PEM string', '/publicKey');
  }
  // createPublicKey would also derive a public key from a private one: a publisher pasting their
  // private key must be told so, not have it accepted.
  if (!/^\s*-----BEGIN PUBLIC KEY-----[\s\S]*-----END PUBLIC KEY-----\s*$/.test(pem)) {
    throw new PluginError('key_invalid', 'public key must be an SPKI PEM ("BEGIN PUBLIC KEY")', '/publicKey');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new PluginError('key_invalid', 'public key PEM cannot be parsed', '/publicKey');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PluginError(
      'key_invalid',
      `public key must be Ed25519, got ${String(key.asymmetricKeyType)}`,
      '/publicKey',
    );
  }
  return key;
}

function keyIdOf(key: KeyObject): string {
  return 'pk_' + sha256Hex(key.export({ type: 'spki', format: 'der' })).slice(0, 16);
}

/** Stable id derived from the key bytes, independent of PEM whitespace. */
export function publisherKeyId(publicKeyPem: string): string {
  return keyIdOf(ed25519PublicKey(publicKeyPem));
}

/** Normalizes a publisher's uploaded key; throws `key_invalid` unless it is an Ed25519 SPKI PEM. */
export function parsePublisherKey(pem: unknown): { publicKeyPem: string; keyId: string } {
  const key = ed25519PublicKey(pem);
  return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(key) };
}

export function generatePublisherKeyPair(): { publicKeyPem: string; privateKeyPem: string; keyId: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}
