import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import type { PolicySet } from '../policies/policy-set.js';
import type { Principal } from './principal.js';

/** Algorithms accepted at all; everything else (none, HS*, RS*) is refused before any key is looked at. */
export const ALLOWED_ALGORITHMS = ['ES256', 'EdDSA', 'PS256'] as const;
/** A partner's client assertion lives at most this long (private_key_jwt practice). */
export const CLIENT_TOKEN_MAX_LIFETIME_S = 300;
/** A person's access token from the identity provider lives at most this long. */
export const PERSON_TOKEN_MAX_LIFETIME_S = 3600;

/** Why a token was refused; the text goes into the 401 (it names the rule, never the token's content). */
export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AuthenticationError';
  }
}

export interface IdentityProviderKeys {
  readonly issuer: string;
  readonly keys: JWTVerifyGetKey;
}

export interface TokenVerifierDeps {
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly policies: () => PolicySet;
  readonly now: () => Date;
  /** Public key of a partner client by key id, from the policy files or the database. */
  readonly clientKey: (clientId: string, kid: string) => Promise<JWK | undefined>;
  /** Records a client token's jti; false when it was seen before. */
  readonly claimJti: (clientId: string, jti: string, expiresAt: Date) => Promise<boolean>;
  readonly identityProvider: IdentityProviderKeys | null;
}

const JTI = /^[A-Za-z0-9._~-]{16,128}$/;

/**
 * Verifies bearer tokens with explicit allow-lists and turns them into a Principal.
 * Partner systems sign their own short-lived tokens (iss = sub = client id, a fresh jti each time);
 * people bring tokens from the configured identity provider, whose roles/purposes/org claims count.
 */
export class TokenVerifier {
  constructor(private readonly deps: TokenVerifierDeps) {}

  async verify(token: string): Promise<Principal> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw new AuthenticationError('the bearer token is not a well-formed JWT');
    }
    if (!(ALLOWED_ALGORITHMS as readonly string[]).includes(String(header.alg))) {
      // The header is the caller's text: name the algorithm only if it looks like one.
      const alg = typeof header.alg === 'string' && /^[A-Za-z0-9+_-]{1,16}$/.test(header.alg) ? header.alg : '(unreadable)';
      throw new AuthenticationError(`algorithm ${alg} is not accepted (use ${ALLOWED_ALGORITHMS.join(', ')})`);
    }
    if (typeof header.kid !== 'string' || header.kid === '') {
      throw new AuthenticationError('the token header has no kid');
    }
    if (typeof claims.iss !== 'string') throw new AuthenticationError('the token has no iss claim');
    const idp = this.deps.identityProvider;
    if (idp !== null && claims.iss === idp.issuer) return this.verifyPerson(token, idp);
    return this.verifyClient(token, claims.iss, header.kid, String(header.alg));
  }

  private async verifyClient(token: string, clientId: string, kid: string, alg: string): Promise<Principal> {
    const client = this.deps.policies().clients.find((c) => c.id === clientId);
    if (!client) throw new AuthenticationError('the token issuer is not a registered client');
    const jwk = (client.keys.find((k) => k.kid === kid) as JWK | undefined) ?? (await this.deps.clientKey(clientId, kid));
    if (!jwk) throw new AuthenticationError('the token is signed with an unknown key');
    if (jwk.alg !== undefined && jwk.alg !== alg) throw new AuthenticationError('the token algorithm does not match its key');
    let key: Awaited<ReturnType<typeof importJWK>>;
    try {
      key = await importJWK(jwk, alg);
    } catch {
      throw new AuthenticationError('the token algorithm does not match its key');
    }
    const payload = await this.check(
      () =>
        jwtVerify(token, key, {
          algorithms: [alg],
          issuer: clientId,
          subject: clientId,
          audience: this.deps.audience,
          clockTolerance: this.deps.clockToleranceSeconds,
          maxTokenAge: CLIENT_TOKEN_MAX_LIFETIME_S,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti'],
          currentDate: this.deps.now(),
        }),
      CLIENT_TOKEN_MAX_LIFETIME_S,
    );
    if (typeof payload.jti !== 'string' || !JTI.test(payload.jti)) {
      throw new AuthenticationError('the token jti must be 16 to 128 URL-safe characters');
    }
    if (!(await this.deps.claimJti(clientId, payload.jti, new Date(payload.exp! * 1000)))) {
      throw new AuthenticationError('the token jti was already used (replay)');
    }
    return {
      kind: 'client',
      id: clientId,
      organisation: client.organisation,
      roles: [...client.roles],
      purposes: [],
      tokenId: payload.jti,
    };
  }

  private async verifyPerson(token: string, idp: IdentityProviderKeys): Promise<Principal> {
    const payload = await this.check(
      () =>
        jwtVerify(token, idp.keys, {
          algorithms: [...ALLOWED_ALGORITHMS],
          issuer: idp.issuer,
          audience: this.deps.audience,
          clockTolerance: this.deps.clockToleranceSeconds,
          requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'roles', 'org'],
          currentDate: this.deps.now(),
        }),
      PERSON_TOKEN_MAX_LIFETIME_S,
    );
    const roles = stringArray(payload.roles, 'roles');
    const purposes = payload.purposes === undefined ? [] : stringArray(payload.purposes, 'purposes');
    const policies = this.deps.policies();
    if (typeof payload.org !== 'string' || !policies.organisations.some((o) => o.id === payload.org)) {
      throw new AuthenticationError('the token org claim is not a known organisation');
    }
    return {
      kind: 'person',
      id: payload.sub!,
      organisation: payload.org,
      roles,
      purposes,
      tokenId: typeof payload.jti === 'string' ? payload.jti : '',
    };
  }

  /** Runs jose's verification, maps its errors to reasons, and enforces the maximum lifetime. */
  private async check(verify: () => Promise<{ payload: JWTPayload }>, maxLifetime: number): Promise<JWTPayload> {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify());
    } catch (error) {
      throw new AuthenticationError(reasonFor(error));
    }
    if (payload.exp! - payload.iat! > maxLifetime) {
      throw new AuthenticationError(`the token lives longer than ${maxLifetime} seconds`);
    }
    return payload;
  }
}

function stringArray(value: unknown, claim: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new AuthenticationError(`the token ${claim} claim must be an array of strings`);
  }
  return [...value];
}

function reasonFor(error: unknown): string {
  if (error instanceof AuthenticationError) return error.reason;
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === 'nbf' || error.claim === 'iat'
      ? `the token is not valid yet (${error.claim})`
      : `the token ${error.claim} claim is not acceptable`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) {
    return error instanceof errors.JWKSTimeout ? 'the identity provider keys could not be fetched' : 'the token is invalid';
  }
  return 'the token is invalid';
}
