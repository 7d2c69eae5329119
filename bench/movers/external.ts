import { DatabaseRef } from '../db';
import { Job, MoveContext, MoveOutcome, Mover } from './mover';
import { exitError, runProcess } from './process';

/**
 * Any other archiver, given as a shell command (`--variant name='cmd'`), timed and verified like the
 * others. It learns what to do from its environment, the same variables as shared/bench/measure.sh:
 * BENCH_JOB (archive|purge), BENCH_CUTOFF (move/delete rows with DATE_COLUMN < it), BATCH_SIZE,
 * DB_HOST DB_PORT DB_USER DB_PASSWORD (the source server; for purge the archive server),
 * SOURCE_DB ARCHIVE_DB TABLE DATE_COLUMN, and for two servers ARCHIVE_DB_HOST/PORT/USER/PASSWORD.
 * For the archive job it finds an empty archive table defined like the source.
 */
export class ExternalCommandMover implements Mover {
  readonly archiveTable = 'like-source';

  constructor(
    readonly name: string,
    private readonly command: string,
  ) {}

  notApplicable(_job: Job): string | null {
    return null;
  }

  async unavailable(): Promise<string | null> {
    return null;
  }

  async move(context: MoveContext): Promise<MoveOutcome> {
    const main = context.job === 'archive' ? context.source : context.archive;
    const result = await runProcess('bash', ['-c', this.command], {
      env: {
        ...process.env,
        BENCH_JOB: context.job,
        BENCH_CUTOFF: context.cutoff,
        BATCH_SIZE: String(context.batchSize),
        ...serverEnv('DB', main),
        ...serverEnv('SOURCE_DB', context.source),
        ...serverEnv('ARCHIVE_DB', context.archive),
        SOURCE_DB: context.source.database,
        ARCHIVE_DB: context.archive.database,
        TABLE: context.table,
        DATE_COLUMN: context.dateColumn,
      },
      logFile: context.logFile,
      logHeader: `bash -c ${this.command}`,
    });
    return { seconds: result.seconds, error: exitError(result) };
  }
}

function serverEnv(prefix: string, db: DatabaseRef): Record<string, string> {
  return {
    [`${prefix}_HOST`]: db.server.host,
    [`${prefix}_PORT`]: String(db.server.port),
    [`${prefix}_USER`]: db.server.user,
    [`${prefix}_PASSWORD`]: db.server.password,
  };
}
