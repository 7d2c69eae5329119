import { Request } from 'express';
import { AuthenticatedUser } from './authenticated-user';

/** An Express request after the JWT guard: `user` is set on every non-public route. */
export interface AuthenticatedRequest extends Request {
  user?: AuthenticatedUser;
}
