import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { AccessTokenService } from '../auth/access-token.service';
import { AuthenticatedRequest } from '../auth/authenticated-request';
import { AppConfig } from '../config/app-config';
import { bearerCredential, isMetricsToken } from './metrics-token';

/**
 * Who may read GET /metrics: a Prometheus server with METRICS_TOKEN, or an admin with their access
 * token (checked exactly as the global guard checks it). The route is @Public() to the global guard
 * because METRICS_TOKEN is not a JWT; this guard is then its only gate, and it denies by default.
 * With METRICS_ENABLED=false the route is not there for anyone (404).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly enabled: boolean;
  private readonly token: string | null;

  constructor(
    private readonly tokens: AccessTokenService,
    config: AppConfig,
  ) {
    this.enabled = config.metrics.enabled;
    this.token = config.metrics.token;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.enabled) {
      throw new NotFoundException('Metrics are turned off on this server (METRICS_ENABLED=false)');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      throw new UnauthorizedException(
        'Missing bearer token: send "Authorization: Bearer <token>" with METRICS_TOKEN or an admin token ' +
          'from POST /api/v1/auth/login',
      );
    }
    const credential = bearerCredential(header);
    if (credential !== null && this.token !== null && isMetricsToken(credential, this.token)) {
      return true;
    }
    const user = credential === null ? null : await this.tokens.verify(credential);
    if (!user) {
      throw new UnauthorizedException(
        'Invalid or expired token: send METRICS_TOKEN, or log in again at POST /api/v1/auth/login',
      );
    }
    if (user.role !== 'admin') {
      throw new ForbiddenException(`This action needs the role admin (or METRICS_TOKEN); you are "${user.role}"`);
    }
    request.user = user;
    return true;
  }
}
