import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** Run ids as a client writes them: decimal digits without a leading zero (15 at most: below 2^53). */
const RUN_ID = /^[1-9]\d{0,14}$/;

/**
 * Route parameters of GET /runs/{id}. Validated as text: a `number` parameter would be converted by
 * the global ValidationPipe first, turning `1e3` into run 1000; `01`, `+1` and `1.0` are not ids either.
 */
export class RunIdParams {
  @ApiProperty({ description: 'Run id.', type: 'integer', minimum: 1, maximum: 999_999_999_999_999, example: 42 })
  @Matches(RUN_ID, { message: 'id must be a positive integer' })
  id: string;
}
