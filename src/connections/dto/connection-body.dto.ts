import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  CONNECTION_ENGINES,
  CONNECTION_NAME_PATTERN,
  CONNECTION_NAME_RULE,
  CONNECTION_ROLES,
  type ConnectionEngine,
  type ConnectionRole,
} from '../connection-names';

/**
 * A connection: either `url`, or `engine` with `host`, `port`, `database`, `user`, `password`.
 * A password given (in `password` or in the URL) replaces the stored one; left out, an update keeps
 * it; `null` removes it. Passwords are stored encrypted and never returned.
 */
export class ConnectionFieldsDto {
  /**
   * `source`: tables are archived from it; `archive`: archived rows are written to it.
   * @example source
   */
  @IsIn(CONNECTION_ROLES, { message: `role must be one of: ${CONNECTION_ROLES.join(', ')}` })
  role: ConnectionRole;

  /**
   * `mysql://user:password@host:3306/database` (or `mariadb://…`; URL-encode special characters), or
   * `sqlite:path`. Query parameters are driver options (see `options`).
   * @example mysql://das:secret@shop-eu.internal:3306/shop
   */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @IsOptional()
  @IsIn(CONNECTION_ENGINES, { message: `engine must be one of: ${CONNECTION_ENGINES.join(', ')}` })
  engine?: ConnectionEngine;

  @IsOptional()
  @IsString()
  @Length(1, 255)
  host?: string;

  /** Default 3306. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 65535, required: false, example: 3306 })
  port?: number;

  /** The MySQL/MariaDB database, or the SQLite file path (relative paths resolve against DAS's working directory). */
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  database?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  user?: string;

  /** Stored encrypted under ENCRYPTION_KEY; never returned. `null` removes the stored one. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string | null;

  /**
   * Driver options: `connectionLimit` (pool size, 1–64; default CONNECTION_POOL_LIMIT),
   * `connectTimeout` (ms, 1000–60000), `ssl` (`true`, or a profile name such as "Amazon RDS").
   */
  @IsOptional()
  @IsObject()
  options?: Record<string, string | number | boolean>;
}

export class CreateConnectionDto extends ConnectionFieldsDto {
  /**
   * Letters, digits, `_` and `-`, starting with a letter, at most 32; `source` and `archive` are built in.
   * @example shop_eu
   */
  @IsString()
  @Matches(CONNECTION_NAME_PATTERN, { message: CONNECTION_NAME_RULE })
  name: string;
}

/** PUT replaces the connection's description (its name stays). */
export class UpdateConnectionDto extends ConnectionFieldsDto {}

export class ConnectionNameParams {
  /**
   * A connection name, e.g. `source`, `archive` or `shop_eu`.
   * @example shop_eu
   */
  @Matches(CONNECTION_NAME_PATTERN, { message: CONNECTION_NAME_RULE })
  name: string;
}
