import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** The algorithms the gateway accepts, and the key type each one needs. */
export type PartnerAlgorithm = 'ES256' | 'EdDSA' | 'PS256';

/** A partner's private signing key, ready to sign client tokens. */
export interface PartnerKey {
  readonly alg: PartnerAlgorithm;
  /** The kid the gateway knows the public half by: the JWK's own kid, else its RFC 7638 thumbprint. */
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export class PartnerKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartnerKeyError';
  }
}

/** Reads a private key from a JWK JSON file or a PKCS#8 PEM file. */
export async function loadPartnerKey(file: string): Promise<PartnerKey> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PartnerKeyError(`cannot read the key file ${file}: ${(error as Error).message}`);
  }
  return parsePartnerKey(text, file);
}

/** Parses a private JWK (JSON) or a PKCS#8 PEM; `source` only names it in error messages. */
export async function parsePartnerKey(text: string, source = 'the key'): Promise<PartnerKey> {
  const trimmed = text.trim();
  let declaredKid: string | undefined;
  let declaredAlg: string | undefined;
  let privateKey: KeyObject;
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as JWK;
      if (jwk.d === undefined) throw new PartnerKeyError(`${source} is a public key; the private key is needed to sign`);
      declaredKid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
      declaredAlg = jwk.alg;
      privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } else if (trimmed.startsWith('-----BEGIN')) {
      privateKey = createPrivateKey(trimmed);
    } else {
      throw new PartnerKeyError(`${source} is neither a JWK (JSON) nor a PEM file`);
    }
  } catch (error) {
    if (error instanceof PartnerKeyError) throw error;
    throw new PartnerKeyError(`${source} is not a usable private key: ${(error as Error).message}`);
  }
  const alg = algorithmFor(privateKey, source);
  if (declaredAlg !== undefined && declaredAlg !== alg) {
    throw new PartnerKeyError(`${source} says alg ${declaredAlg}, but its key type signs ${alg}`);
  }
  const kid = declaredKid ?? (await calculateJwkThumbprint(privateKey.export({ format: 'jwk' }), 'sha256'));
  return { alg, kid, privateKey };
}

/** EC P-256 → ES256, Ed25519 → EdDSA, RSA → PS256; anything else the gateway would refuse. */
function algorithmFor(key: KeyObject, source: string): PartnerAlgorithm {
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
      throw new PartnerKeyError(`${source} is an EC key on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}; only P-256 is accepted`);
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
    case 'rsa-pss':
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new PartnerKeyError(`${source} is an RSA key shorter than 2048 bits`);
      return 'PS256';
    default:
      throw new PartnerKeyError(`${source} is a ${key.asymmetricKeyType ?? 'symmetric'} key; use EC P-256, Ed25519 or RSA`);
  }
}
