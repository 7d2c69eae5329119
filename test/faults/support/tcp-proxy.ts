import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

/**
 * A TCP proxy in front of a database server, for fault tests: `cut()` drops every connection
 * through it at once (both directions), as a broken network would; new connections go on working.
 */
export interface TcpProxy {
  readonly port: number;
  /** Connections currently open through the proxy. */
  readonly open: number;
  /** Drops every open connection; returns how many were cut. */
  cut(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return pairs.size;
    },
    cut: () => {
      const count = pairs.size;
      for (const [client, upstream] of [...pairs]) {
        // A reset, not a polite close: what a cut network cable or a dead router looks like.
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
      return count;
    },
    close: async () => {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
