import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PolicyModule } from '../policy/policy.module';
import { ArchiveReadController } from './archive-read.controller';
import { ArchiveReadService } from './archive-read.service';
import { ArchivePolicies } from './archive-selection';

/** The read side of archives: permitted users page through archived rows over HTTP. */
@Module({
  imports: [PolicyModule, AuditModule],
  controllers: [ArchiveReadController],
  providers: [ArchivePolicies, ArchiveReadService],
})
export class ArchiveReadModule {}
