import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerRef } from '../db';
import { Job, MoveContext, MoveOutcome, Mover } from './mover';
import { commandVersion, exitError, runProcess } from './process';

export const PT_ARCHIVER = process.env.PT_ARCHIVER ?? 'pt-archiver';

/** `pt-archiver 3.2.1` → `3.2.1`; null when it is not installed. */
export function ptArchiverVersion(): Promise<string | null> {
  return commandVersion(PT_ARCHIVER);
}

/**
 * A client option file per server. It carries the credentials (so no password shows in the process
 * list) and the connection charset: pt-archiver 3.2.1 breaks with `--charset utf8mb4` or `A=utf8mb4`
 * in bulk mode ("Cannot find encoding", "Wide character in print"), while default-character-set in an
 * option file passes the bytes through unchanged.
 */
function clientOptionFile(workDir: string, server: ServerRef): string {
  const path = join(workDir, `pt-client-${server.host}-${server.port}.cnf`);
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  writeFileSync(
    path,
    `[client]\nuser=${quote(server.user)}\npassword=${quote(server.password)}\ndefault-character-set=utf8mb4\n`,
    { mode: 0o600 },
  );
  return path;
}

function dsn(workDir: string, server: ServerRef, database: string, table: string): string {
  for (const value of [server.host, database, table]) {
    if (/[,=]/.test(value)) {
      throw new Error(`pt-archiver DSNs cannot hold "," or "=": ${value}`);
    }
  }
  return `F=${clientOptionFile(workDir, server)},h=${server.host},P=${server.port},D=${database},t=${table}`;
}

/**
 * Percona's pt-archiver, in its default row-at-a-time mode or with --bulk-insert/--bulk-delete.
 * Batches of `--limit` rows in primary-key order, one commit per batch (`--commit-each`), the cutoff
 * as a literal in `--where`. `--no-safe-auto-increment`, so that "rows moved = rows older than the
 * cutoff" holds exactly (by default it never archives the max-id row).
 */
export class PtArchiverMover implements Mover {
  readonly archiveTable = 'like-source';

  constructor(
    readonly name: string,
    private readonly bulk: boolean,
  ) {}

  notApplicable(_job: Job): string | null {
    return null;
  }

  async unavailable(): Promise<string | null> {
    return (await ptArchiverVersion())
      ? null
      : `${PT_ARCHIVER} is not installed (Debian: apt-get install percona-toolkit)`;
  }

  async move(context: MoveContext): Promise<MoveOutcome> {
    const { archive, source, table, workDir } = context;
    const common = [
      '--where',
      `${context.dateColumn} < '${context.cutoff}'`,
      '--limit',
      String(context.batchSize),
      '--commit-each',
      '--no-safe-auto-increment',
      '--statistics',
      '--why-quit',
      '--no-version-check',
    ];
    const args =
      context.job === 'archive'
        ? [
            '--source',
            dsn(workDir, source.server, source.database, table),
            '--dest',
            dsn(workDir, archive.server, archive.database, table),
            ...common,
            ...(this.bulk ? ['--bulk-insert', '--bulk-delete'] : []),
          ]
        : [
            '--source',
            dsn(workDir, archive.server, archive.database, table),
            '--purge',
            ...common,
            ...(this.bulk ? ['--bulk-delete'] : []),
          ];
    const result = await runProcess(PT_ARCHIVER, args, {
      logFile: context.logFile,
      logHeader: `${PT_ARCHIVER} ${args.join(' ')}`,
    });
    return { seconds: result.seconds, error: exitError(result) };
  }
}
