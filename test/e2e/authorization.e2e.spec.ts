import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AuditRepository } from '../../src/audit/audit.repository.js';
import { AuditSequencer } from '../../src/audit/audit-sequencer.js';
import { expectContract } from '../support/contract.js';
import { clientToken, FakeIdentityProvider, newSigningKey, type SigningKey } from '../support/tokens.js';
import { startTestApp, TestClock, type TestApp } from '../support/test-app.js';

const ADMIN = { sub: 'emp-admin', org: 'gemeente-almere', roles: ['administrator'] };
const ANALYST = { sub: 'emp-analyst', org: 'gemeente-almere', roles: ['analyst'], purposes: ['schuldpreventie', 'wijkaanpak'] };
const OFFICER = { sub: 'emp-fg', org: 'gemeente-almere', roles: ['privacy-officer'] };

describe('authorisation over HTTP', () => {
  let t: TestApp;
  let idp: FakeIdentityProvider;
  const clock = new TestClock(new Date('2026-11-24T10:00:00Z'));
  const person = (who: { sub: string; org: string; roles: string[]; purposes?: string[] }) => idp.token(who, { iat: clock.seconds });
  const get = async (path: string, token: string) => request(t.server).get(path).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
    t = await startTestApp(idp.env, { clock });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });
  beforeEach(() => clock.set('2026-11-24T10:00:00Z'));

  describe('administrator', () => {
    it('lists clients and agreements', async () => {
      const clients = await get('/v1/admin/clients', await person(ADMIN));
      expect(clients.status).toBe(200);
      expect(clients.body.clients.map((c: { id: string }) => c.id)).toContain('schuldhulp-etl');
      expectContract(clients, 'get', '/v1/admin/clients');
      const agreements = await get('/v1/admin/agreements', await person(ADMIN));
      expect(agreements.status).toBe(200);
      const debt = agreements.body.agreements.find((a: { id: string }) => a.id === 'schuldhulp-vroegsignalering');
      expect(debt).toMatchObject({ status: 'active', validTo: '2026-12-31' });
      expectContract(agreements, 'get', '/v1/admin/agreements');
    });

    it('registers a client key that then authenticates, and revokes it', async () => {
      const key: SigningKey = await newSigningKey('EdDSA');
      const created = await request(t.server)
        .post('/v1/admin/clients/schuldhulp-etl/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(key.publicJwk);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kid: key.publicJwk.kid, alg: 'EdDSA', source: 'registered' });
      expectContract(created, 'post', '/v1/admin/clients/{clientId}/keys');

      const me = await get('/v1/me', await clientToken('schuldhulp-etl', key, { iat: clock.seconds }));
      expect(me.status).toBe(200);
      expect(me.body.organisation).toBe('schuldhulp');

      const again = await request(t.server)
        .post('/v1/admin/clients/schuldhulp-etl/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(key.publicJwk);
      expect(again.status).toBe(409);
      expectContract(again, 'post', '/v1/admin/clients/{clientId}/keys');

      const revoked = await request(t.server)
        .delete(`/v1/admin/clients/schuldhulp-etl/keys/${key.publicJwk.kid}`)
        .set('Authorization', `Bearer ${await person(ADMIN)}`);
      expect(revoked.status).toBe(204);
      const after = await get('/v1/me', await clientToken('schuldhulp-etl', key, { iat: clock.seconds }));
      expect(after.status).toBe(401);
    });

    it('refuses a private key, listing every problem at once', async () => {
      const key = await newSigningKey('ES256');
      const { exportJWK } = await import('jose');
      const priv = { ...(await exportJWK(key.privateKey)), alg: 'HS256', use: 'enc' };
      const response = await request(t.server)
        .post('/v1/admin/clients/schuldhulp-etl/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(priv);
      expect(response.status).toBe(400);
      expect(response.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/alg', '/d', '/use']);
      expect(response.text).not.toContain(priv.d);
      expectContract(response, 'post', '/v1/admin/clients/{clientId}/keys');
    });

    it('answers 404 for an unknown client', async () => {
      const key = await newSigningKey('ES256');
      const response = await request(t.server)
        .post('/v1/admin/clients/nobody/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(key.publicJwk);
      expect(response.status).toBe(404);
      expectContract(response, 'post', '/v1/admin/clients/{clientId}/keys');
    });

    it('has no data or audit permissions', async () => {
      const me = await get('/v1/me', await person(ADMIN));
      expect(me.body.permissions).toMatchObject({ supply: [], aggregates: [], readAuditLog: false, manageClients: true });
    });
  });

  describe('everyone else is refused administration with 403 and a reason', () => {
    it.each([
      ['an analyst', ANALYST],
      ['a privacy officer', OFFICER],
    ])('%s', async (_name, who) => {
      const response = await get('/v1/admin/clients', await person(who));
      expect(response.status).toBe(403);
      expect(response.body.type).toBe('urn:straatkubus:problem:forbidden');
      expect(response.body.detail).toEqual(expect.any(String));
      expectContract(response, 'get', '/v1/admin/clients');
    });

    it('a partner client', async () => {
      const key = await newSigningKey('ES256');
      const created = await request(t.server)
        .post('/v1/admin/clients/woningcorporatie-etl/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(key.publicJwk);
      expect(created.status).toBe(201);
      const response = await get('/v1/admin/agreements', await clientToken('woningcorporatie-etl', key, { iat: clock.seconds }));
      expect(response.status).toBe(403);
    });

    it('a token that combines administrator with analyst (separation of duties)', async () => {
      const token = await person({ ...ADMIN, roles: ['administrator', 'analyst'], purposes: ['wijkaanpak'] });
      const response = await get('/v1/admin/clients', token);
      expect(response.status).toBe(403);
      expect(response.body.detail).toMatch(/cannot be combined/);
      const me = await get('/v1/me', token);
      expect(me.body.permissions).toMatchObject({ aggregates: [], manageClients: false, readAuditLog: false });
    });

    it('records every decision, allow and deny, with the policy hash and no token', async () => {
      const token = await person(ANALYST);
      await get('/v1/admin/clients', token);
      await t.app.get(AuditSequencer).flush();
      const decisions = await t.app.get(AuditRepository).search({ actor: ANALYST.sub, type: 'policy.decision' }, -1, 1000);
      const denial = decisions.at(-1);
      expect(denial).toMatchObject({
        outcome: 'deny',
        action: 'read',
        resource: { type: 'Client' },
        roles: ['analyst'],
        organisation: 'gemeente-almere',
        policyHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(t.logs.text).not.toContain(token);
      expect(JSON.stringify(decisions)).not.toContain(token);
      const allows = await t.app.get(AuditRepository).search({ actor: ADMIN.sub, outcome: 'allow' }, -1, 1000);
      expect(allows).toContainEqual(expect.objectContaining({ rule: 'role:administrator', resource: { type: 'Client' } }));
    });
  });

  describe('agreements in force', () => {
    it('an agreement whose end date has passed stops access on that day, without a restart', async () => {
      const key = await newSigningKey('ES256');
      await request(t.server)
        .post('/v1/admin/clients/schuldhulp-etl/keys')
        .set('Authorization', `Bearer ${await person(ADMIN)}`)
        .send(key.publicJwk);

      clock.set('2026-12-31T23:59:00Z');
      const lastDay = await get('/v1/me', await clientToken('schuldhulp-etl', key, { iat: clock.seconds }));
      expect(lastDay.body.permissions.supply).toEqual([{ dataset: 'schuldhulp', rule: 'agreement:schuldhulp-vroegsignalering' }]);
      const analystLastDay = await get('/v1/me', await person(ANALYST));
      expect(analystLastDay.body.permissions.aggregates).toContainEqual(
        expect.objectContaining({ purpose: 'schuldpreventie', dataset: 'schuldhulp' }),
      );

      clock.set('2027-01-01T00:01:00Z');
      const dayAfter = await get('/v1/me', await clientToken('schuldhulp-etl', key, { iat: clock.seconds }));
      expect(dayAfter.status).toBe(200);
      expect(dayAfter.body.permissions.supply).toEqual([]);
      const analystDayAfter = await get('/v1/me', await person(ANALYST));
      expect(analystDayAfter.body.permissions.aggregates).not.toContainEqual(
        expect.objectContaining({ dataset: 'schuldhulp' }),
      );
      expectContract(analystDayAfter, 'get', '/v1/me');
    });

    it('an analyst sees only the purposes the token carries, no finer than each allows', async () => {
      const me = await get('/v1/me', await person(ANALYST));
      const purposes = new Set(me.body.permissions.aggregates.map((a: { purpose: string }) => a.purpose));
      expect([...purposes].sort()).toEqual(['schuldpreventie', 'wijkaanpak']);
      const incidents = me.body.permissions.aggregates.find(
        (a: { purpose: string; dataset: string }) => a.purpose === 'wijkaanpak' && a.dataset === 'incidenten',
      );
      expect(incidents).toEqual({ purpose: 'wijkaanpak', dataset: 'incidenten', finestLevel: 'buurt', k: 15 });
    });
  });
});
