import { ExecutionContext, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { AuthenticatedRequest } from '../authenticated-request';
import { AuthenticatedUser } from '../authenticated-user';

/**
 * The verified caller (an `AuthenticatedUser`) of a protected route.
 *
 * @example
 * @Post()
 * @Auth({ roles: ['admin'] })
 * upsert(@Body() body: UpsertPolicyDto, @CurrentUser() user: AuthenticatedUser) { ... }
 */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().user;
  if (!user) {
    // Only reachable on a @Public() route, where no token was verified.
    throw new UnauthorizedException('This route needs a bearer token');
  }
  return user;
});
