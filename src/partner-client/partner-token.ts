import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { PartnerKey } from './partner-key.js';

export const DEFAULT_AUDIENCE = 'urn:straatkubus:gateway';
/** The gateway refuses client tokens that live longer than 5 minutes; stay well inside that. */
export const TOKEN_LIFETIME_S = 120;

export interface TokenSigner {
  /** A fresh, single-use token (new jti) every call. */
  sign(): Promise<string>;
}

export interface TokenSignerOptions {
  readonly clientId: string;
  readonly key: PartnerKey;
  readonly audience?: string;
  readonly lifetimeSeconds?: number;
  readonly now?: () => Date;
}

/**
 * Signs client assertions the way the gateway expects (private_key_jwt style): iss = sub = client id,
 * aud = the gateway, iat now, exp shortly after, and a fresh jti because each token is accepted once.
 */
export function tokenSigner(options: TokenSignerOptions): TokenSigner {
  const { clientId, key } = options;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const lifetime = Math.min(options.lifetimeSeconds ?? TOKEN_LIFETIME_S, 300);
  const now = options.now ?? (() => new Date());
  return {
    sign() {
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + lifetime)
        .setJti(randomUUID())
        .sign(key.privateKey);
    },
  };
}
