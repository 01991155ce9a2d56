import type { Response } from 'express';
import { requestContext } from '../request-context.js';
import { PROBLEM_CONTENT_TYPE, type ProblemError } from './problem.js';

/** Writes a ProblemError as the response; for code that runs before Nest's exception filters (body parsing). */
export function sendProblem(response: Response, problem: ProblemError): void {
  const correlationId = requestContext.current()?.correlationId;
  const document = problem.toDocument(correlationId ? `urn:uuid:${correlationId}` : undefined);
  response.status(document.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(document));
}
