import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'das:isPublic';

/**
 * Opts a route (or a whole controller) out of the global JWT guard. Every other route needs a
 * bearer token: auth is default-deny, so forgetting a decorator can only lock a route, never open it.
 *
 * @example
 * @Public()
 * @Get('health')
 * check() { ... }
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
