import { SetMetadata } from '@nestjs/common';

/** Metadata key read by the global JWT guard: routes carrying it need no token. */
export const IS_PUBLIC_KEY = 'isPublic';

/** Opts a route (or controller) out of the default-deny authentication: probes, login, signup. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
