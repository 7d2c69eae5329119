/**
 * Every admin-only route, in one table, for the test proving that a signed-in non-admin gets 403 on
 * each of them and an anonymous caller 401 (test/users.e2e-spec.ts). Add your module's admin routes here.
 *
 * `{self}` in a path is replaced by the non-admin caller's own username, so a missing guard would
 * show up as a success (e.g. self-promotion) rather than as a 404. Give a valid body: the test must
 * fail because of the guard, not because of validation.
 */
export interface AdminRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  body?: object;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'get', path: '/api/v1/users' },
  { method: 'put', path: '/api/v1/users/{self}/permissions', body: { tables: ['orders'] } },
  { method: 'put', path: '/api/v1/users/{self}/role', body: { role: 'admin' } },
  { method: 'patch', path: '/api/v1/users/{self}', body: { disabled: false } },
  { method: 'delete', path: '/api/v1/users/{self}' },
  { method: 'post', path: '/api/v1/users/{self}/revoke-tokens' },
  { method: 'get', path: '/api/v1/audit' },
  { method: 'get', path: '/api/v1/policies' },
  {
    method: 'post',
    path: '/api/v1/policies',
    body: { tableName: 'orders', dateColumn: 'created_at', archiveAfterDays: 30, deleteAfterDays: 365 },
  },
  { method: 'delete', path: '/api/v1/policies/orders' },
  { method: 'get', path: '/api/v1/policies/orders/preview' },
  { method: 'post', path: '/api/v1/policies/orders/run', body: { job: 'archive' } },
  { method: 'get', path: '/api/v1/runs' },
  { method: 'get', path: '/api/v1/runs/1' },
  { method: 'get', path: '/api/v1/system/scheduler/jobs' },
  { method: 'post', path: '/api/v1/system/scheduler/test', body: { delaySeconds: 0 } },
  { method: 'get', path: '/api/v1/connections' },
  {
    method: 'post',
    path: '/api/v1/connections',
    body: { name: 'guarded', role: 'archive', url: 'sqlite:guarded.sqlite' },
  },
  { method: 'get', path: '/api/v1/connections/source' },
  { method: 'put', path: '/api/v1/connections/guarded', body: { role: 'archive', url: 'sqlite:guarded.sqlite' } },
  { method: 'delete', path: '/api/v1/connections/guarded' },
  { method: 'post', path: '/api/v1/connections/source/test' },
  // Also open to METRICS_TOKEN (test/metrics.e2e-spec.ts); to user tokens never.
  { method: 'get', path: '/metrics' },
];

export function adminRoutePath(route: AdminRoute, self: string): string {
  return route.path.replaceAll('{self}', encodeURIComponent(self));
}
