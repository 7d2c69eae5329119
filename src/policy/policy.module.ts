import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArchiveModule } from '../archive/archive.module';
import { AuditModule } from '../audit/audit.module';
import { CONTROL_DB } from '../database/database.constants';
import { Policy } from './entities/policy.entity';
import { PolicyPreviewService } from './policy-preview.service';
import { PolicyController } from './policy.controller';
import { PolicyService } from './policy.service';

@Module({
  imports: [TypeOrmModule.forFeature([Policy], CONTROL_DB), ArchiveModule, AuditModule],
  controllers: [PolicyController],
  providers: [PolicyService, PolicyPreviewService],
  exports: [PolicyService, PolicyPreviewService],
})
export class PolicyModule {}
