import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export const AUDIENCE = 'urn:straatkubus:gateway';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK & { kid: string; alg: string };
}

export async function newSigningKey(alg: 'ES256' | 'EdDSA' | 'PS256' = 'ES256', kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg, kid, use: 'sig' } };
}

export interface TokenOptions {
  readonly claims?: JWTPayload;
  readonly header?: Record<string, unknown>;
  readonly iat?: number;
  readonly lifetime?: number;
  readonly omit?: readonly string[];
}

/** Signs a token the way a partner system does (iss = sub = client id, fresh jti, 5 minutes at most). */
export function clientToken(clientId: string, key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: AUDIENCE,
    iat,
    exp: iat + (options.lifetime ?? 120),
    jti: randomUUID(),
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.publicJwk.alg, kid: key.publicJwk.kid, typ: 'JWT', ...options.header })
    .sign(key.privateKey);
}

/**
 * A stand-in for the municipality's identity provider: real keys, a real JWKS over HTTP on loopback.
 * It is outside the system under test, so it is the one thing tests may fake.
 */
export class FakeIdentityProvider {
  readonly issuer = 'https://idp.test.example/realms/almere';
  private server: Server | undefined;
  private key: SigningKey | undefined;
  jwksUrl = '';

  async start(): Promise<this> {
    this.key = await newSigningKey('ES256', 'idp-key-1');
    this.server = createServer((request, response) => {
      if (request.url === '/jwks.json') {
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ keys: [this.key!.publicJwk] }));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.jwksUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
    return this;
  }

  get env(): Record<string, string> {
    return { IDP_ISSUER: this.issuer, IDP_JWKS_URL: this.jwksUrl };
  }

  /** A person's token: roles, purposes and org as claims. */
  token(person: { sub: string; org: string; roles: string[]; purposes?: string[] }, options: TokenOptions = {}): Promise<string> {
    return this.sign(person, options, this.key!);
  }

  sign(person: { sub: string; org: string; roles: string[]; purposes?: string[] }, options: TokenOptions, key: SigningKey): Promise<string> {
    const iat = options.iat ?? Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: this.issuer,
      sub: person.sub,
      aud: AUDIENCE,
      iat,
      exp: iat + (options.lifetime ?? 600),
      jti: randomUUID(),
      org: person.org,
      roles: person.roles,
      purposes: person.purposes ?? [],
      ...options.claims,
    };
    for (const name of options.omit ?? []) delete claims[name];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.publicJwk.alg, kid: key.publicJwk.kid, typ: 'JWT', ...options.header })
      .sign(key.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
