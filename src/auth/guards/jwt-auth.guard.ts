import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenService } from '../access-token.service';
import { AuthenticatedRequest } from '../authenticated-request';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

/**
 * Global guard (APP_GUARD): every route needs a valid bearer token unless marked @Public().
 * Sets `request.user` for the guards and handlers that follow.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) {
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      throw new UnauthorizedException(
        'Missing bearer token: send "Authorization: Bearer <token>" with a token from POST /api/v1/auth/login',
      );
    }
    const match = BEARER.exec(header.trim());
    const user = match ? await this.tokens.verify(match[1]) : null;
    if (!user) {
      throw new UnauthorizedException('Invalid or expired token: log in again at POST /api/v1/auth/login');
    }
    request.user = user;
    return true;
  }
}
