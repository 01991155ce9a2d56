import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../generated/openapi.js';
import type { TokenSigner } from './partner-token.js';

export type GatewayClient = Client<paths>;

export interface GatewayClientOptions {
  /** e.g. http://127.0.0.1:3000 (no /v1: the paths carry it). */
  readonly baseUrl: string;
  readonly signer: TokenSigner;
  /** Replaces globalThis.fetch (tests). */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/**
 * Puts a freshly signed token on every request that passes through the client. Retries go through
 * the client again, so each attempt carries its own token: the gateway accepts a jti only once.
 */
export function signingMiddleware(signer: TokenSigner): Middleware {
  return {
    async onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${await signer.sign()}`);
      return request;
    },
  };
}

/** A client typed by the gateway's contract (src/generated/openapi.ts) that signs every request. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch && { fetch: options.fetch }),
  });
  client.use(signingMiddleware(options.signer));
  return client;
}
