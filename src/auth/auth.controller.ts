import { Body, Controller, ForbiddenException, Get, HttpCode, HttpStatus, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import { AuthRateLimitGuard } from './auth-rate-limit.guard';
import { AuthService } from './auth.service';
import { AuthenticatedUser } from './authenticated-user';
import { Auth } from './decorators/auth.decorator';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { LoginDto } from './dto/login.dto';
import { MeResponseDto } from './dto/me-response.dto';
import { SignupDto } from './dto/signup.dto';
import { TokenResponseDto } from './dto/token-response.dto';

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
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ description: 'Username or password does not meet the rules' })
  @ApiForbiddenResponse({ description: 'Signup is disabled on this server' })
  @ApiConflictResponse({ description: 'The username is taken' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts from this address in the last minute' })
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
  @ApiOperation({ summary: 'Exchange username and password for a bearer token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ description: 'Username or password missing' })
  @ApiUnauthorizedResponse({ description: 'Invalid username or password (same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts from this address in the last minute' })
  login(@Body() body: LoginDto, @Ip() ip: string | undefined): Promise<TokenResponseDto> {
    return this.auth.login(body.username, body.password, ip);
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: "The caller's token claims (identity, role, table permissions)" })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentUser() user: AuthenticatedUser): MeResponseDto {
    return { sub: String(user.id), username: user.username, role: user.role, permissions: [...user.permissions] };
  }
}
