import { ApiProperty } from '@nestjs/swagger';
import { CONNECTION_ENGINES, CONNECTION_ROLES, type ConnectionEngine, type ConnectionRole } from '../connection-names';
import { CONNECTION_CHECKS, type ConnectionCheckName } from '../connection-tester';

/** A connection as the API shows it: never its password. */
export class ConnectionDto {
  /** @example shop_eu */
  name: string;
  @ApiProperty({ enum: CONNECTION_ROLES })
  role: ConnectionRole;
  @ApiProperty({ enum: CONNECTION_ENGINES })
  engine: ConnectionEngine;
  /** @example shop-eu.internal */
  host: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 65535, nullable: true, example: 3306 })
  port: number | null;
  /**
   * The MySQL/MariaDB database, or the SQLite file path.
   * @example shop
   */
  database: string;
  /** @example das */
  user: string | null;
  /**
   * Whether a password is stored (it is never returned).
   * @example true
   */
  hasPassword: boolean;
  /** Driver options. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { connectionLimit: 2 } })
  options: Record<string, string | number | boolean>;
  /**
   * `source` and `archive` are configured by SOURCE_DB_URL and ARCHIVE_DB_URL, and read-only here.
   * @example false
   */
  builtIn: boolean;
  /** The variable that configures a built-in connection; null for the others. */
  configuredBy: string | null;
  /** Bumped by each change (null for built-ins). */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 2_147_483_647, nullable: true, example: 1 })
  version: number | null;
  /**
   * ISO 8601, UTC; null for built-ins.
   * @example 2024-03-01T10:00:00.000Z
   */
  createdAt: string | null;
  /**
   * ISO 8601, UTC; null for built-ins.
   * @example 2024-03-01T10:00:00.000Z
   */
  updatedAt: string | null;
  /**
   * Policies that use it, as `sourceConnection/tableName`.
   * @example ["shop_eu/orders"]
   */
  usedBy: string[];
  /**
   * Whether this process holds a pool for it now (built-ins: always; others: opened on demand, closed when idle).
   * @example false
   */
  poolOpen: boolean;
}

export class ConnectionCheckDto {
  @ApiProperty({ enum: CONNECTION_CHECKS })
  check: ConnectionCheckName;
  /** @example true */
  ok: boolean;
  @ApiProperty({ example: 'shop-eu.internal resolves to 10.0.0.7' })
  message: string;
}

/** What POST /connections/{name}/test found. */
export class ConnectionTestDto {
  /** @example shop_eu */
  name: string;
  @ApiProperty({ enum: CONNECTION_ROLES })
  role: ConnectionRole;
  /**
   * Whether DAS can use the connection for its role now.
   * @example true
   */
  ok: boolean;
  /** The checks in the order they ran (dns, connect, login, database, privileges; file for SQLite); the first failure ends it. */
  @ApiProperty({ type: [ConnectionCheckDto] })
  checks: ConnectionCheckDto[];
  /** The failed check's message; null when ok. */
  error: string | null;
}
