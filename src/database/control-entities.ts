import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { RevokedToken } from '../auth/entities/revoked-token.entity';
import { StoredConnection } from '../connections/entities/stored-connection.entity';
import { Policy } from '../policy/entities/policy.entity';
import { JobRun } from '../runs/entities/job-run.entity';
import { JobLease } from '../scheduler/entities/job-lease.entity';
import { User } from '../users/entities/user.entity';
import { PolicyThrottling1765100000000 } from './migrations/1765100000000-PolicyThrottling';
import { InitialSchema1763770000000 } from './migrations/1763770000000-InitialSchema';
import { Connections1796610000000 } from './migrations/1796610000000-Connections';
import { UserLifecycleAndRevokedTokens1796620000000 } from './migrations/1796620000000-UserLifecycleAndRevokedTokens';
import { RunTimesInMilliseconds1796620060000 } from './migrations/1796620060000-RunTimesInMilliseconds';
import { JobExecution1796630000000 } from './migrations/1796630000000-JobExecution';
import { JobWorker } from '../workers/entities/job-worker.entity';

/** Everything the control database holds. Listed explicitly (no globs) so ts-node, jest and dist agree. */
export const CONTROL_ENTITIES = [User, Policy, JobRun, JobLease, AuditEntry, StoredConnection, RevokedToken, JobWorker];
export const CONTROL_MIGRATIONS = [
  InitialSchema1763770000000,
  PolicyThrottling1765100000000,
  Connections1796610000000,
  UserLifecycleAndRevokedTokens1796620000000,
  RunTimesInMilliseconds1796620060000,
  JobExecution1796630000000,
];
