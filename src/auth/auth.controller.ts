import { Body, Controller, ForbiddenException, Get, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { ApiErrorResponse } from '../openapi/api-error-response.decorator';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { AuthService } from './auth.service';
import { AuthenticatedUser } from './authenticated-user';
import { Auth } from './decorators/auth.decorator';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';
import { MeResponseDto } from './dto/me-response.dto';
import { SignupDto } from './dto/signup.dto';
import { TokenResponseDto } from './dto/token-response.dto';

const TOO_MANY_ATTEMPTS = 'Too many attempts from this address in the last minute';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  @Post('signup')
  @Public()
  @UseGuards(AuthRateLimitGuard)
  @ApiOperation({
    summary: 'Create an account (a plain user without table permissions)',
    description: 'Any `role` or `permissions` in the body are ignored. Disabled when ALLOW_SIGNUP=false.',
  })
  @ApiCreatedResponse({ type: UserDto, description: 'The new account' })
  @ApiErrorResponse(400, 'Username or password does not meet the rules', ['password must be 8 to 256 characters long'])
  @ApiErrorResponse(
    403,
    'Signup is disabled on this server',
    'Signup is disabled on this server (ALLOW_SIGNUP=false): ask an admin for an account',
  )
  @ApiErrorResponse(409, 'The username is taken', 'Username "alice" is already taken')
  @ApiErrorResponse(429, TOO_MANY_ATTEMPTS)
  signup(@Body() body: SignupDto): Promise<UserDto> {
    if (!this.config.allowSignup) {
      throw new ForbiddenException(
        'Signup is disabled on this server (ALLOW_SIGNUP=false): ask an admin for an account',
      );
    }
    return this.users.register(body.username, body.password);
  }

  @Post('login')
  @Public()
  @UseGuards(AuthRateLimitGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange username and password for a bearer token',
    description:
      'The token carries the role and table permissions of the moment; any later change to them (or to the ' +
      'password, or disabling the account) ends it within TOKEN_CHECK_CACHE_MS, and the user logs in again.',
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'A bearer token' })
  @ApiErrorResponse(400, 'Username or password missing', ['password must be a string'])
  @ApiErrorResponse(401, 'Invalid username or password (same answer for both)', 'Invalid username or password')
  @ApiErrorResponse(403, 'The account is disabled', 'This account is disabled: ask an admin to enable it')
  @ApiErrorResponse(429, TOO_MANY_ATTEMPTS)
  login(@Body() body: LoginDto, @Ip() ip: string | undefined): Promise<TokenResponseDto> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Post('logout')
  @Auth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke the token of this request',
    description:
      'The token is refused from then on (by other replicas within TOKEN_CHECK_CACHE_MS); other tokens of ' +
      'the same user stay valid. An admin ends them all with POST /api/v1/users/{username}/revoke-tokens.',
  })
  @ApiNoContentResponse({ description: 'The token is revoked' })
  async logout(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.auth.logout(caller);
  }

  @Post('password')
  @Auth()
  @UseGuards(AuthRateLimitGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change your own password',
    description: 'Needs the current password. Every token of yours, this one included, ends: log in again.',
  })
  @ApiNoContentResponse({ description: 'Changed; log in again with the new password' })
  @ApiErrorResponse(400, 'The new password does not meet the rules', 'password must be 8 to 256 characters long')
  @ApiErrorResponse(403, 'currentPassword is wrong', 'currentPassword is not your current password')
  @ApiErrorResponse(429, TOO_MANY_ATTEMPTS)
  async changePassword(@Body() body: ChangePasswordDto, @CurrentUser() caller: AuthenticatedUser): Promise<void> {
    await this.users.changePassword(caller, body.currentPassword, body.newPassword);
  }

  @Get('me')
  @Auth()
  @ApiOperation({
    summary: "The caller's token claims (identity, role, table permissions)",
    description: 'What this token lets its holder do, as issued at login.',
  })
  @ApiOkResponse({ type: MeResponseDto, description: 'The claims' })
  me(@CurrentUser() user: AuthenticatedUser): MeResponseDto {
    return { sub: String(user.id), username: user.username, role: user.role, permissions: [...user.permissions] };
  }
}
