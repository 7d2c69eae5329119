import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { Role } from '../../users/entities/user.entity';
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

/** The 403 message of a role check. */
export function roleRefusal(roles: readonly Role[], actual: Role): string {
  return `This action needs the role ${roles.join(' or ')}; you are "${actual}"`;
}

/** The 403 message of a table-permission check. */
export function tableRefusal(tableName: string): string {
  return `You are not permitted to read table "${tableName}": ask an admin to grant it, then log in again`;
}
