/**
 * The current time, behind a small injectable so that tests can move it (policy expiry, retention).
 * Abstract class rather than interface: it doubles as the Nest injection token.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
