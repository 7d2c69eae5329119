import { ApiProperty } from '@nestjs/swagger';

/** OAuth2-style token response (snake_case by convention, unlike the rest of the API). */
export class TokenResponseDto {
  /** A JWT (HS256); send it as `Authorization: Bearer <access_token>`. */
  access_token: string;
  @ApiProperty({ enum: ['Bearer'] })
  token_type: 'Bearer';
  /** Seconds until the token expires. */
  expires_in: number;
}
