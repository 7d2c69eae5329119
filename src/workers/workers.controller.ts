import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/decorators/auth.decorator';
import { WorkersDto } from './dto/workers.dto';
import { WorkersService } from './workers.service';

@ApiTags('system')
@Auth({ roles: ['admin'] })
@Controller('system/workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @ApiOperation({
    summary: 'List the live workers and the runs each executes (admin)',
    description:
      'Every service process (and every queue worker) announces itself in the control database with a ' +
      'heartbeat every few seconds; one silent for 15 s is not listed. `queue` is null unless JOB_EXECUTION=queue.',
  })
  @ApiOkResponse({ type: WorkersDto, description: 'The workers' })
  list(): Promise<WorkersDto> {
    return this.workers.list();
  }
}
