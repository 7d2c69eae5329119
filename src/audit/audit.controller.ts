import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
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
  @ApiOperation({
    summary: 'List audit entries, newest first (admin)',
    description:
      'User changes, policy changes, runs, logins that failed and archive reads; every filter is an exact match.',
  })
  @ApiOkResponse({ type: [AuditEntryDto], description: 'The entries' })
  @ApiErrorResponse(400, 'A filter or the limit is malformed', ['limit must be an integer from 1 to 1000'])
  list(@Query() query: AuditQueryDto): Promise<AuditEntryDto[]> {
    return this.audit.find(query);
  }
}
