/** Log fields that may carry secrets; pino replaces them wherever they appear at these paths. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
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
