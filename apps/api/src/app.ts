import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { codecCorsMiddleware } from './codec/codec-cors';
import { CodecConfig } from './codec/codec.config';
import type { ApiConfig } from './config/api.config';
import { bodyParserErrorMiddleware } from './http/body-parser-errors';
import { answerClientError } from './http/client-error';
import { inputGuardMiddleware } from './http/input-guard';
import { methodNotAllowedMiddleware } from './http/method-not-allowed';
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
    ...(config.tls.https ? { httpsOptions: { cert: config.tls.https.cert, key: config.tls.https.key } } : {}),
  });
  app.disable('x-powered-by');
  // Requests Node's HTTP parser refuses never reach Express; they get our error body too.
  app.getHttpServer().on('clientError', answerClientError);
  // First, so even a body that fails to parse gets a request id.
  app.use(requestIdMiddleware);
  // Before the body parsers and the 405 check: the browser needs CORS headers on errors too.
  app.use(codecCorsMiddleware(app.get(CodecConfig).corsOrigins));
  // Not strict: `null` or `3` is JSON of the wrong shape, which the route's schema reports.
  app.useBodyParser('json', { limit: config.bodyLimitBytes, strict: false });
  app.useBodyParser('text', { type: YAML_MEDIA_TYPES, limit: config.bodyLimitBytes });
  app.use(bodyParserErrorMiddleware);
  app.use(inputGuardMiddleware);
  const document = buildOpenApiDocument(app);
  app.use(methodNotAllowedMiddleware(document));
  mountOpenApi(app, document);
  return app;
}
