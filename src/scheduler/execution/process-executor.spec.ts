import { jobProcessArguments } from './process-executor';

describe('jobProcessArguments', () => {
  const base = { runId: 42, workerId: 'host:7:cafe' };

  it('runs dist/cli.js beside the service with its own V8 flags when JOB_PROCESS_HEAP_MB is 0', () => {
    const args = jobProcessArguments({
      ...base,
      execArgv: ['--max-semi-space-size=8', '--max-old-space-size=512'],
      ownFile: '/app/dist/scheduler/execution/process-executor.js',
      heapMb: 0,
    });
    expect(args).toEqual([
      '--max-semi-space-size=8',
      '--max-old-space-size=512',
      '/app/dist/cli.js',
      'run:execute',
      '--run-id',
      '42',
      '--worker-id',
      'host:7:cafe',
    ]);
  });

  it('replaces the heap limit with JOB_PROCESS_HEAP_MB', () => {
    const args = jobProcessArguments({
      ...base,
      execArgv: ['--max-old-space-size=512', '--max-semi-space-size=8'],
      ownFile: '/app/dist/scheduler/execution/process-executor.js',
      heapMb: 128,
    });
    expect(args.slice(0, 3)).toEqual(['--max-semi-space-size=8', '--max-old-space-size=128', '/app/dist/cli.js']);
  });

  it("runs src/cli.ts with ts-node's loader under ts-node, adding it when missing", () => {
    const ownFile = '/repo/src/scheduler/execution/process-executor.ts';
    const loader = ['-r', '/repo/node_modules/ts-node/register/transpile-only'];
    expect(jobProcessArguments({ ...base, execArgv: loader, ownFile, heapMb: 0 }).slice(0, 3)).toEqual([
      ...loader,
      '/repo/src/cli.ts',
    ]);
    expect(jobProcessArguments({ ...base, execArgv: [], ownFile, heapMb: 0 }).slice(0, 3)).toEqual([
      '-r',
      'ts-node/register/transpile-only',
      '/repo/src/cli.ts',
    ]);
  });
});
