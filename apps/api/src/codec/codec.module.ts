import { Module } from '@nestjs/common';
import { CodecConfig } from './codec.config';
import { CodecController } from './codec.controller';
import { CodecService } from './codec.service';

/**
 * The codec endpoint the Temporal Web UI decrypts payloads with. Its CORS middleware is mounted
 * in createApp (it must run before the router): see codec-cors.ts.
 */
@Module({
  controllers: [CodecController],
  providers: [
    // Read at boot, so a bad WARDEN_CODEC_CORS_ORIGINS stops the API with the variable's name.
    { provide: CodecConfig, useFactory: () => CodecConfig.fromEnv(process.env) },
    CodecService,
  ],
  exports: [CodecConfig],
})
export class CodecModule {}
