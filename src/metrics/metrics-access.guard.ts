import {
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthenticatedRequest } from '../auth/authenticated-request';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AppConfig } from '../config/app-config';
import { bearerCredential, isMetricsToken } from './metrics-token';

const INVALID_METRICS_CREDENTIAL =
  'Invalid or expired token: send METRICS_TOKEN, or log in again at POST /api/v1/auth/login';

/**
 * Who may read GET /metrics: a Prometheus server with METRICS_TOKEN, or an admin with their access
 * token — checked by the same passport `jwt` strategy as every other route (signature, expiry,
 * logout, token version). The route is @Public() to the global guard because METRICS_TOKEN is not
 * a JWT; this guard is then its only gate, and it denies by default. With METRICS_ENABLED=false the
 * route is not there for anyone (404).
 */
@Injectable()
export class MetricsAccessGuard extends AuthGuard('jwt') {
  private readonly enabled: boolean;
  private readonly token: string | null;

  constructor(config: AppConfig) {
    super();
    this.enabled = config.metrics.enabled;
    this.token = config.metrics.token;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
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
    await super.canActivate(context);
    const user = request.user;
    if (!user) {
      throw new UnauthorizedException(INVALID_METRICS_CREDENTIAL);
    }
    if (user.role !== 'admin') {
      throw new ForbiddenException(`This action needs the role admin (or METRICS_TOKEN); you are "${user.role}"`);
    }
    return true;
  }

  /** `error` is what JwtStrategy.validate threw (a stale token says so); otherwise a bad token. */
  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof Error) {
      throw error;
    }
    if (!user) {
      throw new UnauthorizedException(INVALID_METRICS_CREDENTIAL);
    }
    return user;
  }
}
