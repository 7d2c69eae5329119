import { request } from 'node:http';
import { FuzzRequest } from './fuzz-requests';

export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends a request exactly as built (headers, bytes, path), without a client library that would
 * fix it up: a wrong Content-Length or an odd header is the point, not a mistake.
 */
export function sendRaw(baseUrl: string, fuzz: FuzzRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolveResponse, rejectResponse) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: fuzz.method,
        path: fuzz.path,
        headers: { ...fuzz.headers, ...(fuzz.body ? { 'content-length': String(fuzz.body.length) } : {}) },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolveResponse({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        incoming.on('error', rejectResponse);
      },
    );
    outgoing.on('error', rejectResponse);
    outgoing.end(fuzz.body);
  });
}
