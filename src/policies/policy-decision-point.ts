import type { Principal } from '../auth/principal.js';
import type { Clock } from '../common/clock.js';
import {
  type AppAbility,
  buildAbility,
  type PolicyContext,
  type SubjectActions,
  type SubjectAttributes,
  type SubjectName,
} from './ability.factory.js';
import { type Decision, decide, decideIndicator } from './policy-decision.js';
import type { GeographyLevel } from './policy-set.js';
import type { PolicyStore } from './policy-store.js';

/**
 * The policies in force applied at the clock's current time: one place for guards and services to
 * ask. Expiry needs no restart because every call reads the clock.
 */
export class PolicyDecisionPoint {
  constructor(
    private readonly store: PolicyStore,
    private readonly clock: Clock,
  ) {}

  /** The CASL ability for one request, e.g. for `ForbiddenError.from(ability).throwUnlessCan(...)`. */
  ability(principal: Principal, purpose?: string): AppAbility {
    return buildAbility(this.store.policies, principal, this.context(purpose));
  }

  decide<S extends SubjectName>(
    principal: Principal,
    action: SubjectActions[S],
    subjectType: S,
    attributes: SubjectAttributes[S],
    purpose?: string,
  ): Decision {
    return decide(this.store.policies, principal, this.context(purpose), action, subjectType, attributes);
  }

  decideIndicator(principal: Principal, purpose: string | undefined, datasets: readonly string[], level: GeographyLevel): Decision {
    return decideIndicator(this.store.policies, principal, this.context(purpose), datasets, level);
  }

  private context(purpose: string | undefined): PolicyContext {
    return purpose === undefined ? { at: this.clock.now() } : { purpose, at: this.clock.now() };
  }
}
