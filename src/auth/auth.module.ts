import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppLogger } from '../common/logging/app-logger.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Database } from '../database/database.js';
import { PolicyStore } from '../policies/policy-store.js';
import { AuthenticationGuard } from './authentication.guard.js';
import { BearerStrategy } from './bearer.strategy.js';
import { ClientKeyRepository } from './client-key.repository.js';
import { resolveIdentity, type ResolvedIdentity } from './identity-provider.js';
import { MeController } from './me.controller.js';
import { MeService } from './me.service.js';
import { TokenReplayRepository } from './token-replay.repository.js';
import { TokenVerifier } from './token-verifier.js';

const RESOLVED_IDENTITY = Symbol('RESOLVED_IDENTITY');
const REPLAY_PURGE_INTERVAL_MS = 10 * 60 * 1000;

@Module({
  controllers: [MeController],
  providers: [
    ClientKeyRepository,
    TokenReplayRepository,
    MeService,
    {
      provide: RESOLVED_IDENTITY,
      inject: [APP_CONFIG, PolicyStore, ClientKeyRepository, Database, AppLogger],
      useFactory: async (
        config: AppConfig,
        store: PolicyStore,
        keys: ClientKeyRepository,
        database: Database,
        logger: AppLogger,
      ): Promise<ResolvedIdentity> => {
        const resolved = await resolveIdentity(config, store.policies);
        if (resolved.demoKeys) {
          const demoKeys = resolved.demoKeys;
          await database.withTransaction(async (tx) => {
            for (const [clientId, jwk] of demoKeys.clientPublic) await keys.register(tx, clientId, jwk.kid!, jwk);
          });
          logger.event('info', 'auth.demo-identities', { clients: demoKeys.clientPublic.size });
        }
        return resolved;
      },
    },
    {
      provide: TokenVerifier,
      inject: [APP_CONFIG, PolicyStore, ClientKeyRepository, TokenReplayRepository, Clock, RESOLVED_IDENTITY],
      useFactory: (
        config: AppConfig,
        store: PolicyStore,
        keys: ClientKeyRepository,
        replay: TokenReplayRepository,
        clock: Clock,
        identity: ResolvedIdentity,
      ) =>
        new TokenVerifier({
          audience: config.auth.audience,
          clockToleranceSeconds: config.auth.clockToleranceSeconds,
          policies: () => store.policies,
          now: () => clock.now(),
          clientKey: (clientId, kid) => keys.findActive(clientId, kid),
          claimJti: (clientId, jti, expiresAt) => replay.claim(clientId, jti, expiresAt),
          identityProvider: identity.identityProvider,
        }),
    },
    BearerStrategy,
    AuthenticationGuard,
  ],
  exports: [AuthenticationGuard, ClientKeyRepository],
})
export class AuthModule implements OnModuleInit, OnModuleDestroy {
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(TokenReplayRepository) private readonly replay: TokenReplayRepository,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.purgeTimer = setInterval(() => {
      this.replay.purgeExpired(this.clock.now(), this.config.auth.clockToleranceSeconds).catch(() => undefined);
    }, REPLAY_PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }
}
