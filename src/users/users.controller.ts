import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { USERNAME_RULE } from './credential-rules';
import { SetPermissionsDto } from './dto/set-permissions.dto';
import { SetRoleDto } from './dto/set-role.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserDto } from './dto/user.dto';
import { UsernameParams } from './dto/username-params.dto';
import { UsersService } from './users.service';

const LAST_ADMIN_EXAMPLE =
  '"admin" is the only admin (disabled admins do not count) and cannot be demoted: promote another user first';
const TOKENS_END = "The user's tokens end (within TOKEN_CHECK_CACHE_MS); they log in again to get the new rights.";

/** The 400 of a route naming a user and taking no body: the name cannot be a username. */
const ApiMalformedUsername = () => ApiErrorResponse(400, 'The username is malformed', [USERNAME_RULE]);

/** The 404 of every route naming a user. */
const ApiUserNotFound = () => ApiErrorResponse(404, 'No such user', 'No user named "ghost"');

@ApiTags('users')
@Auth({ roles: ['admin'] })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary: 'List users with their roles, table permissions and state (admin)',
    description: 'Every account, oldest first; never a password or its hash.',
  })
  @ApiOkResponse({ type: [UserDto], description: 'The users' })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Put(':username/permissions')
  @ApiOperation({
    summary: "Replace a user's table permissions (admin)",
    description:
      'A permission is a table (`orders`: on every connection) or `connection/table` (`shop_eu/orders`: on ' +
      'that source connection only). Tables the user does not hold yet must have a policy or exist in a ' +
      'source connection (for `connection/table`: in that one), unless allowMissing is true. ' +
      `${TOKENS_END}`,
  })
  @ApiOkResponse({ type: UserDto, description: 'The user with the new permissions' })
  @ApiErrorResponse(400, 'A table name is malformed, or names no policy and no source table', [
    'table "ordres" has no policy and does not exist in any source connection (to grant it before it exists, ' +
      'pass allowMissing: true, or --allow-missing on the CLI)',
  ])
  @ApiUserNotFound()
  setPermissions(
    @Param() { username }: UsernameParams,
    @Body() body: SetPermissionsDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setPermissions(username, body.tables, caller, { allowMissing: body.allowMissing });
  }

  @Put(':username/role')
  @ApiOperation({
    summary: "Change a user's role (admin)",
    description: `The last enabled admin cannot be demoted. ${TOKENS_END}`,
  })
  @ApiOkResponse({ type: UserDto, description: 'The user with the new role' })
  @ApiErrorResponse(400, 'The role is not admin or user', ['role must be one of: admin, user'])
  @ApiErrorResponse(409, 'The user is the only enabled admin and cannot be demoted', LAST_ADMIN_EXAMPLE)
  @ApiUserNotFound()
  setRole(
    @Param() { username }: UsernameParams,
    @Body() body: SetRoleDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setRole(username, body.role, caller);
  }

  @Patch(':username')
  @ApiOperation({
    summary: 'Disable or enable a user (admin)',
    description:
      'A disabled user cannot log in, and their tokens are refused within TOKEN_CHECK_CACHE_MS. Enabling ' +
      'does not revive old tokens: the user logs in again. The last enabled admin cannot be disabled.',
  })
  @ApiOkResponse({ type: UserDto, description: 'The user in its new state' })
  @ApiErrorResponse(400, 'disabled is missing or not a boolean', ['disabled must be a boolean value'])
  @ApiErrorResponse(409, 'The user is the only enabled admin and cannot be disabled', LAST_ADMIN_EXAMPLE)
  @ApiUserNotFound()
  update(
    @Param() { username }: UsernameParams,
    @Body() body: UpdateUserDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setDisabled(username, body.disabled, caller);
  }

  @Delete(':username')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a user (admin)',
    description:
      'Their tokens are refused from then on (within TOKEN_CHECK_CACHE_MS); audit entries naming them stay. ' +
      'The last enabled admin cannot be deleted.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiMalformedUsername()
  @ApiErrorResponse(409, 'The user is the only enabled admin and cannot be deleted', LAST_ADMIN_EXAMPLE)
  @ApiUserNotFound()
  async remove(@Param() { username }: UsernameParams, @CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.users.remove(username, caller);
  }

  @Post(':username/revoke-tokens')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'End every token of a user (admin)',
    description:
      'Every token issued to the user so far is refused within TOKEN_CHECK_CACHE_MS; the account stays as ' +
      'it is and can log in again. For a single token, its holder calls POST /api/v1/auth/logout.',
  })
  @ApiOkResponse({ type: UserDto, description: 'The user' })
  @ApiMalformedUsername()
  @ApiUserNotFound()
  revokeTokens(@Param() { username }: UsernameParams, @CurrentUser() caller: AuthenticatedUser): Promise<UserDto> {
    return this.users.revokeTokens(username, caller);
  }
}
