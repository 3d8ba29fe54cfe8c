import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BEARER_SCHEME } from './auth/permissions';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs/openapi.json';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const info = new DocumentBuilder()
    .setTitle('Warden API')
    .setDescription(
      'Control plane of Warden, a durable workflow engine on Temporal. Errors are ' +
        '`{ error: { code, message, details? }, requestId }`; every route names its permission in ' +
        '`x-warden-permission`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'An access token from /v1/auth/login, or an API key (wdn_...)',
      },
      BEARER_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, info);
}

/** Serves the UI at /docs and the document at /docs/openapi.json. */
export function mountOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
