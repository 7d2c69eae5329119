import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'mysql2/promise';
import { CpuUse, measureCpu } from './cpu';
import { DatabaseRef, TableRef } from './db';
import { LoadMeasurement, ProductionLoad } from './load/sysbench';
import { Job, MoveOutcome, Mover, Topology } from './movers/mover';
import { quiesce } from './quiesce';
import { RunRecord } from './report';
import { cloneEmptyTable, copyTable, dropTable, ensureDatabase } from './seed';
import { Expectation, cutoffLiteral, expectArchive, expectPurge, verify } from './verify';

export interface RunSetup {
  rep: number;
  job: Job;
  topology: Topology;
  source: DatabaseRef;
  archive: DatabaseRef;
  /**
   * The fresh data every run starts from: an `orders` table on the source server (archive job), or an
   * archive table as DAS creates it on the archive server (purge job). Copied, never changed.
   */
  template: TableRef;
  table: string;
  dateColumn: string;
  /** Rows older than this many days are archived (archive job) or purged (purge job). */
  days: number;
  batchSize: number;
  workDir: string;
  logDir: string;
  /** 0 skips the wait for InnoDB to settle (tests). */
  quiesceMaxSeconds: number;
  /**
   * The cost-to-production benchmark: a workload on the source server, warmed up before the mover
   * starts and stopped when it ends, so its figures cover exactly the mover's run.
   */
  load?: ProductionLoad;
}

/** The tables a run starts from, fresh, and how long InnoDB took to settle after the copy. */
export interface FreshData {
  source: TableRef;
  archive: TableRef;
  quiesceSeconds: number;
}

/**
 * Copies the template into place (the source's `orders` for archive, the archive table for purge),
 * gives the archive job an empty archive table or none (`archiveTable`), and lets InnoDB settle.
 */
export async function freshData(setup: RunSetup, archiveTable: Mover['archiveTable']): Promise<FreshData> {
  const source: TableRef = { ...setup.source, table: setup.table };
  const archive: TableRef = { ...setup.archive, table: setup.table };
  await ensureDatabase(source);
  await ensureDatabase(archive);
  if (setup.job === 'archive') {
    await copyTable(setup.template, source);
    if (archiveTable === 'like-source') {
      await cloneEmptyTable(source, archive);
    } else {
      await dropTable(archive);
    }
  } else {
    await copyTable(setup.template, archive);
  }
  let quiesceSeconds = 0;
  if (setup.quiesceMaxSeconds > 0) {
    for (const conn of distinctConnections(source.conn, archive.conn)) {
      quiesceSeconds += (await quiesce(conn, setup.quiesceMaxSeconds)).seconds;
    }
  }
  return { source, archive, quiesceSeconds };
}

/** The file a run's log goes to, `.suffix` for a second log of the same run. */
export function runLogFile(setup: RunSetup, variant: string, suffix = ''): string {
  return join(setup.logDir, `${setup.rep}-${setup.job}-${setup.topology}-${variant}${suffix}.log`);
}

/**
 * One timed run of one mover: copy fresh data from the template, let InnoDB settle, fix the cutoff,
 * record what must hold afterwards, run the mover (the only part that is timed), verify.
 */
export async function runOnce(setup: RunSetup, mover: Mover): Promise<{ record: RunRecord; expectation: Expectation }> {
  const startedAt = new Date().toISOString();
  const prepareStarted = performance.now();
  const { source, archive, quiesceSeconds } = await freshData(setup, mover.archiveTable);
  const shrinking = setup.job === 'archive' ? source : archive;
  const cutoff = await cutoffLiteral(shrinking, setup.days);
  const expectation =
    setup.job === 'archive'
      ? await expectArchive(source, archive, setup.dateColumn, cutoff)
      : await expectPurge(archive, setup.dateColumn, cutoff);
  const prepareSeconds = (performance.now() - prepareStarted) / 1000;

  // Other work on the machine is the main source of noise; the 1-minute load says how much there was.
  const loadAverage = loadavg()[0];
  const log = runLogFile(setup, mover.name);
  const load = setup.load ? await setup.load.start(runLogFile(setup, mover.name, '.sysbench')) : null;
  let measured: { result: MoveOutcome; cpu?: CpuUse };
  let loadMeasurement: LoadMeasurement | undefined;
  try {
    measured = await measureCpu(() =>
      mover.move({
        job: setup.job,
        topology: setup.topology,
        source: setup.source,
        archive: setup.archive,
        table: setup.table,
        dateColumn: setup.dateColumn,
        cutoff,
        days: setup.days,
        batchSize: setup.batchSize,
        workDir: setup.workDir,
        logFile: log,
      }),
    );
  } finally {
    loadMeasurement = await load?.stop();
  }
  const { result: outcome, cpu } = measured;
  const base = {
    rep: setup.rep,
    job: setup.job,
    topology: setup.topology,
    variant: mover.name,
    startedAt,
    cutoff,
    expectedRows: expectation.expectedRows,
    seconds: outcome.seconds,
    engineSeconds: outcome.engineSeconds,
    batches: outcome.batches,
    maxRssKb: outcome.maxRssKb,
    transfer: outcome.transfer,
    pausedSeconds: outcome.pausedSeconds,
    prepareSeconds,
    quiesceSeconds,
    loadAverage,
    cpu,
    log,
    ...(loadMeasurement?.window ? { load: loadMeasurement.window } : {}),
  };
  if (outcome.unavailable) {
    const failures = [outcome.error ?? 'unavailable'];
    return { record: { ...base, status: 'unavailable', rows: 0, rowsPerSecond: 0, failures }, expectation };
  }
  const verification = await verify(expectation);
  const failures = [
    ...(outcome.error ? [`${mover.name} ${outcome.error}`] : []),
    ...verification.failures,
    ...(loadMeasurement?.error ? [`the load beside it: ${loadMeasurement.error}`] : []),
  ];
  const record: RunRecord = {
    ...base,
    status: failures.length === 0 ? 'verified' : 'failed',
    rows: verification.rows,
    rowsPerSecond: outcome.seconds > 0 ? verification.rows / outcome.seconds : 0,
    failures,
  };
  return { record, expectation };
}

function distinctConnections(...connections: Connection[]): Connection[] {
  return [...new Set(connections)];
}
