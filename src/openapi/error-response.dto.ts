import { ApiProperty } from '@nestjs/swagger';

/** Nest's error shape, the one every 4xx and 5xx of the API has. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  statusCode: number;

  @ApiProperty({
    description: 'What went wrong and what to do about it: one message, or one per problem found.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'limit must be an integer from 1 to 1000',
  })
  message: string | string[];

  @ApiProperty({ description: 'The HTTP status text.', example: 'Bad Request' })
  error: string;
}
