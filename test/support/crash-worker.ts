/**
 * A child process that runs the archival engine and dies with SIGKILL at a chosen point of the
 * protocol — a real crash: no finally blocks, no rollback, connections cut by the kernel.
 *   argv: <sourceUrl> <archiveUrl> <table> <transfer> <hook: afterRead|beforeVerify|afterArchiveCommit> <batch> [lanes]
 * With lanes, each lane counts its own batches: the first lane to reach <batch> crashes the process.
 */
import { ArchivalEngine, TransferMode } from '../../src/archive/archival-engine';
import { openSqlClient } from '../../src/database/open-sql-client';
import { policyFor } from './engine-fixtures';

const HOOKS = ['afterRead', 'beforeVerify', 'afterArchiveCommit'] as const;

/** A misspelt hook name fails with its name, instead of a run that ends without crashing. */
function hookName(hook: string): (typeof HOOKS)[number] {
  const known = HOOKS.find((name) => name === hook);
  if (!known) {
    throw new Error(`unknown hook "${hook}"; one of ${HOOKS.join(', ')}`);
  }
  return known;
}

async function main(): Promise<void> {
  const [sourceUrl, archiveUrl, table, transfer, hook, batch, lanes = '1'] = process.argv.slice(2);
  const source = await openSqlClient('source', sourceUrl);
  const archive = await openSqlClient('archive', archiveUrl);
  const crashAt = Number(batch);
  const die = (current: number) => {
    if (current === crashAt) {
      process.stdout.write(`crashing at ${hook} of batch ${current}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
  };
  await new ArchivalEngine().run({
    policy: policyFor(table),
    source: source.client,
    archive: archive.client,
    runId: 666,
    batchSize: 100,
    transfer: transfer as TransferMode,
    lanes: Number(lanes),
    hooks: { [hookName(hook)]: die },
  });
  process.stdout.write('finished without crashing\n');
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
