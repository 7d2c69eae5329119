import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PolicyModule } from '../policy/policy.module';
import { ArchiveReadController } from './archive-read.controller';
import { ArchiveReadService } from './archive-read.service';
import { ArchivePolicies } from './archive-selection';
import { ArchiveCatalogService } from './archive-catalog.service';
import { ArchiveExportService } from './archive-export.service';

/** The read side of archives: permitted users list archive tables, their columns, page through and export rows. */
@Module({
  imports: [PolicyModule, AuditModule],
  controllers: [ArchiveReadController],
  providers: [ArchivePolicies, ArchiveReadService, ArchiveCatalogService, ArchiveExportService],
})
export class ArchiveReadModule {}
