import { ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';

/** One minute, the window of AUTH_RATE_LIMIT_PER_MINUTE. */
export const AUTH_RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * Rate limit of the credential routes (login, signup), per client address and per route, using the
 * throttler configured in AuthModule. Applied with @UseGuards on those routes only: other routes are
 * behind a token already. Counters live in process memory, so each replica counts on its own.
 */
@Injectable()
export class AuthRateLimitGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    // The throttler's own exception has no `error` field; answer in Nest's usual error shape.
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        message:
          `Too many attempts from your address: at most ${detail.limit} per minute. ` +
          `Try again in ${Math.max(1, detail.timeToBlockExpire)} seconds.`,
        error: 'Too Many Requests',
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
