import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { AppLogger } from './common/logging/app-logger.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { PolicyError } from './policies/policy-error.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const app = await createApp(config);
  const logger = app.get(AppLogger);
  await app.listen(config.port, config.host);
  const server = app.getHttpServer();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.event('info', 'gateway.started', {
    url: `http://${config.host}:${port}`,
    database: config.database.kind,
  });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'gateway.stopping', { signal, graceMs: config.http.shutdownGraceMs });
    // Stop accepting, let open requests finish, then close the database.
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), config.http.shutdownGraceMs);
    force.unref();
    app
      .close()
      .then(() => {
        logger.event('info', 'gateway.stopped');
        process.exit(0);
      })
      .catch(() => {
        logger.event('error', 'gateway.stop-failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  // A policy set that does not check out is a configuration error, like a bad environment.
  process.exit(error instanceof PolicyError ? 78 : 1);
});
