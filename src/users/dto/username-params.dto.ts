import { Matches } from 'class-validator';
import { USERNAME_PATTERN, USERNAME_RULE } from '../credential-rules';

/** Route parameters of /users/{username}/…: a name that cannot be a username is a 400, not a lookup. */
export class UsernameParams {
  /**
   * Case-insensitive, like logins.
   * @example alice
   */
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;
}
