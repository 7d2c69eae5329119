import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { AuditService } from './audit.service';
import { AuditEntryDto } from './dto/audit-entry.dto';
import { AuditQueryDto } from './dto/audit-query.dto';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'List audit entries, newest first (admin)' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  @ApiBadRequestResponse({ description: 'A filter or the limit is malformed' })
  list(@Query() query: AuditQueryDto): Promise<AuditEntryDto[]> {
    return this.audit.find(query);
  }
}
