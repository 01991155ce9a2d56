import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { UnauthorizedProblem } from '../common/problem/problem.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * Global guard: a route is closed unless it is marked @Public(). Authenticated routes open only
 * through the authentication guard that identity adds; forgetting a decorator fails closed.
 */
@Injectable()
export class DefaultDenyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic === true) return true;
    throw new UnauthorizedProblem();
  }
}
