import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { ApiSourceConnectionQuery, SourceConnection } from '../connections/source-connection-query';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { TableNameParams } from '../common/table-name-params.dto';
import { PolicyPreviewDto } from './dto/policy-preview.dto';
import { PolicyResponseDto } from './dto/policy-response.dto';
import { UpsertPolicyDto } from './dto/upsert-policy.dto';
import { PolicyPreviewService } from './policy-preview.service';
import { PolicyService } from './policy.service';

const NO_POLICY = 'no policy for table "orders"';
const BAD_TABLE_NAME = 'tableName must be a table or column name: 1 to 64 characters, none beyond U+FFFF, no NUL';

@ApiTags('policies')
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
    description:
      'The table and its columns are checked against the live source schema first; every problem found is ' +
      'reported at once. A policy is unique per (sourceConnection, tableName); both connections default to ' +
      'the built-in ones.',
  })
  @ApiCreatedResponse({ type: PolicyResponseDto, description: 'Created' })
  @ApiOkResponse({ type: PolicyResponseDto, description: 'Updated (the table already had a policy)' })
  @ApiErrorResponse(
    400,
    'Unknown table or column, no primary key, non-date dateColumn, bad criteria; unknown connection, ' +
      'wrong role, or source and archive of different engines',
    ['dateColumn "created" is not a column of table "orders"'],
  )
  @ApiErrorResponse(
    503,
    'The source connection cannot be reached now',
    'source connection "shop_eu" is unavailable: connection refused (ECONNREFUSED) (POST /api/v1/connections/shop_eu/test says what fails)',
  )
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
  @ApiOperation({ summary: 'List all policies', description: 'Every policy, by table name.' })
  @ApiOkResponse({ type: [PolicyResponseDto], description: 'The policies' })
  async list(): Promise<PolicyResponseDto[]> {
    return (await this.policies.list()).map((policy) => PolicyResponseDto.from(policy));
  }

  @Get(':tableName')
  @Auth({ tablePermission: 'tableName' })
  @ApiOperation({
    summary: "Read a table's policy (admins, and users permitted for that table)",
    description: 'What moves to the archive when, and when it is purged.',
  })
  @ApiSourceConnectionQuery()
  @ApiOkResponse({ type: PolicyResponseDto, description: 'The policy' })
  @ApiErrorResponse(400, 'The name cannot be a table name', [BAD_TABLE_NAME])
  @ApiErrorResponse(404, 'No policy for this table', NO_POLICY)
  async get(
    @Param() { tableName }: TableNameParams,
    @SourceConnection() connection: string | undefined,
  ): Promise<PolicyResponseDto> {
    return PolicyResponseDto.from(await this.policies.findByTable(tableName, connection));
  }

  @Delete(':tableName')
  @Auth({ roles: ['admin'] })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete the policy of a table (archived rows stay)',
    description: 'Scheduled jobs skip the table from then on; its archive stays readable.',
  })
  @ApiSourceConnectionQuery()
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponse(400, 'The name cannot be a table name', [BAD_TABLE_NAME])
  @ApiErrorResponse(404, 'No policy for this table', NO_POLICY)
  async remove(
    @Param() { tableName }: TableNameParams,
    @SourceConnection() connection: string | undefined,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    await this.policies.remove(tableName, user, connection);
  }

  @Get(':tableName/preview')
  @Auth({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Dry run: how many rows the policy would archive and purge now, and how it would find them',
    description: 'Changes nothing: counts, cutoffs, the query plan of a batch and the archive table changes to come.',
  })
  @ApiSourceConnectionQuery()
  @ApiOkResponse({ type: PolicyPreviewDto, description: 'What a run would do now' })
  @ApiErrorResponse(404, 'No policy for this table', NO_POLICY)
  @ApiErrorResponse(400, 'The source table changed and no longer fits the policy', [
    'the policy no longer matches the source table: dateColumn "created_at" is not a column of table "orders"',
  ])
  @ApiErrorResponse(
    503,
    "One of the policy's connections cannot be reached now",
    'source connection "shop_eu" is unavailable: connection refused (ECONNREFUSED) (POST /api/v1/connections/shop_eu/test says what fails)',
  )
  async preview(
    @Param() { tableName }: TableNameParams,
    @SourceConnection() connection: string | undefined,
  ): Promise<PolicyPreviewDto> {
    const policy = await this.policies.findByTable(tableName, connection);
    return this.previews.preview(policy, this.policies.batchSizeOf(policy));
  }
}
