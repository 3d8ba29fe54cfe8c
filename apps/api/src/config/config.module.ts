import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ApiConfig } from './api.config';

/** Makes the validated ApiConfig injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ApiConfig, useValue: config }],
      exports: [ApiConfig],
    };
  }
}
