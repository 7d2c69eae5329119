import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket, connect } from 'node:net';
import type { Response } from 'express';
import { HttpExportSink } from './http-export-sink';

/**
 * The sink on a real socket: a client that sends its request and then reads nothing. The server's
 * writes fill the socket's buffers, and the export's wait for them to drain must end by itself.
 */
describe('HttpExportSink', () => {
  let server: Server;
  let client: Socket | undefined;

  afterEach(async () => {
    client?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Serves one request with `work`, from a client that never reads the answer; resolves with what work returned. */
  const serveStalledClient = <T>(work: (response: ServerResponse) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      server = createServer((_request, response) => {
        work(response).then(resolve, reject);
      });
      server.listen(0, '127.0.0.1', () => {
        client = connect((server.address() as AddressInfo).port, '127.0.0.1', () => {
          client?.write('GET /export HTTP/1.1\r\nHost: x\r\n\r\n');
          client?.pause();
        });
      });
    });

  it('gives up on a client that reads nothing, and aborts the response', async () => {
    const outcome = await serveStalledClient(async (response) => {
      const sink = new HttpExportSink(response as unknown as Response, 300);
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      let written = 0;
      try {
        // Far more than any socket buffers: the loop can only end by the sink giving up.
        while (written < 1024 * 1024 * 1024) {
          await sink.write(chunk);
          written += chunk.length;
        }
        return 'wrote everything';
      } catch (error) {
        sink.abort();
        return `${(error as Error).message}; gone: ${sink.gone}`;
      }
    });
    expect(outcome).toBe('the client read nothing for 0.3 s; gone: true');
  });
});
