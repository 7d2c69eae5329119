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
 * Secrets this process learned after start: connection passwords decrypted from the control
 * database. Process-wide on purpose: whichever logger, run record or error message a password could
 * reach, every scrubber of the process removes it from then on. Grows only with distinct passwords
 * (a few per stored connection), never per use.
 */
const learnedSecrets = new Set<string>();
let learnedVersion = 0;

/** Adds a secret every scrubber of this process removes from now on (e.g. a decrypted password). */
export function learnSecret(secret: string): void {
  if (secret.length >= MIN_SCRUBBED_SECRET_LENGTH && !learnedSecrets.has(secret)) {
    learnedSecrets.add(secret);
    learnedVersion += 1;
  }
}

/**
 * Returns a function that removes secrets from a finished log line: the configured secret values,
 * the secrets learned at run time (see learnSecret), each as written, JSON-escaped and URL-encoded,
 * and token-shaped text. Applied to every line pino writes, so it also covers messages built as
 * strings, which field-based redaction cannot see.
 */
export function createSecretScrubber(secrets: readonly string[]): (line: string) => string {
  let values = scrubbedForms([...secrets, ...learnedSecrets]);
  let seenVersion = learnedVersion;
  return (line) => {
    if (seenVersion !== learnedVersion) {
      values = scrubbedForms([...secrets, ...learnedSecrets]);
      seenVersion = learnedVersion;
    }
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

/** Every form a secret takes in a line, longest first so that a secret containing another goes whole. */
function scrubbedForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUBBED_SECRET_LENGTH) {
      continue;
    }
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Every secret value the configuration holds. */
export function configuredSecrets(config: AppConfig): string[] {
  const databasePasswords = [config.controlDb, config.sourceDb, config.archiveDb, ...config.sourceReplicas].flatMap(
    (db) => (db.engine === 'mysql' && db.password ? [db.password] : []),
  );
  const keys = [config.encryptionKey, config.newEncryptionKey].flatMap((key) =>
    key ? [key.toString('base64'), key.toString('base64url')] : [],
  );
  return [
    config.jwt.secret,
    ...(config.bootstrapAdmin ? [config.bootstrapAdmin.password] : []),
    ...(config.metrics.token ? [config.metrics.token] : []),
    ...databasePasswords,
    ...keys,
    ...(config.connectionPassword ? [config.connectionPassword] : []),
    ...(config.queue.redis?.password ? [config.queue.redis.password] : []),
  ];
}
