import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AccessTokenService } from './access-token.service';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AUTH_RATE_LIMIT_WINDOW_MS, AuthRateLimitGuard } from './auth-rate-limit.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { TablePermissionGuard } from './guards/table-permission.guard';

/**
 * Signup, login and the access rules of every route. The three APP_GUARDs run in this order:
 * authenticate (default-deny, @Public() opts out), then role, then table permission.
 */
@Module({
  imports: [
    UsersModule,
    // Secret and algorithm are passed on every sign/verify call (AccessTokenService), never implied.
    JwtModule.register({}),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: AUTH_RATE_LIMIT_WINDOW_MS, limit: config.authRateLimitPerMinute }],
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AccessTokenService,
    AuthService,
    AdminBootstrapService,
    AuthRateLimitGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: TablePermissionGuard },
  ],
  // Routes with a gate of their own (GET /metrics) check access tokens the same way.
  exports: [AccessTokenService],
})
export class AuthModule {}
