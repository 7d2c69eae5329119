import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Topology } from '../movers/mover';
import { LOAD_BASELINE } from '../options';
import { RunSetup, freshData, runLogFile } from '../run-once';
import { LoadWindow, ProductionLoad } from './sysbench';

/** sysbench alone for a round (`none`): what the workload's latency is with no archiver beside it. */
export interface BaselineRecord {
  rep: number;
  topology: Topology;
  variant: typeof LOAD_BASELINE;
  startedAt: string;
  status: 'measured' | 'failed';
  /** How long it measured: the round's longest archiver run, or --load-baseline-seconds. */
  seconds: number;
  load?: LoadWindow;
  failures: string[];
  loadAverage: number;
  log: string;
}

/**
 * The same preparation as an archiver's run (fresh data copied, InnoDB settled, so the server holds
 * the same tables and has no background work left), then sysbench alone for `seconds`, measured
 * exactly like a window beside an archiver.
 */
export async function runBaseline(
  setup: RunSetup & { load: ProductionLoad },
  seconds: number,
): Promise<BaselineRecord> {
  const startedAt = new Date().toISOString();
  await freshData(setup, 'absent');
  const loadAverage = loadavg()[0];
  const log = runLogFile(setup, LOAD_BASELINE, '.sysbench');
  const session = await setup.load.start(log);
  await sleep(seconds * 1000);
  const measured = await session.stop();
  return {
    rep: setup.rep,
    topology: setup.topology,
    variant: LOAD_BASELINE,
    startedAt,
    status: measured.window ? 'measured' : 'failed',
    seconds,
    ...(measured.window ? { load: measured.window } : {}),
    failures: measured.error ? [measured.error] : [],
    loadAverage,
    log,
  };
}
