/** What a removed secret is replaced with, in fields and in text. */
export const REDACTED = '[redacted]';

/** Log fields that may carry secrets; pino replaces them wherever they appear at these paths. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  '*.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'access_token',
  '*.access_token',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

/** Query-string parameters whose values are never logged, whatever the route. */
const SECRET_QUERY_PARAMETER = /^(password|pass|pwd|token|access_token|refresh_token|secret|api_key|apikey)$/i;

/** Whether a query parameter (or the column a filter names) holds a secret whose value is never logged or audited. */
export function isSecretParameter(name: string): boolean {
  return SECRET_QUERY_PARAMETER.test(name);
}

/** A column filter (`filter[token]=`, `prefix[password]=`): judged by the column it names. */
const COLUMN_FILTER = /^(?:filter|prefix)\[(.*)\]$/s;

/** The request URL as logged: values of secret-looking query parameters (and column filters) replaced. */
export function redactUrlQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return url;
  }
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const [name] = pair.split('=', 1);
      const decoded = decodeURIComponentSafe(name);
      const parameter = COLUMN_FILTER.exec(decoded)?.[1] ?? decoded;
      return SECRET_QUERY_PARAMETER.test(parameter) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
