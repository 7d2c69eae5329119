import { AppConfig } from '../config/app-config';
import { REDACTED } from './redaction';

/**
 * Secrets shorter than this are not scrubbed by value: a 3-letter database password would blank
 * out every occurrence of those letters in every log line. Such secrets still never get logged by
 * our code; this is the second line of defence.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 6;

/** Token-shaped text, whoever logged it: JWTs, `Bearer …` values, credentials inside URLs. */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, `$1${REDACTED}`],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"']*:)[^\s@"']+@/gi, '$1***@'],
];

/**
 * Returns a function that removes secrets from a finished log line: the configured secret values
 * (as written, JSON-escaped and URL-encoded) and token-shaped text. Applied to every line pino
 * writes, so it also covers messages built as strings, which field-based redaction cannot see.
 */
export function createSecretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_SECRET_LENGTH) {
      continue;
    }
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a secret that contains another is removed whole.
  const values = [...forms].sort((a, b) => b.length - a.length);
  return (line) => {
    let scrubbed = line;
    for (const value of values) {
      scrubbed = scrubbed.split(value).join(REDACTED);
    }
    for (const [pattern, replacement] of SECRET_PATTERNS) {
      scrubbed = scrubbed.replace(pattern, replacement);
    }
    return scrubbed;
  };
}

/** Every secret value the configuration holds. */
export function configuredSecrets(config: AppConfig): string[] {
  const databasePasswords = [config.controlDb, config.sourceDb, config.archiveDb, ...config.sourceReplicas].flatMap(
    (db) => (db.engine === 'mysql' && db.password ? [db.password] : []),
  );
  return [config.jwt.secret, ...(config.bootstrapAdmin ? [config.bootstrapAdmin.password] : []), ...databasePasswords];
}
