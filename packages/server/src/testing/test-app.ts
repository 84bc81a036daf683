import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, createApp } from '../app.js';
import { type Database, openDatabase } from '../db/connection.js';
import type { ModelHost } from '../models/model-host.js';

export interface TestApp {
  /** `http://127.0.0.1:PORT` */
  url: string;
  app: App;
  server: Server;
  /** Stops the server, the app and the database. */
  close(): Promise<void>;
}

/**
 * The whole app in this process on an ephemeral loopback port, for unit tests of routes that need a model double
 * (HTTP tests of the real server process use tests/http/server-process.ts). An in-memory database by default.
 */
export async function startTestApp(
  models: Partial<ModelHost> & Pick<ModelHost, 'provider'>,
  db?: Database,
): Promise<TestApp> {
  const app = createApp({
    db: db ?? openDatabase(':memory:'),
    models: { device: 'cpu', list: async () => [], close: async () => {}, ...models },
  });
  const server = app.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    server,
    async close() {
      server.closeAllConnections();
      server.close();
      await app.close();
      app.context.db.close();
    },
  };
}
