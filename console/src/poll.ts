import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `load` now and again `intervalMs(result)` after each answer (null: stop), one call at a time,
 * until the component goes away. Each call has its own deadline (see api.ts), so none waits forever.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: (result: T | undefined) => number | null,
  deps: unknown[],
): () => void {
  const wake = useRef<() => void>(() => undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      let result: T | undefined;
      try {
        result = await load();
      } catch {
        result = undefined;
      }
      if (stopped) {
        return;
      }
      const next = intervalMs(result);
      if (next !== null) {
        timer = setTimeout(() => void tick(), next);
      }
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return () => wake.current();
}
