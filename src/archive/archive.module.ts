import { Module } from '@nestjs/common';
import { ArchivalEngine } from './archival-engine';
import { ArchiveTableManager } from './archive-table-manager';

@Module({
  providers: [ArchivalEngine, ArchiveTableManager],
  exports: [ArchivalEngine, ArchiveTableManager],
})
export class ArchiveModule {}
