import { Module } from '@nestjs/common';
import { PurgeEngine } from './purge-engine';

@Module({
  providers: [{ provide: PurgeEngine, useFactory: () => new PurgeEngine() }],
  exports: [PurgeEngine],
})
export class PurgeModule {}
