import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport';
import type { Principal } from './principal.js';
import { AuthenticationError, TokenVerifier } from './token-verifier.js';

type Verify = (token: string, done: (error: unknown, principal?: Principal | false) => void) => void;

/** A passport strategy that reads `Authorization: Bearer <jwt>` and hands the token to a verify callback. */
class BearerTokenStrategy extends Strategy {
  constructor(private readonly verifyToken: Verify) {
    super();
  }

  override authenticate(request: Request): void {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*\.[A-Za-z0-9_=-]*)$/.exec(header);
    if (!match) {
      this.fail(new AuthenticationError(header === undefined ? 'a bearer token is required' : 'the Authorization header is not a bearer JWT'), 401);
      return;
    }
    this.verifyToken(match[1]!, (error, principal) => {
      if (error instanceof AuthenticationError) this.fail(error, 401);
      else if (error) this.error(error);
      else if (!principal) this.fail(new AuthenticationError('the token is invalid'), 401);
      else this.success(principal);
    });
  }
}

export const BEARER_STRATEGY = 'bearer-jwt';

@Injectable()
export class BearerStrategy extends PassportStrategy(BearerTokenStrategy, BEARER_STRATEGY) {
  constructor(private readonly verifier: TokenVerifier) {
    super();
  }

  validate(token: string): Promise<Principal> {
    return this.verifier.verify(token);
  }
}
