import { ForbiddenException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Auth } from '../decorators/auth.decorator';
import { alice, httpContext, root } from '../../../test/support/execution-context';
import { TablePermissionGuard } from './table-permission.guard';

class Routes {
  @Auth({ tablePermission: 'tableName' })
  readArchive(): void {}

  @Auth({ tablePermission: 'table' })
  misnamedParam(): void {}

  @Auth()
  unrestricted(): void {}
}

describe('TablePermissionGuard', () => {
  const guard = new TablePermissionGuard(new Reflector());
  const read = (user: typeof alice, tableName: string) =>
    guard.canActivate(httpContext(Routes, 'readArchive', { user, params: { tableName } }));

  it('admits a user to a table in their permissions', () => {
    expect(read(alice, 'orders')).toBe(true);
  });

  it('refuses a user a table outside their permissions with 403 naming the table', () => {
    expect(() => read(alice, 'customers')).toThrow(
      new ForbiddenException(
        'You are not permitted to read table "customers": ask an admin to grant it, then log in again',
      ),
    );
  });

  it('compares table names exactly (MySQL table names are case-sensitive)', () => {
    expect(() => read(alice, 'ORDERS')).toThrow(ForbiddenException);
    expect(() => read(alice, 'orders ')).toThrow(ForbiddenException);
  });

  it('honours a connection-qualified permission only for the connection the request names', () => {
    const eu = { ...alice, permissions: ['shop_eu/orders'] };
    const readOn = (connection: string | undefined) =>
      guard.canActivate(
        httpContext(Routes, 'readArchive', {
          user: eu,
          params: { tableName: 'orders' },
          query: connection === undefined ? {} : { connection },
        }),
      );
    expect(readOn('shop_eu')).toBe(true);
    expect(() => readOn('shop_us')).toThrow(ForbiddenException);
    expect(() => readOn(undefined)).toThrow(ForbiddenException);
  });

  it('admits an admin to every table, permissions or not', () => {
    expect(read(root, 'customers')).toBe(true);
  });

  it('ignores routes without a table permission', () => {
    expect(guard.canActivate(httpContext(Routes, 'unrestricted', { user: alice, params: {} }))).toBe(true);
  });

  it('fails closed when the decorator names a parameter the route lacks', () => {
    expect(() =>
      guard.canActivate(httpContext(Routes, 'misnamedParam', { user: root, params: { tableName: 'orders' } })),
    ).toThrow(/without a :table parameter/);
  });
});
