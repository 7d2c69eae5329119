import { Module } from '@nestjs/common';
import { ArchivalEngine } from './archival-engine';
import { ArchiveTableManager } from './tables/archive-table-manager';

/**
 * The engines are plain classes (no Nest decorators, no config): the server, the CLI and the
 * benchmark worker construct them alike, and the worker loads without the framework.
 */
@Module({
  providers: [
    { provide: ArchiveTableManager, useFactory: () => new ArchiveTableManager() },
    {
      provide: ArchivalEngine,
      useFactory: (tables: ArchiveTableManager) => new ArchivalEngine(tables),
      inject: [ArchiveTableManager],
    },
  ],
  exports: [ArchivalEngine, ArchiveTableManager],
})
export class ArchiveModule {}
