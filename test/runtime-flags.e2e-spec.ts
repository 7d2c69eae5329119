import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAS_NODE_FLAGS } from '../bench/movers/das-runtime';

const ROOT = join(__dirname, '..');

/** The V8 flags the image gives every DAS process (`ENV NODE_OPTIONS=…` in docker/Dockerfile). */
function imageFlags(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  const match = /^ENV NODE_OPTIONS="?([^"\n]+)"?$/m.exec(dockerfile);
  if (!match) {
    throw new Error('docker/Dockerfile sets no NODE_OPTIONS');
  }
  return match[1].trim().split(/\s+/);
}

/** The flags `npm run start:prod` passes to node before the entry point. */
function startProdFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  const [command, ...args] = scripts['start:prod'].split(/\s+/);
  expect(command).toBe('node');
  return args.filter((arg) => arg.startsWith('--'));
}

/**
 * Peak memory is a measured property of the deployed processes (decision 008), so the image,
 * `npm run start:prod` and the benchmark's DAS worker must run with the same V8 flags, and Node
 * must accept them where the image puts them: it refuses some V8 flags in NODE_OPTIONS.
 */
describe('V8 flags of DAS processes', () => {
  it('are the same in the image, npm run start:prod and the benchmark worker', () => {
    const sorted = (flags: string[]) => [...flags].sort();
    expect(sorted(imageFlags())).toEqual(sorted(DAS_NODE_FLAGS));
    expect(sorted(startProdFlags())).toEqual(sorted(DAS_NODE_FLAGS));
  });

  it('are accepted by node in NODE_OPTIONS and take effect', () => {
    const flags = imageFlags();
    const oldSpaceFlag = flags.find((flag) => flag.startsWith('--max-old-space-size='));
    expect(oldSpaceFlag).toBeDefined();
    const oldSpaceMiB = Number(oldSpaceFlag!.split('=')[1]);
    const heapLimit = execFileSync(
      process.execPath,
      ['-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit)'],
      { env: { ...process.env, NODE_OPTIONS: flags.join(' ') }, encoding: 'utf8' },
    );
    // The heap limit is the old generation's maximum plus the young generation's.
    const limitMiB = Number(heapLimit) / 1048576;
    expect(limitMiB).toBeGreaterThanOrEqual(oldSpaceMiB);
    expect(limitMiB).toBeLessThan(oldSpaceMiB + 64);
  });
});
