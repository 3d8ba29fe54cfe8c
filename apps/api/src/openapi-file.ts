import { createApp } from './app';
import { ApiConfig } from './config/api.config';
import { buildOpenApiDocument } from './openapi';

/** Where the committed copy lives, relative to the repository root. */
export const OPENAPI_FILE = 'docs/openapi.json';

/**
 * The OpenAPI document as committed: built from the controllers without connecting to
 * anything (the database URL is never dialed).
 */
export async function renderOpenApiJson(): Promise<string> {
  const config = ApiConfig.fromEnv({ DATABASE_URL: 'postgres://openapi@127.0.0.1:1/unused' });
  const app = await createApp(config, { logger: false });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
