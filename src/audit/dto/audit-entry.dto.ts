export class AuditEntryDto {
  id: number;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  /** Username of the caller, or `system`, `cli`, `anonymous`. */
  actor: string;
  /** e.g. `user.signup`, `user.permissions`, `user.role`, `policy.upsert`, `run.start`, `archive.read`. */
  action: string;
  tableName: string | null;
  /** The connection acted on: a policy's source connection, the one read from, or the one changed. */
  connection: string | null;
  rowCount: number | null;
  details: Record<string, unknown> | null;
}
