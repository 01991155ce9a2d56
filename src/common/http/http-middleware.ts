import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AppLogger } from '../logging/app-logger.js';
import {
  MalformedBodyProblem,
  PayloadTooLargeProblem,
  type ProblemError,
  UnsupportedMediaTypeProblem,
} from '../problem/problem.js';
import { sendProblem } from '../problem/send-problem.js';
import { requestContext } from '../request-context.js';

const CORRELATION_HEADER = 'X-Request-ID';
const SAFE_CORRELATION_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * First in the chain: gives the request a correlation id (the caller's, if it is a plain token, else a
 * new UUID), runs the rest of the request inside that context, sets the headers every response carries,
 * and logs one line when the response is done.
 */
export function requestContextMiddleware(logger: AppLogger, apiVersion: string): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const offered = request.get(CORRELATION_HEADER);
    const correlationId = offered && SAFE_CORRELATION_ID.test(offered) ? offered : randomUUID();
    const started = process.hrtime.bigint();
    response.set({
      [CORRELATION_HEADER]: correlationId,
      'API-Version': apiVersion,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'Cache-Control': 'no-store',
    });
    requestContext.run({ correlationId }, () => {
      response.on('finish', () => {
        logger.event('info', 'http.request', {
          method: request.method,
          // The matched route pattern when there is one: paths can carry codes, never query strings.
          route: (request.route as { path?: string } | undefined)?.path ?? request.path,
          status: response.statusCode,
          durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        });
      });
      next();
    });
  };
}

/**
 * JSON bodies, parsed by express with a size limit; a parse failure is answered here as problem+json
 * (it happens before Nest's exception filters). Other media types are left for their own routes
 * (batch uploads stream CSV and NDJSON and never pass through here).
 */
export function jsonBodyMiddleware(limitBytes: number, streamedRoutes: readonly RegExp[] = []): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'POST' && streamedRoutes.some((route) => route.test(request.path))) return next();
    parse(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      sendProblem(response, bodyProblem(error, limitBytes));
    });
  };
}

function bodyProblem(error: unknown, limitBytes: number): ProblemError {
  const type = (error as { type?: unknown }).type;
  switch (type) {
    case 'entity.too.large':
      return new PayloadTooLargeProblem(limitBytes);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeProblem('JSON bodies must be UTF-8.');
    case 'entity.parse.failed':
      // body-parser's message quotes the body; say where, not what.
      return new MalformedBodyProblem('The body is not valid JSON.');
    default:
      return new MalformedBodyProblem('The request body could not be read.');
  }
}
