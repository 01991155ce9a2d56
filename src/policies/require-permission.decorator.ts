import { SetMetadata } from '@nestjs/common';
import type { SubjectActions, SubjectName } from './ability.factory.js';

export const REQUIRED_PERMISSION = 'straatkubus:required-permission';

export interface RequiredPermission {
  readonly action: SubjectActions[SubjectName];
  readonly subject: SubjectName;
}

/**
 * The permission a route needs on a subject type, checked by the PolicyGuard before the handler runs.
 * Object-level checks (whose batch, which dataset, which level) stay in the service.
 */
export const RequirePermission = <S extends SubjectName>(action: SubjectActions[S], subject: S): MethodDecorator =>
  SetMetadata(REQUIRED_PERMISSION, { action, subject } satisfies RequiredPermission);
