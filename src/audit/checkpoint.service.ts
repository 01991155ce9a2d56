import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AuditRepository, type StoredCheckpoint } from './audit.repository.js';
import { AuditSequencer } from './audit-sequencer.js';
import type { CheckpointKey } from './checkpoint-key.js';
import { type Checkpoint, signCheckpoint } from './core/checkpoint.js';
import { MerkleAccumulator } from './core/merkle.js';

export const CHECKPOINT_KEY = Symbol('CHECKPOINT_KEY');

/** Signed checkpoints (origin, size, root, time): issued on a timer when the log has grown, and on demand. */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: AuditRepository,
    private readonly sequencer: AuditSequencer,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHECKPOINT_KEY) private readonly key: CheckpointKey,
  ) {}

  get publicKeyPem(): string {
    return this.key.publicPem;
  }

  get origin(): string {
    return this.config.audit.origin;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.issueIfGrown().catch(() => this.logger.event('error', 'audit.checkpoint-failed'));
    }, this.config.audit.checkpointIntervalSeconds * 1000);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Sequences what is queued, then signs and stores a checkpoint of the whole log as it now stands. */
  async issue(): Promise<Checkpoint> {
    await this.sequencer.flush();
    const tree = await this.repository.treeState();
    const root = MerkleAccumulator.fromFrontier({ size: tree.size, hashes: tree.frontier }).root();
    const checkpoint = signCheckpoint(
      this.config.audit.origin,
      tree.size,
      root.toString('hex'),
      this.clock.now().toISOString(),
      this.key.privateKey,
    );
    await this.repository.saveCheckpoint(checkpoint);
    return checkpoint;
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    return (await this.repository.checkpoints(1))[0];
  }

  private async issueIfGrown(): Promise<void> {
    await this.sequencer.flush();
    const [tree, latest] = await Promise.all([this.repository.treeState(), this.latest()]);
    if (tree.size > (latest?.treeSize ?? 0)) await this.issue();
  }
}
