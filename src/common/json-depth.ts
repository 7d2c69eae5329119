/**
 * Whether a parsed JSON value nests arrays and objects more than `maxDepth` levels deep (a scalar
 * is depth 0, `[]` and `{}` are depth 1). Iterative, so a hostile body cannot exhaust the stack
 * here either, and it stops at the first path that goes too deep.
 */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof current !== 'object' || current === null) {
      continue;
    }
    if (depth + 1 > maxDepth) {
      return true;
    }
    for (const child of Object.values(current)) {
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
