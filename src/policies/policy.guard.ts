import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import { ForbiddenProblem } from '../common/problem/problem.js';
import { DecisionRecorder } from './decision-recorder.js';
import { PolicyDecisionPoint } from './policy-decision-point.js';
import { REQUIRED_PERMISSION, type RequiredPermission } from './require-permission.decorator.js';

/**
 * Global guard after authentication: a route marked @RequirePermission(action, subject) runs only when
 * the caller's ability (built per request from the policies in force today) allows it. The decision is
 * recorded either way; a denial answers 403 with the policy's reason.
 */
@Injectable()
export class PolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly pdp: PolicyDecisionPoint,
    private readonly recorder: DecisionRecorder,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.get<RequiredPermission | undefined>(REQUIRED_PERMISSION, context.getHandler());
    if (!required) return true;
    const principal = context.switchToHttp().getRequest<Request & { user?: Principal }>().user;
    if (!principal) return false;
    const decision = this.pdp.decide(principal, required.action, required.subject, {});
    await this.recorder.record(decision.record);
    if (!decision.allowed) {
      throw new ForbiddenProblem(decision.reason ?? 'The policy does not allow this.', { rule: decision.rule });
    }
    return true;
  }
}
