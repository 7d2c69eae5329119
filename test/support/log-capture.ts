/**
 * Everything this process writes to stdout while capturing (the service's pino lines, in an
 * in-process test app), kept instead of printed.
 */
export class StdoutCapture {
  private readonly chunks: string[] = [];
  private original: typeof process.stdout.write | null = null;

  start(): void {
    this.original = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
      this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
  }

  stop(): string {
    if (this.original) {
      process.stdout.write = this.original;
      this.original = null;
    }
    return this.chunks.join('');
  }
}
