import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../common/project-root.js';

/** The contract: `openapi/gateway.yaml`, parsed once. It is the source of truth for routes and types. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly version: string; readonly title: string };
  readonly paths: Readonly<Record<string, unknown>>;
  readonly components: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export const OPENAPI_FILE = path.join('openapi', 'gateway.yaml');

export function loadOpenApiDocument(root: string = projectRoot()): OpenApiDocument {
  const document = parse(readFileSync(path.join(root, OPENAPI_FILE), 'utf8')) as OpenApiDocument;
  if (!/^\d+\.\d+\.\d+$/.test(document.info?.version ?? '')) {
    throw new Error(`${OPENAPI_FILE}: info.version must be a semantic version`);
  }
  return Object.freeze(document);
}

/** Injection token for the parsed OpenApiDocument. */
export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');
