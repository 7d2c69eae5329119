/** Shapes of the API's answers the console reads (see /docs for the full documents). */

export interface Me {
  sub: string;
  username: string;
  role: 'admin' | 'user';
  permissions: string[];
}

export interface ArchiveTable {
  tableName: string;
  connection: string;
  dateColumn: string;
  primaryKey: string[];
}

export type FilterKind = 'eq' | 'prefix';

export interface ArchiveColumn {
  name: string;
  type: string;
  nullable: boolean;
  filters: FilterKind[];
}

export interface ArchiveColumns extends ArchiveTable {
  columns: ArchiveColumn[];
}

export type Row = Record<string, unknown>;

export interface ArchivePage {
  items: Row[];
  nextCursor: string | null;
}

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'stopped' | 'cancelled';

export interface Run {
  id: number;
  job: string;
  tableName: string;
  sourceConnection: string;
  archiveConnection: string;
  status: RunStatus;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  rowsArchived: number;
  rowsPurged: number;
  batches: number;
  error: string | null;
  dryRun: boolean;
  requestedBy: string | null;
  details: Record<string, unknown> | null;
}

export interface DashboardPolicy {
  tableName: string;
  sourceConnection: string;
  archiveConnection: string;
  enabled: boolean;
  lastRun: {
    id: number;
    job: string;
    status: RunStatus;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
  } | null;
  lastSuccessAt: string | null;
  backlog: { rows: number; capped: boolean; sampledAt: string } | null;
}

export interface DashboardDay {
  day: string;
  rowsArchived: number;
  rowsPurged: number;
  runs: number;
  failedRuns: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

export interface Dashboard {
  policies: DashboardPolicy[];
  daily: DashboardDay[];
}

export interface User {
  id: number;
  username: string;
  role: 'admin' | 'user';
  permissions: string[];
  disabled: boolean;
}
