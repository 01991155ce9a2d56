import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { ProblemItem } from '../common/problem/problem.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;
const SHAPES: Readonly<Record<string, { kty: string; crv?: string }>> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  PS256: { kty: 'RSA' },
};
const MIN_RSA_BITS = 2048;

export type PublicJwkCheck = { ok: true; jwk: JWK & { kid: string; alg: string } } | { ok: false; errors: ProblemItem[] };

/**
 * Checks a partner's public signing key before it is registered: an allowed algorithm with the key type
 * and curve that belong to it, no private or symmetric material, RSA of at least 2048 bits, and a key
 * that actually imports. Returns every problem at once. The kid defaults to the RFC 7638 thumbprint.
 */
export async function checkPublicJwk(input: unknown, pointer = ''): Promise<PublicJwkCheck> {
  const errors: ProblemItem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ pointer: pointer || '/', detail: 'must be a JWK object', code: 'type' }] };
  }
  const jwk = input as JWK;
  for (const member of PRIVATE_MEMBERS) {
    if (member in jwk) {
      errors.push({ pointer: `${pointer}/${member}`, detail: 'private or symmetric key material is never accepted', code: 'private-key' });
    }
  }
  const shape = typeof jwk.alg === 'string' ? SHAPES[jwk.alg] : undefined;
  if (!shape) {
    errors.push({ pointer: `${pointer}/alg`, detail: `must be one of ${Object.keys(SHAPES).join(', ')}`, code: 'enum' });
  } else {
    if (jwk.kty !== shape.kty) errors.push({ pointer: `${pointer}/kty`, detail: `must be ${shape.kty} for ${jwk.alg}`, code: 'kty' });
    if (shape.crv && jwk.crv !== shape.crv) errors.push({ pointer: `${pointer}/crv`, detail: `must be ${shape.crv} for ${jwk.alg}`, code: 'crv' });
    if (shape.kty === 'RSA' && typeof jwk.n === 'string' && Buffer.from(jwk.n, 'base64url').length * 8 < MIN_RSA_BITS) {
      errors.push({ pointer: `${pointer}/n`, detail: `RSA keys must have at least ${MIN_RSA_BITS} bits`, code: 'key-size' });
    }
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') errors.push({ pointer: `${pointer}/use`, detail: 'must be sig', code: 'enum' });
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || !/^[A-Za-z0-9._~-]{1,128}$/.test(jwk.kid))) {
    errors.push({ pointer: `${pointer}/kid`, detail: 'must be 1 to 128 URL-safe characters', code: 'pattern' });
  }
  if (errors.length > 0) return { ok: false, errors };
  try {
    await importJWK(jwk, jwk.alg);
  } catch {
    return { ok: false, errors: [{ pointer: pointer || '/', detail: 'is not a valid public key for its algorithm', code: 'invalid-key' }] };
  }
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
  const { kty, crv, x, y, n, e } = jwk;
  const clean = Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined));
  return { ok: true, jwk: { ...clean, alg: jwk.alg!, use: 'sig', kid } };
}
