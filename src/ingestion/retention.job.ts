import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import { IngestionService } from './ingestion.service.js';

const EVERY_HOUR_MS = 60 * 60 * 1000;

/** Purges records past their agreement's retention period: at start-up and every hour after. */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ingestion: IngestionService,
    private readonly logger: AppLogger,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => {
      this.ingestion
        .purgeExpired()
        .then((n) => n > 0 && this.logger.event('info', 'retention.purged', { batches: n }))
        .catch(() => this.logger.event('error', 'retention.failed'));
    };
    this.timer = setInterval(run, EVERY_HOUR_MS);
    this.timer.unref();
    setImmediate(run);
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
