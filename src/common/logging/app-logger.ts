import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../../config/app-config.js';
import { requestContext } from '../request-context.js';

/**
 * Structured JSON logging: one object per line, each carrying the correlation id of the request it
 * belongs to. Messages are written by our own code only; never pass request bodies, identifiers or
 * database errors in here (the problem filter logs error *classes*, not their texts from the database).
 */
export class AppLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(level: LogLevel, destination?: DestinationStream) {
    this.logger = pino(
      {
        level,
        base: { service: 'straatkubus-gateway' },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const context = requestContext.current();
          return context ? { correlationId: context.correlationId } : {};
        },
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** A structured event: `event` names what happened, `fields` are plain, non-personal values. */
  event(level: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}): void {
    this.logger[level]({ event, ...fields });
  }

  /**
   * Nest calls `log(message, context)` and `error(message, stack, context)`; the last string argument is
   * the context (the class that logged). Stacks are kept out of the log line on purpose: they can
   * carry values from the request.
   */
  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...(message as Record<string, unknown>), context });
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
