import { generateKeyPairSync } from 'node:crypto';
import {
  generatePublisherKeyPair,
  parsePublisherKey,
  pluginDigest,
  publisherKeyId,
  signPluginDigest,
  verifyPluginSignature,
} from './signing';
import { aManifest, A_PLUGIN_SOURCE } from './testing/builders';

describe('plugin signing', () => {
  const keys = generatePublisherKeyPair();

  it('signs a digest that verifies with the matching public key', () => {
    const digest = pluginDigest(aManifest(), A_PLUGIN_SOURCE);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    const signature = signPluginDigest(digest, keys.privateKeyPem);
    expect(verifyPluginSignature(digest, signature, keys.publicKeyPem)).toBe(true);
  });

  it('gives the same digest whatever the manifest key order', () => {
    const manifest = aManifest();
    const reordered = Object.fromEntries(Object.entries(manifest).reverse()) as typeof manifest;
    expect(pluginDigest(reordered, A_PLUGIN_SOURCE)).toBe(pluginDigest(manifest, A_PLUGIN_SOURCE));
  });

  it('detects a changed source byte or manifest field', () => {
    const digest = pluginDigest(aManifest(), A_PLUGIN_SOURCE);
    const signature = signPluginDigest(digest, keys.privateKeyPem);
    const tamperedSource = pluginDigest(aManifest(), A_PLUGIN_SOURCE.replace('length', 'lengtH'));
    const tamperedManifest = pluginDigest(
      aManifest({ capabilities: { ...aManifest().capabilities, hosts: ['slack.com', 'evil.example'] } }),
      A_PLUGIN_SOURCE,
    );
    for (const tampered of [tamperedSource, tamperedManifest]) {
      expect(tampered).not.toBe(digest);
      expect(verifyPluginSignature(tampered, signature, keys.publicKeyPem)).toBe(false);
    }
  });

  it('refuses a signature from another key, and malformed input, without throwing', () => {
    const digest = pluginDigest(aManifest(), A_PLUGIN_SOURCE);
    const signature = signPluginDigest(digest, keys.privateKeyPem);
    const other = generatePublisherKeyPair();
    expect(verifyPluginSignature(digest, signature, other.publicKeyPem)).toBe(false);
    expect(verifyPluginSignature(digest, 'not base64!', keys.publicKeyPem)).toBe(false);
    expect(verifyPluginSignature('abc', signature, keys.publicKeyPem)).toBe(false);
    expect(verifyPluginSignature(digest, signature, 'garbage')).toBe(false);
  });

  it('derives a stable key id from the key bytes, not the PEM text', () => {
    expect(keys.keyId).toMatch(/^pk_[0-9a-f]{16}$/);
    const reflowed = keys.publicKeyPem.replace(/\n/g, '\r\n') + '\n\n';
    expect(publisherKeyId(reflowed)).toBe(keys.keyId);
    expect(parsePublisherKey(reflowed)).toEqual({ publicKeyPem: keys.publicKeyPem, keyId: keys.keyId });
    expect(generatePublisherKeyPair().keyId).not.toBe(keys.keyId);
  });

  it.each([
    ['a number', 42],
    ['garbage', '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----'],
    ['a private key', generatePublisherKeyPair().privateKeyPem],
    [
      'an RSA key',
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }),
    ],
  ])('refuses %s as a publisher key (key_invalid)', (_label, pem) => {
    expect(() => parsePublisherKey(pem)).toThrow(expect.objectContaining({ code: 'key_invalid' }));
  });

  it('refuses to sign something that is not a digest', () => {
    expect(() => signPluginDigest('hello', keys.privateKeyPem)).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    );
  });
});
