import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { checkPublicJwk, type PublicJwkCheck } from './public-jwk.js';

const problems = (result: PublicJwkCheck) => (result.ok ? [] : result.errors);

async function keyPair(alg: 'ES256' | 'EdDSA' | 'PS256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { pub: { ...(await exportJWK(publicKey)), alg }, priv: { ...(await exportJWK(privateKey)), alg } };
}

describe('checkPublicJwk', () => {
  it.each(['ES256', 'EdDSA', 'PS256'] as const)('accepts a %s public key and gives it a thumbprint kid', async (alg) => {
    const { pub } = await keyPair(alg);
    const result = await checkPublicJwk(pub);
    expect(result).toMatchObject({ ok: true, jwk: { alg, use: 'sig', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } });
    expect(result).not.toHaveProperty('jwk.d');
  });

  it('refuses a private key, naming the private member', async () => {
    const { priv } = await keyPair('ES256');
    const result = await checkPublicJwk(priv, '/jwk');
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/jwk/d', code: 'private-key' })] });
  });

  it('refuses a symmetric key and an unlisted algorithm together', async () => {
    const result = await checkPublicJwk({ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' });
    expect(result.ok).toBe(false);
    expect(problems(result).map((e) => e.code).sort()).toEqual(['enum', 'private-key']);
  });

  it('refuses a key whose type does not belong to its algorithm', async () => {
    const { pub } = await keyPair('EdDSA');
    const result = await checkPublicJwk({ ...pub, alg: 'ES256' });
    expect(problems(result).map((e) => e.pointer).sort()).toEqual(['/crv', '/kty']);
  });

  it('refuses short RSA keys', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const result = await checkPublicJwk({ ...publicKey.export({ format: 'jwk' }), alg: 'PS256' });
    expect(problems(result).map((e) => e.code)).toEqual(['key-size']);
  });

  it('refuses a point that is not on the curve', async () => {
    const { pub } = await keyPair('ES256');
    const result = await checkPublicJwk({ ...pub, x: pub.y, y: pub.x });
    expect(result).toEqual({ ok: false, errors: [expect.objectContaining({ code: 'invalid-key' })] });
  });
});
