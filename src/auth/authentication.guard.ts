import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AuditWriter } from '../audit/audit-writer.js';
import { AppLogger } from '../common/logging/app-logger.js';
import { ServiceUnavailableProblem, UnauthorizedProblem } from '../common/problem/problem.js';
import { BEARER_STRATEGY } from './bearer.strategy.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { AuthenticationError } from './token-verifier.js';

/**
 * Global guard, first in line: every route needs a verified bearer token unless it is marked
 * @Public(). Forgetting the decorator fails closed.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(BEARER_STRATEGY) {
  constructor(
    private readonly reflector: Reflector,
    private readonly logger: AppLogger,
    private readonly audit: AuditWriter,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    try {
      return (await super.canActivate(context)) as boolean;
    } catch (error) {
      if (error instanceof UnauthorizedProblem) {
        // Every failed authentication is audited; if even that fails, the caller gets 503, not 401.
        const request = context.switchToHttp().getRequest<Request>();
        await this.audit.appendNow({
          type: 'auth.failed',
          outcome: 'failure',
          reason: error.reason,
          action: request.method,
          resource: { type: 'route', path: routePattern(context) },
        });
      }
      throw error;
    }
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    principal: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (!error && principal) return principal;
    // A failure of our own (the replay store did not answer) is not the caller's fault: 503, not 401.
    if (error && !(error instanceof AuthenticationError)) throw new ServiceUnavailableProblem();
    const reason =
      info instanceof AuthenticationError
        ? info.reason
        : error instanceof AuthenticationError
          ? error.reason
          : 'a valid bearer token is required';
    this.logger.event('warn', 'auth.failed', { reason });
    const problem = new UnauthorizedProblem(`Authentication failed: ${reason}.`);
    problem.reason = reason;
    context
      .switchToHttp()
      .getResponse<Response>()
      .set('WWW-Authenticate', `Bearer realm="straatkubus", error="invalid_token"`);
    throw problem;
  }
}

/** The route as declared (`/v1/admin/clients/:clientId/keys`), never the concrete path with its values. */
function routePattern(context: ExecutionContext): string {
  const route = (context.switchToHttp().getRequest<Request>().route as { path?: string } | undefined)?.path;
  return route ?? 'unknown';
}
