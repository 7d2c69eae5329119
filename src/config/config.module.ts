import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadAppConfigFromEnvironment } from './environment';

/**
 * Provides the validated AppConfig everywhere. `forRoot()` reads the environment; tests and tools
 * pass a config they built with `buildAppConfig()`.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useFactory: () => config ?? loadAppConfigFromEnvironment() }],
      exports: [AppConfig],
    };
  }
}
