import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startService } from './service.js';

// The only file that touches argv, the environment and signals.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`connectors-api: invalid configuration: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // One failing request must never take the process down; log it and keep serving.
  process.on('uncaughtException', (err) => logger.error('uncaught exception', { error: err }));
  process.on('unhandledRejection', (err) => logger.error('unhandled rejection', { error: err }));
}

main().catch((err: unknown) => {
  process.stderr.write(`connectors-api: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
