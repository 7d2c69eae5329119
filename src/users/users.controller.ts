import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { Auth } from '../auth/decorators/auth.decorator';
import { CurrentUser } from '../auth/decorators/current-user.decorator';
import { SetPermissionsDto } from './dto/set-permissions.dto';
import { SetRoleDto } from './dto/set-role.dto';
import { UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Auth({ roles: ['admin'] })
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users with their roles and table permissions (admin)' })
  @ApiOkResponse({ type: [UserDto] })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Put(':username/permissions')
  @ApiOperation({
    summary: "Replace a user's table permissions (admin)",
    description: 'Takes effect at the next login of that user: tokens already issued keep their permissions.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'A table name is not a plausible identifier' })
  @ApiNotFoundResponse({ description: 'No such user' })
  setPermissions(
    @Param('username') username: string,
    @Body() body: SetPermissionsDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setPermissions(username, body.tables, caller);
  }

  @Put(':username/role')
  @ApiOperation({
    summary: "Change a user's role (admin)",
    description: 'Takes effect at the next login of that user. The last admin cannot be demoted.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'The role is not admin or user' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'The user is the only admin and cannot be demoted' })
  setRole(
    @Param('username') username: string,
    @Body() body: SetRoleDto,
    @CurrentUser() caller: AuthenticatedUser,
  ): Promise<UserDto> {
    return this.users.setRole(username, body.role, caller);
  }
}
