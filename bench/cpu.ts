import { readFileSync } from 'node:fs';

/** The CPU time a mover's run took on the whole machine: its own processes and the servers'. */
export interface CpuUse {
  /** Busy CPU-seconds during the run, all processes, all cores. */
  seconds: number;
  /** Wall-clock seconds the measurement spanned. */
  windowSeconds: number;
}

/** /proc/stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

/**
 * The seconds all cores together have spent running something so far, from /proc/stat's aggregate
 * `cpu` line: user, nice, system, irq, softirq (not idle, I/O wait, or steal: that time ran other
 * VMs). Null when the text has no such line (not Linux).
 */
export function busySecondsOf(text: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) {
    return null;
  }
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq];
  if (busy.some((ticks) => !Number.isFinite(ticks))) {
    return null;
  }
  return busy.reduce((sum, ticks) => sum + ticks, 0) / TICKS_PER_SECOND;
}

function readBusySeconds(): number | null {
  try {
    return busySecondsOf(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Runs `work` and measures the busy CPU time of the whole machine meanwhile. Whole machine because
 * a mover's cost is spread over its own process and the database servers; with nothing else
 * running it is the CPU the move cost. Undefined where /proc/stat is missing.
 */
export async function measureCpu<T>(work: () => Promise<T>): Promise<{ result: T; cpu?: CpuUse }> {
  const before = readBusySeconds();
  const started = performance.now();
  const result = await work();
  const windowSeconds = (performance.now() - started) / 1000;
  const after = readBusySeconds();
  if (before === null || after === null) {
    return { result };
  }
  return { result, cpu: { seconds: after - before, windowSeconds } };
}
