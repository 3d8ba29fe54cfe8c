import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PluginKeysController } from './plugin-keys.controller';
import { PluginPinner } from './plugin-pinner';
import { PluginSchemas } from './plugin-schemas';
import { PLUGIN_TEST_RUNNER } from './plugin-test-runner';
import { PluginTestingService } from './plugin-testing.service';
import { PluginTrustService } from './plugin-trust.service';
import { PluginRegistryConfig } from './plugins.config';
import { PluginsController } from './plugins.controller';
import { PluginsService } from './plugins.service';
import { SandboxPluginTestRunner } from './sandbox-test-runner';

/** The plugin registry; exports the PluginPinner that workflow versions pin their plugins with. */
@Module({
  imports: [AuditModule],
  controllers: [PluginsController, PluginKeysController],
  providers: [
    // Read at boot, so a bad WARDEN_PLATFORM_PUBLISHER_KEYS stops the API with the variable's name.
    { provide: PluginRegistryConfig, useFactory: () => PluginRegistryConfig.fromEnv(process.env) },
    { provide: PLUGIN_TEST_RUNNER, useClass: SandboxPluginTestRunner },
    PluginSchemas,
    PluginsService,
    PluginTrustService,
    PluginTestingService,
    PluginPinner,
  ],
  exports: [PluginPinner],
})
export class PluginsModule {}
