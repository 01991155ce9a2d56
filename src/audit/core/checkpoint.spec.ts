import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { checkpointNote, checkpointProblem, keyIdOf, signCheckpoint, verifyCheckpoint } from './checkpoint.js';

const ROOT = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const AT = '2026-03-01T12:00:00.000Z';

describe('checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  it('signs the transparency-dev style note: origin, size, base64 root, time', () => {
    expect(checkpointNote('straatkubus/audit', 8, ROOT, AT)).toBe(
      `straatkubus/audit\n8\n${Buffer.from(ROOT, 'hex').toString('base64')}\n${AT}\n`,
    );
    const checkpoint = signCheckpoint('straatkubus/audit', 8, ROOT, AT, privateKey);
    expect(checkpoint).toMatchObject({ origin: 'straatkubus/audit', treeSize: 8, rootHash: ROOT, issuedAt: AT });
    expect(Buffer.from(checkpoint.signature, 'base64')).toHaveLength(64);
  });

  it('names the key by the first 16 hex digits of SHA-256 over its SPKI DER', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(der).digest('hex').slice(0, 16);
    expect(keyIdOf(publicKey)).toBe(expected);
    expect(keyIdOf(privateKey)).toBe(expected);
    expect(signCheckpoint('o', 0, ROOT, AT, privateKey).keyId).toBe(expected);
  });

  it('verifies with the key as KeyObject, PEM or JWK, and the signer accepts PEM and JWK too', () => {
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const privateJwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
    for (const signer of [privateKey, privatePem, privateJwk]) {
      const checkpoint = signCheckpoint('o', 3, ROOT, AT, signer);
      for (const key of [publicKey, pem, jwk, publicKey.export({ format: 'jwk' })]) expect(verifyCheckpoint(checkpoint, key)).toBe(true);
    }
  });

  it.each([
    ['origin', { origin: 'other' }],
    ['treeSize', { treeSize: 9 }],
    ['rootHash', { rootHash: ROOT.replace(/^5/, '6') }],
    ['issuedAt', { issuedAt: '2026-03-01T12:00:01.000Z' }],
  ])('fails when %s is changed after signing', (_field, change) => {
    const checkpoint = { ...signCheckpoint('o', 8, ROOT, AT, privateKey), ...change };
    expect(checkpointProblem(checkpoint, publicKey)).toBe('the signature does not verify');
  });

  it('fails under another key, with a naming of both keys', () => {
    const checkpoint = signCheckpoint('o', 8, ROOT, AT, privateKey);
    expect(verifyCheckpoint(checkpoint, other.publicKey)).toBe(false);
    expect(checkpointProblem(checkpoint, other.publicKey)).toMatch(/^signed by key [0-9a-f]{16}, not by the trusted key/);
    // A forger who copies the trusted key id still cannot make the signature verify.
    const forged = { ...signCheckpoint('o', 8, ROOT, AT, other.privateKey), keyId: keyIdOf(publicKey) };
    expect(checkpointProblem(forged, publicKey)).toBe('the signature does not verify');
  });

  it.each([
    ['a truncated signature', { signature: 'AAAA' }],
    ['a signature that is not base64', { signature: '***' }],
    ['a negative size', { treeSize: -1 }],
    ['a newline in the origin', { origin: 'a\n9' }],
    ['an upper-case root', { rootHash: ROOT.toUpperCase() }],
  ])('rejects %s without throwing', (_name, change) => {
    const checkpoint = { ...signCheckpoint('o', 8, ROOT, AT, privateKey), ...change };
    expect(verifyCheckpoint(checkpoint, publicKey)).toBe(false);
  });

  it('refuses to sign ambiguous notes and non-Ed25519 keys', () => {
    expect(() => signCheckpoint('a\nb', 1, ROOT, AT, privateKey)).toThrow(/one non-empty line/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signCheckpoint('o', 1, ROOT, AT, rsa.privateKey)).toThrow(/Ed25519/);
    expect(() => signCheckpoint('o', 1, ROOT, AT, publicKey)).toThrow(/private key/);
  });
});
