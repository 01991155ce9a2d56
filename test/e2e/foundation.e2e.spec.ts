import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { expectContract } from '../support/contract.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('foundation over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ HTTP_BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports liveness and readiness', async () => {
    const live = await request(t.server).get('/health/live');
    expect(live.status).toBe(200);
    expectContract(live, 'get', '/health/live');
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'up', checks: { database: 'up' } });
    expectContract(ready, 'get', '/health/ready');
  });

  it('serves its OpenAPI document without a token, CORS open', async () => {
    const response = await request(t.server).get('/v1/openapi.json').set('Origin', 'https://elsewhere.example');
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/health/ready');
    expectContract(response, 'get', '/v1/openapi.json');
  });

  it('answers an unknown route with a problem, no stack trace', async () => {
    const response = await request(t.server).get('/v1/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ type: 'urn:straatkubus:problem:not-found', status: 404 });
    expect(response.text).not.toMatch(/at \S+ \(|Error:|node_modules/);
    expectContract(response, 'get');
  });

  it('answers a malformed JSON body with 400 and does not echo it', async () => {
    const response = await request(t.server)
      .post('/v1/openapi.json')
      .set('Content-Type', 'application/json')
      .send('{"bsn": "123456782", oops}');
    expect(response.status).toBe(400);
    expect(response.body.type).toBe('urn:straatkubus:problem:malformed-body');
    expect(response.text).not.toContain('123456782');
    expect(response.text).not.toContain('oops');
    expect(response.text).not.toMatch(/SyntaxError|position|at \S+ \(/);
    expectContract(response, 'post');
  });

  it('answers an oversized body with 413', async () => {
    const response = await request(t.server)
      .post('/v1/openapi.json')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(4096) }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ type: 'urn:straatkubus:problem:payload-too-large', status: 413 });
    expectContract(response, 'post');
  });

  it('sets the security and version headers on every response', async () => {
    for (const path of ['/health/live', '/v1/openapi.json', '/nope']) {
      const response = await request(t.server).get(path);
      expect(response.headers['api-version']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('carries one correlation id through response, problem and log line', async () => {
    const response = await request(t.server).get('/v1/missing').set('X-Request-ID', 'trace-0123456789');
    expect(response.headers['x-request-id']).toBe('trace-0123456789');
    expect(response.body.instance).toBe('urn:uuid:trace-0123456789');
    const line = t.logs.entries.find((e) => e.correlationId === 'trace-0123456789' && e.event === 'http.request');
    expect(line).toMatchObject({ method: 'GET', status: 404 });
  });

  it('replaces a correlation id that could inject into logs', async () => {
    const response = await request(t.server).get('/health/live').set('X-Request-ID', 'bad id\twith "quotes"');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
