import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { AuthenticatedRequest } from '../authenticated-request';
import { AuthenticatedUser } from '../authenticated-user';

/**
 * The user the JWT guard verified. Authorization guards run after it, so a missing user means a
 * route was marked both @Public() and role/table-restricted: refuse rather than guess.
 */
export function requireUser(context: ExecutionContext): { request: AuthenticatedRequest; user: AuthenticatedUser } {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.user) {
    throw new UnauthorizedException('This route needs a bearer token');
  }
  return { request, user: request.user };
}
