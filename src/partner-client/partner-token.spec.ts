import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { ensureDemoKeys } from '../auth/demo/demo-identities.js';
import { AuthenticationError, TokenVerifier } from '../auth/token-verifier.js';
import type { PolicySet } from '../policies/policy-set.js';
import { loadPartnerKey, parsePartnerKey, PartnerKeyError } from './partner-key.js';
import { DEFAULT_AUDIENCE, tokenSigner } from './partner-token.js';

const CLIENT = 'woningcorporatie-etl';
const scratch = mkdtempSync(path.join(tmpdir(), 'partner-key-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The gateway's own verifier, with the client's public key registered and a replay memory. */
function verifierWith(publicJwk: JWK, now = () => new Date()): TokenVerifier {
  const seen = new Set<string>();
  const policies = {
    clients: [{ id: CLIENT, title: 'test', organisation: 'woningcorporatie', roles: ['partner'], keys: [] }],
    organisations: [],
  } as unknown as PolicySet;
  return new TokenVerifier({
    audience: DEFAULT_AUDIENCE,
    clockToleranceSeconds: 30,
    policies: () => policies,
    now,
    clientKey: (clientId, kid) => Promise.resolve(clientId === CLIENT && kid === publicJwk.kid ? publicJwk : undefined),
    claimJti: (clientId, jti) => {
      const fresh = !seen.has(`${clientId}/${jti}`);
      seen.add(`${clientId}/${jti}`);
      return Promise.resolve(fresh);
    },
    identityProvider: null,
  });
}

function pair(kind: 'ec' | 'ed25519' | 'rsa'): KeyObject {
  if (kind === 'ec') return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  if (kind === 'ed25519') return generateKeyPairSync('ed25519').privateKey;
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

function publicJwkOf(privateKey: KeyObject, kid: string, alg: string): JWK {
  return { ...(createPublicKey(privateKey).export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' };
}

describe('partner keys and tokens', () => {
  it.each([
    ['ec', 'ES256'],
    ['ed25519', 'EdDSA'],
    ['rsa', 'PS256'],
  ] as const)('signs tokens the gateway accepts with a %s JWK (%s), kid taken from the JWK', async (kind, alg) => {
    const privateKey = pair(kind);
    const jwk = { ...(privateKey.export({ format: 'jwk' })), kid: `key-${kind}` };
    const file = path.join(scratch, `${kind}.private.jwk.json`);
    writeFileSync(file, JSON.stringify(jwk));
    const key = await loadPartnerKey(file);
    expect(key).toMatchObject({ alg, kid: `key-${kind}` });

    const token = await tokenSigner({ clientId: CLIENT, key }).sign();
    const principal = await verifierWith(publicJwkOf(privateKey, `key-${kind}`, alg)).verify(token);
    expect(principal).toMatchObject({ kind: 'client', id: CLIENT, organisation: 'woningcorporatie' });
    expect(decodeProtectedHeader(token)).toEqual({ alg, kid: `key-${kind}`, typ: 'JWT' });
  });

  it.each(['ec', 'ed25519', 'rsa'] as const)('reads a PKCS#8 PEM %s key and names it by its RFC 7638 thumbprint', async (kind) => {
    const privateKey = pair(kind);
    const key = await parsePartnerKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const thumbprint = await calculateJwkThumbprint(createPublicKey(privateKey).export({ format: 'jwk' }));
    expect(key.kid).toBe(thumbprint);
    const token = await tokenSigner({ clientId: CLIENT, key }).sign();
    await expect(verifierWith(publicJwkOf(privateKey, thumbprint, key.alg)).verify(token)).resolves.toMatchObject({ id: CLIENT });
  });

  it('works with the key files the demo creates under DATA_DIR/demo', async () => {
    const { clientPublic } = await ensureDemoKeys(scratch, [CLIENT]);
    const key = await loadPartnerKey(path.join(scratch, 'demo', `client-${CLIENT}.private.jwk.json`));
    const token = await tokenSigner({ clientId: CLIENT, key }).sign();
    await expect(verifierWith(clientPublic.get(CLIENT)!).verify(token)).resolves.toMatchObject({ kind: 'client', id: CLIENT });
  });

  it('gives every token its own jti (the gateway accepts each once) and the claims the gateway requires', async () => {
    const privateKey = pair('ec');
    const key = await parsePartnerKey(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const at = new Date('2026-11-02T10:00:00Z');
    const signer = tokenSigner({ clientId: CLIENT, key, now: () => at });
    const [first, second] = [await signer.sign(), await signer.sign()];
    const claims = decodeJwt(first);
    expect(claims).toMatchObject({ iss: CLIENT, sub: CLIENT, aud: DEFAULT_AUDIENCE, iat: at.getTime() / 1000 });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(300);
    expect(decodeJwt(second).jti).not.toBe(claims.jti);

    const verifier = verifierWith(publicJwkOf(privateKey, key.kid, 'ES256'), () => at);
    await expect(verifier.verify(first)).resolves.toMatchObject({ id: CLIENT });
    await expect(verifier.verify(second)).resolves.toMatchObject({ id: CLIENT });
    await expect(verifier.verify(first)).rejects.toThrow(AuthenticationError);
  });

  it('signs for another audience when told', async () => {
    const key = await parsePartnerKey(pair('ed25519').export({ format: 'pem', type: 'pkcs8' }) as string);
    expect(decodeJwt(await tokenSigner({ clientId: CLIENT, key, audience: 'urn:test:other' }).sign()).aud).toBe('urn:test:other');
  });

  it.each([
    ['a public key', () => JSON.stringify(createPublicKey(pair('ec')).export({ format: 'jwk' })), /public key/],
    ['an EC key on P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, /only P-256/],
    ['a JWK whose alg does not fit its key', () => JSON.stringify({ ...pair('ed25519').export({ format: 'jwk' }), alg: 'ES256' }), /says alg ES256/],
    ['something else', () => 'hello', /neither a JWK/],
    ['broken JSON', () => '{"kty":', /not a usable private key/],
  ])('refuses %s with a clear message', async (_name, text, message) => {
    await expect(parsePartnerKey(text())).rejects.toThrow(PartnerKeyError);
    await expect(parsePartnerKey(text())).rejects.toThrow(message);
  });

  it('names a key file that cannot be read', async () => {
    await expect(loadPartnerKey(path.join(scratch, 'missing.pem'))).rejects.toThrow(/cannot read the key file .*missing\.pem/);
  });
});
