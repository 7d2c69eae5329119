import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { UsersModule } from '../users/users.module';
import { AccessTokenService } from './access-token.service';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AUTH_RATE_LIMIT_WINDOW_MS, AuthRateLimitGuard } from './auth-rate-limit.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { RevokedToken } from './entities/revoked-token.entity';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { TablePermissionGuard } from './guards/table-permission.guard';
import { RevokedTokens } from './revoked-tokens.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TokenFreshness } from './token-freshness.service';

/**
 * Signup, login, logout and the access rules of every route. The three APP_GUARDs run in this
 * order: authenticate (passport's `jwt` strategy; default-deny, @Public() opts out), then role,
 * then table permission.
 */
@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([RevokedToken], CONTROL_DB),
    PassportModule,
    // Secret and algorithm are passed on every sign call (AccessTokenService), never implied.
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
    JwtStrategy,
    TokenFreshness,
    RevokedTokens,
    AdminBootstrapService,
    AuthRateLimitGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: TablePermissionGuard },
  ],
  // Routes with a gate of their own (GET /metrics) extend AuthGuard('jwt'): JwtStrategy, registered
  // with passport by this module, checks their access tokens the same way.
})
export class AuthModule {}
