import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { CONNECTION_NAME_RULE } from './connection-names';
import { ConnectionsService } from './connections.service';
import { ConnectionNameParams, CreateConnectionDto, UpdateConnectionDto } from './dto/connection-body.dto';
import { ConnectionDto, ConnectionTestDto } from './dto/connection.dto';

const NO_CONNECTION = 'no connection named "shop_eu" (GET /api/v1/connections lists them)';

@ApiTags('connections')
@Auth({ roles: ['admin'] })
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a database connection (admin)',
    description: 'Its password is stored encrypted under ENCRYPTION_KEY and never returned.',
  })
  @ApiCreatedResponse({ type: ConnectionDto, description: 'Added' })
  @ApiErrorResponse(400, 'Bad name, role, URL, field or option', [CONNECTION_NAME_RULE])
  @ApiErrorResponse(
    409,
    'The name is taken or built in, or a password is given but ENCRYPTION_KEY is not set',
    'a connection named "shop_eu" already exists',
  )
  create(@Body() body: CreateConnectionDto, @CurrentUser() user: AuthenticatedUser): Promise<ConnectionDto> {
    const { name, ...input } = body;
    return this.connections.create(name, input, user);
  }

  @Get()
  @ApiOperation({
    summary: 'List the connections, the built-in source and archive first (admin)',
    description: 'Never a password: `hasPassword` says whether one is stored. `usedBy` names the policies of each.',
  })
  @ApiOkResponse({ type: [ConnectionDto], description: 'Every connection' })
  list(): Promise<ConnectionDto[]> {
    return this.connections.list();
  }

  @Get(':name')
  @ApiOperation({
    summary: 'Read one connection, without its password (admin)',
    description: 'Built-in connections show the variable that configures them (`configuredBy`).',
  })
  @ApiOkResponse({ type: ConnectionDto, description: 'The connection' })
  @ApiErrorResponse(400, 'The name cannot be a connection name', [CONNECTION_NAME_RULE])
  @ApiErrorResponse(404, 'No such connection', NO_CONNECTION)
  get(@Param() params: ConnectionNameParams): Promise<ConnectionDto> {
    return this.connections.get(params.name);
  }

  @Put(':name')
  @ApiOperation({
    summary: 'Replace a connection (admin)',
    description:
      'A password left out is kept. Runs using the old settings finish on them; new runs get a new pool. ' +
      'The built-in source and archive are read-only here.',
  })
  @ApiOkResponse({ type: ConnectionDto, description: 'Replaced' })
  @ApiErrorResponse(400, 'Bad name, role, URL, field or option', ['role must be one of: source, archive'])
  @ApiErrorResponse(404, 'No such connection', NO_CONNECTION)
  @ApiErrorResponse(
    409,
    'Built in, or policies rely on its role or engine (the message names them)',
    '"source" is a built-in connection, configured by SOURCE_DB_URL: change it there (it is read-only through the API)',
  )
  update(
    @Param() params: ConnectionNameParams,
    @Body() body: UpdateConnectionDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ConnectionDto> {
    return this.connections.update(params.name, body, user);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Remove a connection that no policy uses (admin)',
    description: 'Its stored password goes with it; its pool closes once the runs using it have finished.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrorResponse(400, 'The name cannot be a connection name', [CONNECTION_NAME_RULE])
  @ApiErrorResponse(404, 'No such connection', NO_CONNECTION)
  @ApiErrorResponse(
    409,
    'Built in, or used by policies (the message names them)',
    'connection "shop_eu" is used by 1 policy: shop_eu/orders; delete them or point them at another connection first',
  )
  async remove(@Param() params: ConnectionNameParams, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.connections.remove(params.name, user);
  }

  @Post(':name/test')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Test a connection now: DNS, connect, login, database, privileges for its role (admin)',
    description:
      'A source needs SELECT and DELETE; an archive SELECT, INSERT, UPDATE, DELETE, CREATE and ALTER. ' +
      'Answers 200 whatever the outcome; `ok` and the checks say what failed.',
  })
  @ApiOkResponse({ type: ConnectionTestDto, description: 'What the checks found' })
  @ApiErrorResponse(400, 'The name cannot be a connection name', [CONNECTION_NAME_RULE])
  @ApiErrorResponse(404, 'No such connection', NO_CONNECTION)
  test(@Param() params: ConnectionNameParams, @CurrentUser() user: AuthenticatedUser): Promise<ConnectionTestDto> {
    return this.connections.test(params.name, user);
  }
}
