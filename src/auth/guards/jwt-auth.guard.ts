import { ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticatedRequest } from '../authenticated-request';
import { AuthenticatedUser } from '../authenticated-user';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator';
import { INVALID_TOKEN } from '../strategies/jwt.strategy';

/**
 * Global guard (APP_GUARD): every route needs a valid bearer token unless marked @Public().
 * Passport's `jwt` strategy (JwtStrategy) verifies it and sets `request.user` for the guards and
 * handlers that follow; refusals are 401s that say what to do.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : super.canActivate(context);
  }

  /** `error` is what JwtStrategy.validate threw; without one, passport-jwt found no valid token. */
  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: TUser | false,
    _info: unknown,
    context: ExecutionContext,
  ): TUser {
    if (error instanceof Error) {
      throw error;
    }
    if (!user) {
      const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
      throw new UnauthorizedException(
        request.headers.authorization === undefined
          ? 'Missing bearer token: send "Authorization: Bearer <token>" with a token from POST /api/v1/auth/login'
          : INVALID_TOKEN,
      );
    }
    return user;
  }
}
