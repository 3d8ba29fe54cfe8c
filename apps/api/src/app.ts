import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { ApiConfig } from './config/api.config';
import { bodyParserErrorMiddleware } from './http/body-parser-errors';
import { requestIdMiddleware } from './http/request-id';
import { buildOpenApiDocument, mountOpenApi } from './openapi';
import { YAML_MEDIA_TYPES } from './workflows/workflow-source';

export interface CreateAppOptions {
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * Builds the API without connecting or listening: `await app.listen(port, host)` connects to
 * PostgreSQL (Temporal connects lazily). Tests start it in-process on port 0.
 */
export async function createApp(config: ApiConfig, opts: CreateAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    // Our own parsers below: JSON keeps its raw text (line numbers), YAML arrives as text.
    bodyParser: false,
    rawBody: true,
    abortOnError: false,
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
  });
  app.disable('x-powered-by');
  // First, so even a body that fails to parse gets a request id.
  app.use(requestIdMiddleware);
  app.useBodyParser('json', { limit: config.bodyLimitBytes });
  app.useBodyParser('text', { type: YAML_MEDIA_TYPES, limit: config.bodyLimitBytes });
  app.use(bodyParserErrorMiddleware);
  mountOpenApi(app, buildOpenApiDocument(app));
  return app;
}
