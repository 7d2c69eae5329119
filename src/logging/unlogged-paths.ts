/**
 * Probes and scrapes come every few seconds from machines; logging each would drown the rest. Their
 * client errors (a scrape with a wrong token) are still logged, at warn, by ApiExceptionFilter.
 */
const UNLOGGED_PATHS = new Set(['/health', '/ready', '/metrics']);

/** Whether the request logger leaves requests to this URL out (see UNLOGGED_PATHS). */
export function isUnloggedPath(url: string): boolean {
  return UNLOGGED_PATHS.has(url.split('?')[0]);
}
