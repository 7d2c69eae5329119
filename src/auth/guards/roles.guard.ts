import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Role } from '../../users/entities/user.entity';
import { ROLES_KEY } from '../decorators/roles.decorator';
import { requireUser, roleRefusal } from './authorization';

/** Global guard: enforces @Roles() / @Auth({ roles }). Routes without roles pass. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) {
      return true;
    }
    const { user } = requireUser(context);
    if (!roles.includes(user.role)) {
      throw new ForbiddenException(roleRefusal(roles, user.role));
    }
    return true;
  }
}
