import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrorResponse } from '../../openapi/api-error-response.decorator';
import { Role } from '../../users/entities/user.entity';
import { roleRefusal, tableRefusal } from '../guards/authorization';
import { INVALID_TOKEN } from '../strategies/jwt.strategy';
import { Roles } from './roles.decorator';
import { TablePermission } from './table-permission.decorator';

export interface AuthOptions {
  /** The caller's role must be one of these. */
  roles?: Role[];
  /**
   * Name of the route parameter holding a source table name. Admins pass; a user passes when the
   * table is in their token's `permissions`. This alone already means "admin, or a permitted user" —
   * do not add `roles: ['admin']` to it, or permitted users would be refused.
   */
  tablePermission?: string;
}

/**
 * Access rule + OpenAPI annotations of a protected route, in one decorator (method or controller).
 * Every route already needs a valid bearer token (global JWT guard); `@Auth()` adds the Swagger
 * bearer/401 annotations, and with options the role and table-permission checks (403 otherwise).
 * When both options are given, both must pass.
 *
 * @example
 * @Get()                                   // any signed-in user
 * @Auth()
 *
 * @Post()                                  // admins only
 * @Auth({ roles: ['admin'] })
 *
 * @Get(':tableName')                       // admins, or users granted that table
 * @Auth({ tablePermission: 'tableName' })
 */
export function Auth(options: AuthOptions = {}): MethodDecorator & ClassDecorator {
  const decorators: Array<MethodDecorator & ClassDecorator> = [
    ApiBearerAuth(),
    ApiErrorResponse(401, 'Missing, invalid, expired or revoked bearer token', INVALID_TOKEN),
  ];
  if (options.roles !== undefined && options.roles.length > 0) {
    decorators.push(Roles(...options.roles));
  }
  if (options.tablePermission !== undefined) {
    decorators.push(TablePermission(options.tablePermission));
  }
  if (decorators.length > 2) {
    decorators.push(
      options.tablePermission
        ? ApiErrorResponse(
            403,
            'The caller is neither an admin nor permitted to read this table',
            tableRefusal('orders'),
          )
        : ApiErrorResponse(
            403,
            `The caller's role is not one of: ${options.roles?.join(', ')}`,
            roleRefusal(options.roles ?? [], 'user'),
          ),
    );
  }
  return applyDecorators(...decorators);
}
