import { ApiProperty } from '@nestjs/swagger';
import { ApiCountProperty } from '../../openapi/integer-properties';

/** OAuth2-style token response (snake_case by convention, unlike the rest of the API). */
export class TokenResponseDto {
  /**
   * A JWT (HS256); send it as `Authorization: Bearer <access_token>`.
   * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIn0.c2lnbmF0dXJl
   */
  access_token: string;
  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type: 'Bearer';
  /** Seconds until the token expires (JWT_EXPIRES_IN). */
  @ApiCountProperty(3600)
  expires_in: number;
}
