import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TABLE_PERMISSION_KEY } from '../decorators/table-permission.decorator';
import { permitsTable } from '../table-permissions';
import { requireUser, tableRefusal } from './authorization';

/**
 * Global guard: enforces @TablePermission() / @Auth({ tablePermission }). Admins pass; a user passes
 * when the table named by the route parameter — on the connection named by `?connection=`, if
 * any — is in their token's `permissions` (see permitsTable). A token whose permissions changed
 * since it was issued is refused before this guard (see JwtStrategy).
 */
@Injectable()
export class TablePermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const routeParam = this.reflector.getAllAndOverride<string | undefined>(TABLE_PERMISSION_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (routeParam === undefined) {
      return true;
    }
    const { request, user } = requireUser(context);
    const tableName = (request.params as Record<string, string | undefined>)[routeParam];
    if (tableName === undefined) {
      // A programming error (decorator names a parameter the route lacks); fail closed and loudly.
      throw new Error(`@TablePermission('${routeParam}') is used on a route without a :${routeParam} parameter`);
    }
    const connection = (request.query as Record<string, unknown> | undefined)?.connection;
    if (
      user.role === 'admin' ||
      permitsTable(user.permissions, tableName, typeof connection === 'string' ? connection : undefined)
    ) {
      return true;
    }
    throw new ForbiddenException(tableRefusal(tableName));
  }
}
