import { Global, Module } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DecisionRecorder } from '../policies/decision-recorder.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditService } from './audit.service.js';
import { AuditWriter } from './audit-writer.js';
import { loadCheckpointKey } from './checkpoint-key.js';
import { CHECKPOINT_KEY, CheckpointService } from './checkpoint.service.js';
import { PolicyVersionRecorder } from './policy-version.recorder.js';

/** The tamper-evident audit log: every module writes through AuditWriter; privacy officers read it. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditWriter,
    DecisionRecorder,
    AuditRepository,
    AuditSequencer,
    CheckpointService,
    AuditService,
    PolicyVersionRecorder,
    {
      provide: CHECKPOINT_KEY,
      inject: [APP_CONFIG, AppLogger],
      useFactory: async (config: AppConfig, logger: AppLogger) => {
        const { key, created } = await loadCheckpointKey(config.audit.signingKeyFile);
        if (created) logger.event('warn', 'audit.signing-key-created', { file: config.audit.signingKeyFile });
        return key;
      },
    },
  ],
  exports: [AuditWriter, DecisionRecorder, AuditSequencer],
})
export class AuditModule {}
