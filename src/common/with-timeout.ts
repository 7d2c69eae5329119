/**
 * `work`, or a rejection with `timeoutError()` once `ms` have passed. The work itself is left to
 * finish or fail on its own (race() has already attached its handlers, so a late failure is not
 * unhandled); the timer is cleared either way.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
