import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Auth } from '../decorators/auth.decorator';
import { alice, httpContext, root } from '../../../test/support/execution-context';
import { RolesGuard } from './roles.guard';

class Routes {
  @Auth()
  anyUser(): void {}

  @Auth({ roles: ['admin'] })
  adminOnly(): void {}

  @Auth({ roles: ['admin', 'user'] })
  eitherRole(): void {}
}

@Auth({ roles: ['admin'] })
class AdminController {
  inherited(): void {}
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets everyone through a route without roles', () => {
    expect(guard.canActivate(httpContext(Routes, 'anyUser', { user: alice }))).toBe(true);
  });

  it('admits an admin to an admin route and refuses a user with 403', () => {
    expect(guard.canActivate(httpContext(Routes, 'adminOnly', { user: root }))).toBe(true);
    expect(() => guard.canActivate(httpContext(Routes, 'adminOnly', { user: alice }))).toThrow(
      new ForbiddenException('This action needs the role admin; you are "user"'),
    );
  });

  it('admits any of several roles', () => {
    expect(guard.canActivate(httpContext(Routes, 'eitherRole', { user: alice }))).toBe(true);
  });

  it('applies roles set on the controller to its handlers', () => {
    expect(() => guard.canActivate(httpContext(AdminController, 'inherited', { user: alice }))).toThrow(
      ForbiddenException,
    );
    expect(guard.canActivate(httpContext(AdminController, 'inherited', { user: root }))).toBe(true);
  });

  it('refuses with 401 when no user was authenticated (a @Public route with roles)', () => {
    expect(() => guard.canActivate(httpContext(Routes, 'adminOnly', {}))).toThrow(UnauthorizedException);
  });
});
