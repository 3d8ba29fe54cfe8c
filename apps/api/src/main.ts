import { Logger } from '@nestjs/common';
import { prepareDatabase } from '@warden/persistence';
import { bootstrapPlatformAdmin } from '@warden/provisioning';
import { createApp } from './app';
import { ApiConfig, ConfigError } from './config/api.config';
import { RedactingLogger } from './logging/redacting-logger';
import { OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './openapi';

async function main(): Promise<void> {
  // Before anything logs: every line of the process, Nest's own included, is redacted.
  Logger.overrideLogger(new RedactingLogger());
  const logger = new Logger('warden-api');
  const config = ApiConfig.fromEnv(process.env);
  logger.log(`configuration: ${JSON.stringify(config.describe())}`);

  const { applied } = await prepareDatabase(config.databaseUrl, {
    role: config.databaseAppRole,
    ...(config.databaseAppPassword === undefined ? {} : { password: config.databaseAppPassword }),
  });
  logger.log(
    applied.length > 0 ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date',
  );

  if (config.bootstrap) {
    const { tenant, email, password } = config.bootstrap;
    const result = await bootstrapPlatformAdmin({
      databaseUrl: config.databaseUrl,
      tenantSlug: tenant,
      email,
      password,
    });
    logger.log(
      `bootstrap: tenant ${result.tenant.slug} ${result.tenant.created ? 'created' : 'exists'}, ` +
        `owner ${result.user.email} ${result.user.created ? 'created' : 'exists (password unchanged)'}`,
    );
  }

  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const base = (await app.getUrl()).replace('[::1]', 'localhost');
  logger.log(`API          ${base}/v1`);
  logger.log(`OpenAPI UI   ${base}/${OPENAPI_UI_PATH}`);
  logger.log(`OpenAPI JSON ${base}/${OPENAPI_JSON_PATH}`);
  logger.log(`Readiness    ${base}/readyz`);
}

main().catch((err: unknown) => {
  // Boot failures are operator problems: one clear line, no stack for configuration errors.
  const message =
    err instanceof ConfigError
      ? `invalid configuration: ${err.message}`
      : String(err instanceof Error ? (err.stack ?? err.message) : err);
  process.stderr.write(`warden-api failed to start: ${message}\n`);
  process.exit(1);
});
