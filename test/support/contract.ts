import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { loadOpenApiDocument } from '../../src/openapi/openapi-document.js';

const document = loadOpenApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
(addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema({ ...document, $id: 'openapi.json' });

type Json = Record<string, unknown>;

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

function resolve(node: unknown): Json {
  let current = node as Json;
  while (typeof current.$ref === 'string') {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<unknown>((n, p) => (n as Json)[p.replaceAll('~1', '/').replaceAll('~0', '~')], document) as Json;
  }
  return current;
}

/**
 * Asserts that a real response is one the contract promises: the operation declares its status,
 * its content type, and the body validates against the declared schema. Problem responses of any
 * route (also unknown ones) must match the Problem schema.
 */
export function expectContract(response: Response, method: string, pathTemplate?: string): void {
  expect(response.headers['api-version']).toBe(document.info.version);
  const contentType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (response.status >= 400) expect(contentType).toBe('application/problem+json');

  let schemaRef: string;
  if (pathTemplate === undefined) {
    schemaRef = 'openapi.json#/components/schemas/Problem';
  } else {
    const operation = (document.paths[pathTemplate] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    expect(operation).toBeDefined();
    const responses = operation!.responses as Json;
    const key = String(response.status) in responses ? String(response.status) : 'default';
    expect(Object.keys(responses)).toContain(key);
    const declared = resolve(responses[key]);
    const content = declared.content as Json | undefined;
    if (content === undefined) {
      expect(response.text ?? '').toBe('');
      return;
    }
    expect(Object.keys(content)).toContain(contentType);
    const raw = responses[key] as Json;
    const base =
      typeof raw.$ref === 'string'
        ? `openapi.json${raw.$ref}`
        : `openapi.json#/${pointer('paths', pathTemplate, method.toLowerCase(), 'responses', key)}`;
    schemaRef = `${base}/${pointer('content', contentType, 'schema')}`;
  }
  const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef });
  const body = contentType.endsWith('json') ? JSON.parse(response.text) : response.text;
  const valid = validate(body);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}
