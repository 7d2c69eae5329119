import { Module } from '@nestjs/common';
import { PurgeEngine } from './purge-engine';

@Module({
  providers: [PurgeEngine],
  exports: [PurgeEngine],
})
export class PurgeModule {}
