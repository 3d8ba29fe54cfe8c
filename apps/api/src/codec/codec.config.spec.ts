import { CodecConfig } from './codec.config';

describe('CodecConfig', () => {
  it("allows the dev server's Web UI by default", () => {
    expect(CodecConfig.fromEnv({}).corsOrigins).toEqual(['http://localhost:8233', 'http://127.0.0.1:8233']);
    expect(CodecConfig.fromEnv({ WARDEN_CODEC_CORS_ORIGINS: ' ' }).corsOrigins).toHaveLength(2);
  });

  it('reads a comma-separated list of origins', () => {
    const config = CodecConfig.fromEnv({
      WARDEN_CODEC_CORS_ORIGINS: 'https://temporal.example.com, http://10.0.0.5:8080',
    });
    expect(config.corsOrigins).toEqual(['https://temporal.example.com', 'http://10.0.0.5:8080']);
  });

  it.each([
    ['a path', 'https://temporal.example.com/ui'],
    ['a trailing slash', 'https://temporal.example.com/'],
    ['no scheme', 'temporal.example.com'],
    ['another scheme', 'ftp://temporal.example.com'],
    ['an empty entry', 'https://a.example.com,,https://b.example.com'],
    ['a wildcard', '*'],
  ])('refuses %s, naming the variable', (_case, value) => {
    expect(() => CodecConfig.fromEnv({ WARDEN_CODEC_CORS_ORIGINS: value })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variable: 'WARDEN_CODEC_CORS_ORIGINS' }),
    );
  });
});
