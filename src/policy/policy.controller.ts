import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiServiceUnavailableResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ConnectionErrorFilter } from '../connections/connection-error.filter';
import { ApiSourceConnectionQuery, SourceConnection } from '../connections/source-connection-query';
import { PolicyPreviewDto } from './dto/policy-preview.dto';
import { PolicyResponseDto } from './dto/policy-response.dto';
import { UpsertPolicyDto } from './dto/upsert-policy.dto';
import { PolicyPreviewService } from './policy-preview.service';
import { PolicyService } from './policy.service';

@ApiTags('policies')
@UseFilters(ConnectionErrorFilter)
@Controller('policies')
export class PolicyController {
  constructor(
    private readonly policies: PolicyService,
    private readonly previews: PolicyPreviewService,
  ) {}

  @Post()
  @Auth({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Create the policy of a table, or update it if the table already has one',
    description: 'A policy is unique per (sourceConnection, tableName); both connections default to the built-in ones.',
  })
  @ApiCreatedResponse({ type: PolicyResponseDto, description: 'Created' })
  @ApiOkResponse({ type: PolicyResponseDto, description: 'Updated (the table already had a policy)' })
  @ApiBadRequestResponse({
    description:
      'Unknown table or column, no primary key, non-date dateColumn, bad criteria; unknown connection, ' +
      'wrong role, or source and archive of different engines',
  })
  @ApiServiceUnavailableResponse({ description: 'The source connection cannot be reached now' })
  async upsert(
    @Body() body: UpsertPolicyDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyResponseDto> {
    const { policy, created } = await this.policies.upsert(body, user);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return PolicyResponseDto.from(policy);
  }

  @Get()
  @Auth({ roles: ['admin'] })
  @ApiOperation({ summary: 'List all policies' })
  @ApiOkResponse({ type: [PolicyResponseDto] })
  async list(): Promise<PolicyResponseDto[]> {
    return (await this.policies.list()).map((policy) => PolicyResponseDto.from(policy));
  }

  @Get(':tableName')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: "Read a table's policy (admins, and users permitted for that table)",
  })
  @ApiSourceConnectionQuery()
  @ApiOkResponse({ type: PolicyResponseDto })
  @ApiNotFoundResponse({ description: 'No policy for this table' })
  async get(
    @Param('tableName') tableName: string,
    @SourceConnection() connection: string | undefined,
  ): Promise<PolicyResponseDto> {
    return PolicyResponseDto.from(await this.policies.findByTable(tableName, connection));
  }

  @Delete(':tableName')
  @Auth({ roles: ['admin'] })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete the policy of a table (archived rows stay)',
  })
  @ApiSourceConnectionQuery()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'No policy for this table' })
  async remove(
    @Param('tableName') tableName: string,
    @SourceConnection() connection: string | undefined,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    await this.policies.remove(tableName, user, connection);
  }

  @Get(':tableName/preview')
  @Auth({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Dry run: how many rows the policy would archive and purge now, and how it would find them',
  })
  @ApiSourceConnectionQuery()
  @ApiOkResponse({ type: PolicyPreviewDto })
  @ApiNotFoundResponse({ description: 'No policy for this table' })
  @ApiBadRequestResponse({ description: 'The source table changed and no longer fits the policy' })
  @ApiServiceUnavailableResponse({ description: "One of the policy's connections cannot be reached now" })
  async preview(
    @Param('tableName') tableName: string,
    @SourceConnection() connection: string | undefined,
  ): Promise<PolicyPreviewDto> {
    const policy = await this.policies.findByTable(tableName, connection);
    return this.previews.preview(policy, this.policies.batchSizeOf(policy));
  }
}
