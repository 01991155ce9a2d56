import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { verifyExport } from '../../src/audit/core/verifier.js';
import { expectContract } from '../support/contract.js';
import { clientToken, FakeIdentityProvider, newSigningKey } from '../support/tokens.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN = { sub: 'emp-admin', org: 'gemeente-almere', roles: ['administrator'] };
const ANALYST = { sub: 'emp-analyst', org: 'gemeente-almere', roles: ['analyst'], purposes: ['wijkaanpak'] };
const OFFICER = { sub: 'emp-fg', org: 'gemeente-almere', roles: ['privacy-officer'] };

describe('audit log over HTTP', () => {
  let t: TestApp;
  let idp: FakeIdentityProvider;
  const as = async (who: typeof ADMIN | typeof ANALYST | typeof OFFICER) => `Bearer ${await idp.token(who)}`;
  const events = async (query: Record<string, string>) => {
    const response = await request(t.server).get('/v1/audit/events').query(query).set('Authorization', await as(OFFICER));
    expect(response.status).toBe(200);
    return response;
  };

  beforeAll(async () => {
    idp = await new FakeIdentityProvider().start();
    t = await startTestApp(idp.env);
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('only the privacy officer reads the log', async () => {
    for (const who of [ADMIN, ANALYST]) {
      const response = await request(t.server).get('/v1/audit/events').set('Authorization', await as(who));
      expect(response.status).toBe(403);
      expectContract(response, 'get', '/v1/audit/events');
    }
    const key = await newSigningKey();
    await request(t.server).post('/v1/admin/clients/politie-signalen/keys').set('Authorization', await as(ADMIN)).send(key.publicJwk);
    const partner = await request(t.server)
      .get('/v1/audit/export')
      .set('Authorization', `Bearer ${await clientToken('politie-signalen', key)}`);
    expect(partner.status).toBe(403);
    const officer = await request(t.server).get('/v1/audit/events').set('Authorization', await as(OFFICER));
    expect(officer.status).toBe(200);
    expectContract(officer, 'get', '/v1/audit/events');
  });

  it('records denials with their reasons, authentication failures and administrative actions', async () => {
    await request(t.server).get('/v1/admin/clients').set('Authorization', await as(ANALYST));
    await request(t.server).get('/v1/me').set('Authorization', 'Bearer not.a.token');
    const key = await newSigningKey();
    await request(t.server).post('/v1/admin/clients/sozawe-etl/keys').set('Authorization', await as(ADMIN)).send(key.publicJwk);

    const denials = await events({ actor: ANALYST.sub, outcome: 'deny' });
    expect(denials.body.events).toContainEqual(
      expect.objectContaining({ type: 'policy.decision', action: 'read', resource: { type: 'Client' }, reason: expect.any(String) }),
    );
    const failures = await events({ type: 'auth.failed' });
    expect(failures.body.events[0]).toMatchObject({ outcome: 'failure', reason: expect.stringMatching(/well-formed/) });
    expect(JSON.stringify(failures.body)).not.toContain('not.a.token');
    const admin = await events({ type: 'client-key.registered' });
    expect(admin.body.events).toContainEqual(
      expect.objectContaining({ actor: ADMIN.sub, resource: { type: 'ClientKey', client: 'sozawe-etl', kid: key.publicJwk.kid } }),
    );
  });

  it('records the policy version the gateway started with', async () => {
    const versions = await events({ type: 'policy.version' });
    expect(versions.body.events).toHaveLength(1);
    expect(versions.body.events[0]).toMatchObject({ actorKind: 'system', policyHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('records its own reads', async () => {
    await events({ organisation: 'gemeente-almere', limit: '5' });
    const reads = await events({ type: 'audit.read', actor: OFFICER.sub });
    expect(reads.body.events).toContainEqual(
      expect.objectContaining({ details: expect.objectContaining({ filter: { organisation: 'gemeente-almere' }, limit: 5 }) }),
    );
  });

  it('pages through results without gaps or repeats', async () => {
    const seen: number[] = [];
    let after = '-1';
    for (let page = 0; page < 100; page++) {
      const response = await events({ after, limit: '3' });
      seen.push(...response.body.events.map((e: { seq: number }) => e.seq));
      if (response.body.next === null) break;
      after = String(response.body.next);
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists every bad search parameter at once', async () => {
    const response = await request(t.server)
      .get('/v1/audit/events')
      .query({ from: 'yesterday', outcome: 'maybe', limit: '5000', colour: 'red' })
      .set('Authorization', await as(OFFICER));
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual(['colour', 'from', 'limit', 'outcome']);
    expectContract(response, 'get', '/v1/audit/events');
  });

  it('exports JSON lines that the offline verifier accepts, and CSV', async () => {
    const exported = await request(t.server).get('/v1/audit/export').set('Authorization', await as(OFFICER)).buffer(true);
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = exported.text.trimEnd().split('\n');
    const key = await request(t.server).get('/v1/audit/public-key');
    expect(key.status).toBe(200);
    expectContract(key, 'get', '/v1/audit/public-key');
    const report = await verifyExport(lines, { publicKey: key.body.publicKeyPem });
    expect(report.firstFailure).toBeUndefined();
    expect(report.ok).toBe(true);

    const csv = await request(t.server).get('/v1/audit/export').query({ format: 'csv', type: 'auth.failed' }).set('Authorization', await as(OFFICER)).buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.text.trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^seq,at,type,/);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((r) => r.includes('auth.failed'))).toBe(true);
  });

  it('gives inclusion and consistency proofs that verify against signed checkpoints', async () => {
    const { verifyInclusion, verifyConsistency } = await import('../../src/audit/core/merkle.js');
    const first = await request(t.server).post('/v1/audit/checkpoints').set('Authorization', await as(OFFICER));
    expect(first.status).toBe(201);
    expectContract(first, 'post', '/v1/audit/checkpoints');
    await events({ type: 'policy.decision' });
    const second = await request(t.server).post('/v1/audit/checkpoints').set('Authorization', await as(OFFICER));
    expect(second.body.treeSize).toBeGreaterThan(first.body.treeSize);

    const inclusion = await request(t.server)
      .get('/v1/audit/events/2/inclusion-proof')
      .query({ treeSize: String(second.body.treeSize) })
      .set('Authorization', await as(OFFICER));
    expect(inclusion.status).toBe(200);
    expectContract(inclusion, 'get', '/v1/audit/events/{seq}/inclusion-proof');
    const hex = (h: string) => Buffer.from(h, 'hex');
    expect(
      verifyInclusion(hex(inclusion.body.leafHash), 2, inclusion.body.treeSize, inclusion.body.proof.map(hex), hex(inclusion.body.checkpoint.rootHash)),
    ).toBe(true);

    const consistency = await request(t.server)
      .get('/v1/audit/consistency-proof')
      .query({ from: String(first.body.treeSize), to: String(second.body.treeSize) })
      .set('Authorization', await as(OFFICER));
    expect(consistency.status).toBe(200);
    expectContract(consistency, 'get', '/v1/audit/consistency-proof');
    expect(
      verifyConsistency(first.body.treeSize, second.body.treeSize, hex(first.body.rootHash), hex(second.body.rootHash), consistency.body.proof.map(hex)),
    ).toBe(true);
  });

  it('reports accesses and denials for the ethics review', async () => {
    const byPurpose = await request(t.server).get('/v1/audit/reports/accesses-by-organisation').set('Authorization', await as(OFFICER));
    expect(byPurpose.status).toBe(200);
    expect(byPurpose.body.rows).toContainEqual(expect.objectContaining({ key: 'gemeente-almere', deny: expect.any(Number) }));
    expectContract(byPurpose, 'get', '/v1/audit/reports/{report}');
    const denials = await request(t.server).get('/v1/audit/reports/denials').set('Authorization', await as(OFFICER));
    expect(denials.body.rows.some((r: { key: string }) => r.key.startsWith('auth.failed: '))).toBe(true);
    const unknown = await request(t.server).get('/v1/audit/reports/everything').set('Authorization', await as(OFFICER));
    expect(unknown.status).toBe(404);
  });

  it('fails closed: when the audit write fails, the action fails with 503 and leaves nothing', async () => {
    const key = await newSigningKey();
    // The audit log refuses exactly the event of this action: the policy decision before it is written,
    // the key row is inserted, then the action's own audit event fails inside the same transaction.
    await t.database.query(
      "ALTER TABLE audit_queue ADD CONSTRAINT refuse_for_test CHECK (event->>'type' <> 'client-key.registered') NOT VALID",
    );
    try {
      const response = await request(t.server)
        .post('/v1/admin/clients/onderwijs-etl/keys')
        .set('Authorization', await as(ADMIN))
        .send(key.publicJwk);
      expect(response.status).toBe(503);
      expect(response.body.type).toBe('urn:straatkubus:problem:service-unavailable');
      expect(response.text).not.toMatch(/audit_queue|relation|SQL/i);
      expectContract(response, 'post', '/v1/admin/clients/{clientId}/keys');
    } finally {
      await t.database.query('ALTER TABLE audit_queue DROP CONSTRAINT refuse_for_test');
    }
    const rows = await t.database.query('SELECT 1 FROM client_key WHERE kid = $1', [key.publicJwk.kid]);
    expect(rows).toEqual([]);
    const decision = await events({ actor: ADMIN.sub, action: 'create' });
    expect(decision.body.events.at(-1)).toMatchObject({ type: 'policy.decision', outcome: 'allow' });
  });
});
