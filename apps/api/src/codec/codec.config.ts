import { ConfigError } from '../config/api.config';

type Env = Record<string, string | undefined>;

/** The Temporal dev server's Web UI (`warden dev`, `temporal server start-dev`). */
export const DEFAULT_CODEC_CORS_ORIGINS: readonly string[] = [
  'http://localhost:8233',
  'http://127.0.0.1:8233',
];

/** The codec endpoint's configuration, read once at boot and validated. */
export class CodecConfig {
  constructor(
    /**
     * WARDEN_CODEC_CORS_ORIGINS: comma-separated origins of the Temporal Web UIs allowed to call
     * /v1/codec/* from the browser (e.g. `https://temporal.example.com`). Default the dev UI:
     * http://localhost:8233 and http://127.0.0.1:8233.
     */
    readonly corsOrigins: readonly string[] = DEFAULT_CODEC_CORS_ORIGINS,
  ) {}

  /** Throws ConfigError naming the variable on the first entry that is not an origin. */
  static fromEnv(env: Env): CodecConfig {
    const raw = env.WARDEN_CODEC_CORS_ORIGINS;
    if (raw === undefined || raw.trim() === '') return new CodecConfig();
    return new CodecConfig(
      raw.split(',').map((entry) => originVar('WARDEN_CODEC_CORS_ORIGINS', entry.trim())),
    );
  }
}

/** `https://host[:port]` exactly as a browser sends it in `Origin`: no path, no trailing slash. */
function originVar(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `'${value}' is not an origin such as https://temporal.example.com`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== value) {
    throw new ConfigError(
      name,
      `'${value}' is not an origin: use scheme://host[:port] without path or trailing slash (${url.origin})`,
    );
  }
  return value;
}
