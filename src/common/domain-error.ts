/**
 * What went wrong, in the terms each edge maps once: the HTTP exception filter to a status, the
 * CLI to an exit code. Services throw these and never speak HTTP themselves.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** One message per problem, each telling the caller what to fix. */
  readonly problems: readonly string[];
  /** Answer the problems as a list even when there is one (as validation answers: a field's rules). */
  readonly listed: boolean = false;

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('; '));
    this.problems = list;
    this.name = new.target.name;
  }
}

/** The input breaks a rule (a name, a password, a table that does not exist). */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
}

/** What the caller named does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
}

/** The request clashes with the current state (a taken name, the last admin). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

/** The caller is known but not allowed (a disabled account, signup closed). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden';
}

/** The caller could not be identified (bad credentials). */
export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}

/** Something the request needs cannot be reached now (a database connection); worth retrying later. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
}
