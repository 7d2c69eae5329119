import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ConnectionErrorFilter } from './connection-error.filter';
import { ConnectionsService } from './connections.service';
import { ConnectionNameParams, CreateConnectionDto, UpdateConnectionDto } from './dto/connection-body.dto';
import { ConnectionDto, ConnectionTestDto } from './dto/connection.dto';

@ApiTags('connections')
@Auth({ roles: ['admin'] })
@UseFilters(ConnectionErrorFilter)
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Add a database connection (admin)',
    description: 'Its password is stored encrypted under ENCRYPTION_KEY and never returned.',
  })
  @ApiCreatedResponse({ type: ConnectionDto })
  @ApiBadRequestResponse({ description: 'Bad name, role, URL, field or option' })
  @ApiConflictResponse({
    description: 'The name is taken or built in, or a password is given but ENCRYPTION_KEY is not set',
  })
  create(@Body() body: CreateConnectionDto, @CurrentUser() user: AuthenticatedUser): Promise<ConnectionDto> {
    const { name, ...input } = body;
    return this.connections.create(name, input, user);
  }

  @Get()
  @ApiOperation({ summary: 'List the connections, the built-in source and archive first (admin)' })
  @ApiOkResponse({ type: [ConnectionDto] })
  list(): Promise<ConnectionDto[]> {
    return this.connections.list();
  }

  @Get(':name')
  @ApiOperation({ summary: 'Read one connection, without its password (admin)' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiNotFoundResponse({ description: 'No such connection' })
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
  @ApiOkResponse({ type: ConnectionDto })
  @ApiBadRequestResponse({ description: 'Bad role, URL, field or option' })
  @ApiNotFoundResponse({ description: 'No such connection' })
  @ApiConflictResponse({ description: 'Built in, or policies rely on its role or engine (the message names them)' })
  update(
    @Param() params: ConnectionNameParams,
    @Body() body: UpdateConnectionDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ConnectionDto> {
    return this.connections.update(params.name, body, user);
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a connection that no policy uses (admin)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such connection' })
  @ApiConflictResponse({ description: 'Built in, or used by policies (the message names them)' })
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
  @ApiOkResponse({ type: ConnectionTestDto })
  @ApiNotFoundResponse({ description: 'No such connection' })
  test(@Param() params: ConnectionNameParams, @CurrentUser() user: AuthenticatedUser): Promise<ConnectionTestDto> {
    return this.connections.test(params.name, user);
  }
}
