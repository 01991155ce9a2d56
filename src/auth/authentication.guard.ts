import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Response } from 'express';
import { AppLogger } from '../common/logging/app-logger.js';
import { UnauthorizedProblem } from '../common/problem/problem.js';
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
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<TUser = Principal>(
    error: unknown,
    principal: TUser | false,
    info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (!error && principal) return principal;
    const reason =
      info instanceof AuthenticationError
        ? info.reason
        : error instanceof AuthenticationError
          ? error.reason
          : 'a valid bearer token is required';
    this.logger.event('warn', 'auth.failed', { reason });
    context
      .switchToHttp()
      .getResponse<Response>()
      .set('WWW-Authenticate', `Bearer realm="straatkubus", error="invalid_token"`);
    throw new UnauthorizedProblem(`Authentication failed: ${reason}.`);
  }
}
