/**
 * RFC 9457 problem details. Every 4xx/5xx the gateway sends is one of these, built from a ProblemError
 * (or mapped to one by the ProblemFilter). Texts are written by us: never a database message, a stack,
 * a raw identifier or a value from a record.
 */
export interface ProblemItem {
  /** What is wrong, in a sentence a partner's developer can act on. */
  readonly detail: string;
  /** JSON Pointer (RFC 6901) into the request body, when the problem is in the body. */
  readonly pointer?: string;
  /** Name of the query or path parameter, when the problem is in one. */
  readonly parameter?: string;
  /** Name of the header, when the problem is in one. */
  readonly header?: string;
  /** Stable machine-readable code. */
  readonly code?: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly ProblemItem[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_PREFIX = 'urn:straatkubus:problem:';

export function problemType(slug: string): string {
  return `${TYPE_PREFIX}${slug}`;
}

/** A domain error that knows its problem document. Subclass per kind; `slug` is the stable type. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly ProblemItem[],
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      ...this.extensions,
      type: problemType(this.slug),
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(instance !== undefined && { instance }),
      ...(this.errors !== undefined && this.errors.length > 0 && { errors: this.errors }),
    };
  }
}

export class ValidationProblem extends ProblemError {
  constructor(errors: readonly ProblemItem[], detail = 'The request has invalid parts; every one is listed in errors.') {
    super(400, 'validation-error', 'Invalid request', detail, errors);
  }
}

export class MalformedBodyProblem extends ProblemError {
  constructor(detail: string) {
    super(400, 'malformed-body', 'Malformed request body', detail);
  }
}

export class UnauthorizedProblem extends ProblemError {
  /** The rule the token broke, for the audit log (the detail repeats it for the caller). */
  reason = 'no valid bearer token';

  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthorized', 'Unauthorized', detail);
  }
}

export class ForbiddenProblem extends ProblemError {
  constructor(detail: string, extensions: Readonly<Record<string, unknown>> = {}) {
    super(403, 'forbidden', 'Forbidden', detail, undefined, extensions);
  }
}

export class NotFoundProblem extends ProblemError {
  constructor(detail = 'There is no resource at this path.') {
    super(404, 'not-found', 'Not found', detail);
  }
}

export class NotAcceptableProblem extends ProblemError {
  constructor(detail: string) {
    super(406, 'not-acceptable', 'Not acceptable', detail);
  }
}

export class ConflictProblem extends ProblemError {
  constructor(detail: string) {
    super(409, 'conflict', 'Conflict', detail);
  }
}

export class PayloadTooLargeProblem extends ProblemError {
  constructor(limitBytes: number) {
    super(413, 'payload-too-large', 'Payload too large', `The request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeProblem extends ProblemError {
  constructor(detail: string) {
    super(415, 'unsupported-media-type', 'Unsupported media type', detail);
  }
}

export class ServiceUnavailableProblem extends ProblemError {
  constructor(detail = 'The service cannot handle the request right now; nothing was changed. Try again later.') {
    super(503, 'service-unavailable', 'Service unavailable', detail);
  }
}
