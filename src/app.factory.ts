import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module.js';
import { type Clock, SystemClock } from './common/clock.js';
import { jsonBodyMiddleware, requestContextMiddleware } from './common/http/http-middleware.js';
import { AppLogger } from './common/logging/app-logger.js';
import type { AppConfig } from './config/app-config.js';
import { loadOpenApiDocument } from './openapi/openapi-document.js';

export interface CreateAppOptions {
  /** Where log lines go (stdout when absent); tests pass a sink to read what was logged. */
  readonly logDestination?: DestinationStream;
  /** The clock every module reads (tests pass one they can move). */
  readonly clock?: Clock;
}

/**
 * Builds the whole gateway (opens the database and migrates it), ready to `listen` or to be driven by
 * supertest. main.ts and the e2e tests share this, so tests exercise exactly what runs in production.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const logger = new AppLogger(config.logLevel, options.logDestination);
  const document = loadOpenApiDocument();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register({ config, document, logger, clock: options.clock ?? new SystemClock() }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestContextMiddleware(logger, document.info.version));
  // Batch uploads stream their bodies through the ingestion pipeline, JSON arrays included.
  app.use(jsonBodyMiddleware(config.http.bodyLimitBytes, [/^\/v1\/datasets\/[^/]+\/batches$/]));
  await app.init();
  return app;
}
