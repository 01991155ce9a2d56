import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AuditRepository } from './audit.repository.js';

const BATCH = 5000;

/**
 * Moves queued events into the log on a short timer, and on demand (`flush`) before anything reads the
 * log, so a reader always sees every event committed before its request. Calls within one process are
 * chained; across processes the tree row lock serialises them.
 */
@Injectable()
export class AuditSequencer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly repository: AuditRepository,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.flush().catch(() => this.logger.event('error', 'audit.sequencer-failed'));
    }, this.config.audit.sequenceIntervalMs);
    this.timer.unref();
  }

  /** Before the database closes: stop the timer and sequence what is still queued. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** Sequences everything queued so far; resolves with how many events that was. */
  flush(): Promise<number> {
    const next = this.running.then(
      () => this.drain(),
      () => this.drain(),
    );
    this.running = next;
    return next;
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.repository.sequence(BATCH);
      total += moved;
      if (moved < BATCH) return total;
    }
  }
}
