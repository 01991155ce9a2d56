import { createHmac, createPublicKey, type JsonWebKey, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64url } from 'jose';
import request from 'supertest';
import { ClientKeyRepository } from '../../src/auth/client-key.repository.js';
import { Database } from '../../src/database/database.js';
import { expectContract } from '../support/contract.js';
import { AUDIENCE, clientToken, FakeIdentityProvider, newSigningKey, type SigningKey } from '../support/tokens.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const CLIENT = 'woningcorporatie-etl';

function unsigned(header: object, payload: object): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
}

describe('authentication', () => {
  let t: TestApp;
  let idp: FakeIdentityProvider;
  let key: SigningKey;

  const me = (token?: string) => {
    const r = request(t.server).get('/v1/me');
    return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
  };
  const expectRefused = async (token: string, reason: RegExp) => {
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.body.type).toBe('urn:straatkubus:problem:unauthorized');
    expect(response.body.detail).toMatch(reason);
    expect(response.headers['www-authenticate']).toContain('Bearer');
    expectContract(response, 'get', '/v1/me');
  };

  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
    t = await startTestApp(idp.env);
    key = await newSigningKey('ES256');
    const keys = t.app.get(ClientKeyRepository);
    await t.app.get(Database).withTransaction((tx) => keys.register(tx, CLIENT, key.publicJwk.kid, key.publicJwk));
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('lets a public route through without a token', async () => {
    expect((await request(t.server).get('/health/live')).status).toBe(200);
  });

  it('refuses a protected route without a token', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain('Bearer');
    expectContract(response, 'get', '/v1/me');
  });

  it('accepts a partner client token and names the client and its organisation', async () => {
    const response = await me(await clientToken(CLIENT, key));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'client', id: CLIENT, organisation: 'woningcorporatie', purposes: [] });
    expectContract(response, 'get', '/v1/me');
  });

  it.each(['EdDSA', 'PS256'] as const)('accepts %s client keys', async (alg) => {
    const other = await newSigningKey(alg);
    const keys = t.app.get(ClientKeyRepository);
    await t.app.get(Database).withTransaction((tx) => keys.register(tx, CLIENT, other.publicJwk.kid, other.publicJwk));
    expect((await me(await clientToken(CLIENT, other))).status).toBe(200);
  });

  it('accepts a person token from the identity provider with roles, purposes and org', async () => {
    const token = await idp.token({ sub: 'emp-1', org: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak'] });
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'person',
      id: 'emp-1',
      organisation: 'gemeente-almere',
      roles: ['analyst'],
      purposes: ['wijkaanpak'],
    });
  });

  describe('refuses forged or wrong tokens with 401', () => {
    it('alg none', async () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: CLIENT, sub: CLIENT, aud: AUDIENCE, iat: now, exp: now + 60, jti: randomUUID() };
      await expectRefused(`${unsigned({ alg: 'none', kid: key.publicJwk.kid }, payload)}.`, /algorithm none/);
    });

    it('HS256 signed with the public key as the secret', async () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iss: CLIENT, sub: CLIENT, aud: AUDIENCE, iat: now, exp: now + 60, jti: randomUUID() };
      const signingInput = unsigned({ alg: 'HS256', kid: key.publicJwk.kid, typ: 'JWT' }, payload);
      const pem = createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
      await expectRefused(`${signingInput}.${signature}`, /algorithm HS256/);
    });

    it('wrong audience', async () => {
      await expectRefused(await clientToken(CLIENT, key, { claims: { aud: 'urn:someone-else' } }), /aud/);
    });

    it('expired', async () => {
      const iat = Math.floor(Date.now() / 1000) - 600;
      await expectRefused(await clientToken(CLIENT, key, { iat, lifetime: 120 }), /expired/);
    });

    it('not yet valid (nbf in the future)', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(await clientToken(CLIENT, key, { claims: { nbf: now + 120 } }), /not valid yet/);
    });

    it('issued in the future', async () => {
      const iat = Math.floor(Date.now() / 1000) + 180;
      await expectRefused(await clientToken(CLIENT, key, { iat, lifetime: 60 }), /iat/);
    });

    it('unknown key id', async () => {
      const stranger = await newSigningKey('ES256');
      await expectRefused(await clientToken(CLIENT, stranger), /unknown key/);
    });

    it('a known kid but a different key (signature)', async () => {
      const impostor = await newSigningKey('ES256', key.publicJwk.kid);
      await expectRefused(await clientToken(CLIENT, impostor), /signature/);
    });

    it('replayed jti', async () => {
      const token = await clientToken(CLIENT, key);
      expect((await me(token)).status).toBe(200);
      await expectRefused(token, /replay/);
    });

    it('lifetime over 5 minutes', async () => {
      await expectRefused(await clientToken(CLIENT, key, { lifetime: 301 }), /longer than 300/);
    });

    it.each(['jti', 'exp', 'iat', 'sub', 'aud'])('missing %s', async (claim) => {
      await expectRefused(await clientToken(CLIENT, key, { omit: [claim] }), new RegExp(claim === 'exp' || claim === 'iat' ? `${claim}|expired` : claim));
    });

    it('sub other than the client', async () => {
      await expectRefused(await clientToken(CLIENT, key, { claims: { sub: 'someone-else' } }), /sub/);
    });

    it('an issuer that is not a registered client', async () => {
      await expectRefused(await clientToken('not-a-client', key, {}), /not a registered client/);
    });

    it('tampered payload', async () => {
      const token = await clientToken(CLIENT, key);
      const [h, p, s] = token.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const forged = base64url.encode(JSON.stringify({ ...claims, iss: 'politie-signalen', sub: 'politie-signalen' }));
      await expectRefused(`${h}.${forged}.${s}`, /signature|unknown key/);
      const widened = base64url.encode(JSON.stringify({ ...claims, exp: claims.exp + 30, jti: randomUUID() }));
      await expectRefused(`${h}.${widened}.${s}`, /signature/);
    });

    it('garbage', async () => {
      await expectRefused('not.a.jwt', /well-formed/);
    });

    it('a person token signed by another key with the provider kid', async () => {
      const rogue = await newSigningKey('ES256', 'idp-key-1');
      const token = await idp.sign({ sub: 'x', org: 'gemeente-almere', roles: ['administrator'] }, {}, rogue);
      await expectRefused(token, /signature/);
    });

    it('a person token living longer than an hour', async () => {
      const token = await idp.token({ sub: 'x', org: 'gemeente-almere', roles: ['analyst'] }, { lifetime: 3601 });
      await expectRefused(token, /longer than 3600/);
    });

    it('a person token without roles or with an unknown organisation', async () => {
      await expectRefused(await idp.token({ sub: 'x', org: 'gemeente-almere', roles: [] }, { omit: ['roles'] }), /roles/);
      await expectRefused(await idp.token({ sub: 'x', org: 'nowhere', roles: ['analyst'] }), /org/);
    });
  });

  it('never echoes the token or its claims in the refusal or the logs', async () => {
    const token = await clientToken(CLIENT, key, { claims: { aud: 'urn:secret-audience-value' } });
    const response = await me(token);
    expect(response.status).toBe(401);
    expect(response.text).not.toContain('secret-audience-value');
    expect(t.logs.text).not.toContain(token);
    expect(t.logs.text).not.toContain('secret-audience-value');
  });
});
