import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import type { AppLogger } from '../logging/app-logger.js';
import { ProblemError } from './problem.js';
import { sendProblem } from './send-problem.js';

/** Texts for statuses that Nest itself raises (unknown route, wrong method, …). */
const GENERIC: Readonly<Record<number, readonly [slug: string, title: string, detail: string]>> = {
  400: ['bad-request', 'Bad request', 'The request could not be understood.'],
  401: ['unauthorized', 'Unauthorized', 'A valid bearer token is required.'],
  403: ['forbidden', 'Forbidden', 'This request is not allowed.'],
  404: ['not-found', 'Not found', 'There is no resource at this path.'],
  405: ['method-not-allowed', 'Method not allowed', 'This method is not allowed here.'],
  406: ['not-acceptable', 'Not acceptable', 'None of the accepted media types can be produced.'],
  413: ['payload-too-large', 'Payload too large', 'The request body is too large.'],
  415: ['unsupported-media-type', 'Unsupported media type', 'This media type is not accepted here.'],
  429: ['too-many-requests', 'Too many requests', 'Slow down and try again later.'],
};
const INTERNAL = ['internal-error', 'Internal error', 'An unexpected error occurred; nothing was changed.'] as const;

/**
 * The one place where errors become responses. ProblemErrors speak for themselves; Nest's own
 * HttpExceptions get a generic text for their status (their messages can echo the request); anything
 * else is a 500 whose cause is logged by class name and code only, never by message.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: AppLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(exception);
    if (problem.status >= 500) {
      this.logger.event('error', 'request.failed', {
        status: problem.status,
        errorClass: exception instanceof Error ? exception.name : typeof exception,
        errorCode: errorCode(exception),
      });
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    sendProblem(response, problem);
  }
}

function toProblem(exception: unknown): ProblemError {
  if (exception instanceof ProblemError) return exception;
  const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
  const [slug, title, detail] = GENERIC[status] ?? (status < 500 ? GENERIC[400]! : INTERNAL);
  return new ProblemError(status, slug, title, detail);
}

/** A short, non-personal code (a PostgreSQL SQLSTATE, a Node error code) if the error carries one. */
function errorCode(exception: unknown): string | undefined {
  if (typeof exception !== 'object' || exception === null || !('code' in exception)) return undefined;
  const code = (exception).code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}
