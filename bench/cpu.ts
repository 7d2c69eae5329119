import { readFileSync } from 'node:fs';

/** The CPU time a mover's run took on the whole machine: its own processes and the servers'. */
export interface CpuUse {
  /** Busy CPU-seconds during the run, all processes, all cores. */
  seconds: number;
  /** Wall-clock seconds the measurement spanned. */
  windowSeconds: number;
  /**
   * CPU-seconds the hypervisor gave to other virtual machines while this one wanted them (steal),
   * all cores. A run that keeps more cores busy loses more of its speed to it.
   */
  stolenSeconds?: number;
}

/** Time all cores together have spent, from /proc/stat's aggregate `cpu` line, in seconds. */
export interface CpuSeconds {
  /** Running something: user, nice, system, irq, softirq (not idle or I/O wait). */
  busy: number;
  /** Wanted to run but the hypervisor ran another virtual machine (steal). */
  stolen: number;
}

/** /proc/stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

/** The CPU seconds so far in /proc/stat's text; null when it has no aggregate `cpu` line (not Linux). */
export function cpuSecondsOf(text: string): CpuSeconds | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) {
    return null;
  }
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq];
  if (busy.some((ticks) => !Number.isFinite(ticks))) {
    return null;
  }
  return {
    busy: busy.reduce((sum, ticks) => sum + ticks, 0) / TICKS_PER_SECOND,
    // Kernels before 2.6.11 have no steal column: nothing was counted as stolen.
    stolen: Number.isFinite(steal) ? steal / TICKS_PER_SECOND : 0,
  };
}

function readCpuSeconds(): CpuSeconds | null {
  try {
    return cpuSecondsOf(readFileSync('/proc/stat', 'utf8'));
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
  const before = readCpuSeconds();
  const started = performance.now();
  const result = await work();
  const windowSeconds = (performance.now() - started) / 1000;
  const after = readCpuSeconds();
  if (before === null || after === null) {
    return { result };
  }
  return {
    result,
    cpu: { seconds: after.busy - before.busy, windowSeconds, stolenSeconds: after.stolen - before.stolen },
  };
}
