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

/** The request URL as logged: values of secret-looking query parameters replaced. */
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
      return SECRET_QUERY_PARAMETER.test(decodeURIComponentSafe(name)) ? `${name}=${REDACTED}` : pair;
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
