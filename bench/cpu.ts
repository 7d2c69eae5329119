import { readFileSync } from 'node:fs';

/** The machine's CPU time so far, all cores together, from the first line of /proc/stat. */
export interface CpuTimes {
  /**
   * Seconds the CPUs spent running something: user, nice, system, irq, softirq. Not steal: that
   * time ran other VMs.
   */
  busySeconds: number;
}

/** The CPU time a mover's run took on the whole machine: its own processes and the servers'. */
export interface CpuUse {
  /** Busy CPU-seconds during the run, all processes, all cores. */
  seconds: number;
  /** Wall-clock seconds the measurement spanned. */
  windowSeconds: number;
}

/** /proc/stat counts in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

/** Parses /proc/stat's aggregate `cpu` line; null when the text has none (not Linux). */
export function parseProcStat(text: string): CpuTimes | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) {
    return null;
  }
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq];
  if (busy.some((ticks) => !Number.isFinite(ticks))) {
    return null;
  }
  return { busySeconds: busy.reduce((sum, ticks) => sum + ticks, 0) / TICKS_PER_SECOND };
}

export function readCpuTimes(): CpuTimes | null {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
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
  const before = readCpuTimes();
  const started = performance.now();
  const result = await work();
  const windowSeconds = (performance.now() - started) / 1000;
  const after = readCpuTimes();
  if (!before || !after) {
    return { result };
  }
  return { result, cpu: { seconds: after.busySeconds - before.busySeconds, windowSeconds } };
}
