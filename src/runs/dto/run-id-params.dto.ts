import { Matches } from 'class-validator';

/**
 * Route parameters of GET /runs/{id}. Validated as text: a `number` parameter would be converted by
 * the global ValidationPipe first, turning `1e3` into run 1000.
 */
export class RunIdParams {
  /** Run id (digits only). */
  @Matches(/^\d{1,15}$/, { message: 'id must be a positive integer' })
  id: string;
}
