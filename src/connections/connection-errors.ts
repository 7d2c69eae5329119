import { DomainError } from '../common/domain-error';

/**
 * What can go wrong with connections, as domain errors: services throw them, and each edge maps
 * them once — HTTP (ApiExceptionFilter), the CLI (exit codes), run records (the message).
 * Messages name the connection and what to do; they never hold a password.
 */
export abstract class ConnectionError extends DomainError {}

/** A request the caller must fix: bad field, unknown role or engine, wrong role for a policy side. */
export class InvalidConnectionError extends ConnectionError {
  readonly kind = 'invalid';
  override readonly listed = true;
  constructor(override readonly problems: string[]) {
    super(problems);
    this.name = 'InvalidConnectionError';
  }
}

export class ConnectionNotFoundError extends ConnectionError {
  readonly kind = 'not-found';
  constructor(readonly connectionName: string) {
    super(`no connection named "${connectionName}" (GET /api/v1/connections lists them)`);
    this.name = 'ConnectionNotFoundError';
  }
}

/** The change would break something that exists: a name taken, a built-in, a connection in use. */
export class ConnectionConflictError extends ConnectionError {
  readonly kind = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionConflictError';
  }
}

/** A connection a job or a read needs cannot be opened now. */
export class ConnectionUnavailableError extends ConnectionError {
  readonly kind = 'unavailable';
  constructor(
    readonly connectionName: string,
    readonly role: string,
    reason: string,
  ) {
    super(
      `${role} connection "${connectionName}" is unavailable: ${reason} ` +
        `(POST /api/v1/connections/${connectionName}/test says what fails)`,
    );
    this.name = 'ConnectionUnavailableError';
  }
}

/**
 * Stored passwords and ENCRYPTION_KEY do not go together (missing, wrong, or a secret that does not
 * decrypt). Over HTTP a conflict: a request the server cannot honour as configured.
 */
export class EncryptionKeyError extends ConnectionError {
  readonly kind = 'conflict';
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}
