import { ExecutionContext } from '@nestjs/common';
import { AuthenticatedUser } from '../../src/auth/authenticated-user';

/**
 * A stub HTTP ExecutionContext for guard unit specs: a handler of `controller`, and a request with
 * `user`, `params`, `query` and `headers`.
 */
export function httpContext(
  controller: new () => object,
  handlerName: string,
  request: {
    user?: AuthenticatedUser;
    params?: Record<string, string>;
    query?: Record<string, string>;
    headers?: Record<string, string>;
  },
): ExecutionContext {
  const handler = (controller.prototype as Record<string, () => unknown>)[handlerName];
  const fullRequest = { params: {}, query: {}, headers: {}, ...request };
  return {
    getHandler: () => handler,
    getClass: () => controller,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => fullRequest, getResponse: () => ({}), getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

const token = { id: 'test-token-0123456789', version: 1, expiresAt: new Date('2100-01-01T00:00:00Z') };
export const alice: AuthenticatedUser = { id: 2, username: 'alice', role: 'user', permissions: ['orders'], token };
export const root: AuthenticatedUser = { id: 1, username: 'root', role: 'admin', permissions: [], token };
