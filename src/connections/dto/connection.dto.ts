import { ApiProperty } from '@nestjs/swagger';
import { CONNECTION_ENGINES, CONNECTION_ROLES, type ConnectionEngine, type ConnectionRole } from '../connection-names';
import { CONNECTION_CHECKS, type ConnectionCheckName } from '../connection-tester';

/** A connection as the API shows it: never its password. */
export class ConnectionDto {
  name: string;
  @ApiProperty({ enum: CONNECTION_ROLES })
  role: ConnectionRole;
  @ApiProperty({ enum: CONNECTION_ENGINES })
  engine: ConnectionEngine;
  host: string | null;
  port: number | null;
  /** The MySQL/MariaDB database, or the SQLite file path. */
  database: string;
  user: string | null;
  /** Whether a password is stored (it is never returned). */
  hasPassword: boolean;
  /** Driver options. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  options: Record<string, string | number | boolean>;
  /** `source` and `archive` are configured by SOURCE_DB_URL and ARCHIVE_DB_URL, and read-only here. */
  builtIn: boolean;
  /** The variable that configures a built-in connection; null for the others. */
  configuredBy: string | null;
  /** Bumped by each change (null for built-ins). */
  version: number | null;
  /** ISO 8601, UTC; null for built-ins. */
  createdAt: string | null;
  /** ISO 8601, UTC; null for built-ins. */
  updatedAt: string | null;
  /** Policies that use it, as `sourceConnection/tableName`. */
  usedBy: string[];
  /** Whether this process holds a pool for it now (built-ins: always; others: opened on demand, closed when idle). */
  poolOpen: boolean;
}

export class ConnectionCheckDto {
  @ApiProperty({ enum: CONNECTION_CHECKS })
  check: ConnectionCheckName;
  ok: boolean;
  message: string;
}

/** What POST /connections/{name}/test found. */
export class ConnectionTestDto {
  name: string;
  @ApiProperty({ enum: CONNECTION_ROLES })
  role: ConnectionRole;
  /** Whether DAS can use the connection for its role now. */
  ok: boolean;
  /** The checks in the order they ran (dns, connect, login, database, privileges; file for SQLite); the first failure ends it. */
  @ApiProperty({ type: [ConnectionCheckDto] })
  checks: ConnectionCheckDto[];
  /** The failed check's message; null when ok. */
  error: string | null;
}
