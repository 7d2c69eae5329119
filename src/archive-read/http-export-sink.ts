import type { Response } from 'express';
import { ExportSink } from './export-sink';

/** Longest an export waits for a client to read what was sent (a stalled reader holds no session, but a request). */
export const EXPORT_STALL_MS = 60_000;

/**
 * An export into an HTTP response: `Content-Disposition: attachment`, chunked, and flow control
 * — after a write the socket's buffer refuses, the next batch waits for it to drain, at most
 * EXPORT_STALL_MS, so a client that stops reading ends its export instead of holding it forever.
 */
export class HttpExportSink implements ExportSink {
  constructor(
    private readonly response: Response,
    private readonly stallMs: number = EXPORT_STALL_MS,
  ) {}

  get gone(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  begin(fileName: string, contentType: string, maxRows: number): void {
    this.response.status(200);
    this.response.attachment(fileName);
    this.response.setHeader('Content-Type', contentType);
    this.response.setHeader('Cache-Control', 'no-store');
    this.response.setHeader('X-Export-Max-Rows', String(maxRows));
    this.response.flushHeaders();
  }

  async write(text: string): Promise<void> {
    if (this.gone || text === '' || this.response.write(text)) {
      return;
    }
    const response = this.response;
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        response.off('drain', drained);
        response.off('close', drained);
        if (error) {
          reject(error);
        } else {
          resolve();
        }
      };
      const drained = () => settle();
      const timer = setTimeout(
        () => settle(new Error(`the client read nothing for ${this.stallMs / 1000} s`)),
        this.stallMs,
      );
      response.once('drain', drained);
      response.once('close', drained);
    });
  }

  end(): void {
    if (!this.gone) {
      this.response.end();
    }
  }

  abort(): void {
    this.response.destroy();
  }
}
