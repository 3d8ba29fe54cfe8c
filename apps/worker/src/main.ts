/**
 * The Warden worker process: polls one tenant's task queue and runs the interpreter workflow
 * and the step activities.
 *
 *   node -r @swc-node/register apps/worker/src/main.ts --tenant <id>
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWardenWorker, taskQueueFor } from '@warden/engine';
import { createJsonLogger } from './logger';
import { loadWorkerConfig } from './worker.config';

async function main(): Promise<void> {
  const logger = createJsonLogger('worker');
  const config = loadWorkerConfig(process.argv.slice(2), process.env);
  // We handle signals ourselves so shutdown is logged; the SDK would otherwise do it silently.
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });

  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWardenWorker({
    connection,
    namespace: config.namespace,
    tenantId: config.tenantId,
    ...(config.workflowBundle === undefined ? {} : { workflowBundle: { codePath: config.workflowBundle } }),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    logger,
  });

  // Ctrl-C followed by a supervisor's SIGTERM is common: only the first signal starts the
  // shutdown (the SDK throws if shutdown() is called twice); later ones are logged.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (worker.getState() !== 'RUNNING') {
        logger.info('already shutting down', { signal, state: worker.getState() });
        return;
      }
      logger.info('shutting down', { signal });
      worker.shutdown();
    });
  }

  logger.info('worker polling', {
    taskQueue: taskQueueFor(config.tenantId),
    namespace: config.namespace,
    temporalAddress: config.temporalAddress,
    pid: process.pid,
  });
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  // Config mistakes (WorkerConfigError names the variable) and unreachable servers: a message, no stack trace.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`warden worker: ${message}\n`);
  process.exit(1);
});
