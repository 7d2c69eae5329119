import { SetMetadata } from '@nestjs/common';

export const TABLE_PERMISSION_KEY = 'das:tablePermission';

/**
 * Names the route parameter that holds a source table name: admins pass, other callers pass only
 * when their token's `permissions` contain that table (checked by TablePermissionGuard).
 * Prefer `@Auth({ tablePermission })`.
 */
export const TablePermission = (routeParam: string) => SetMetadata(TABLE_PERMISSION_KEY, routeParam);
