import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describeProviderChoice, modelSearchPaths, OnnxEngine, parseDeviceRequest } from '@groundwork/runtime/models';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { type App, createApp, DEFAULT_BODY_LIMIT } from '../app.js';
import { onnxModelHost } from '../models/model-host.js';
import { openCommandDatabase } from './command-database.js';
import type { CliContext } from './main.js';

/** The built editor, from both src/cli and dist/cli. */
const EDITOR_DIRECTORY = fileURLToPath(new URL('../../../editor/dist', import.meta.url));

interface ServeOptions {
  port: number;
  host: string;
  db?: string;
  device?: string;
  bodyLimit: number;
}

function integer(label: string, min: number, max: number) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max)
      throw new InvalidArgumentError(`must be ${label} from ${min} to ${max}`);
    return number;
  };
}

export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('start the Groundwork application: the API, published flows and the editor')
    .option(
      '--port <port>',
      'port to listen on',
      integer('a port number', 0, 65_535),
      Number(process.env.GROUNDWORK_PORT ?? 4100),
    )
    .option(
      '--host <host>',
      'address to listen on; loopback unless told otherwise',
      process.env.GROUNDWORK_HOST ?? '127.0.0.1',
    )
    .option('--db <path>', 'the SQLite database file (default: GROUNDWORK_DB, else ./data/groundwork.db)')
    .option('--device <device>', 'auto (default, or GROUNDWORK_DEVICE), cpu, webgpu or cuda')
    .option(
      '--body-limit <bytes>',
      'largest request body',
      integer('a size in bytes', 1024, 1024 ** 3),
      DEFAULT_BODY_LIMIT,
    )
    .action(async (options: ServeOptions) => {
      context.exitCode = await serve(options, context);
    });
}

async function serve(options: ServeOptions, context: CliContext): Promise<number> {
  const log = pino({ level: process.env.GROUNDWORK_LOG_LEVEL ?? 'info' }, pino.destination(2));
  let device: ReturnType<typeof parseDeviceRequest>;
  try {
    device = parseDeviceRequest(options.device ?? process.env.GROUNDWORK_DEVICE);
  } catch (error) {
    context.stderr.write(`groundwork serve: --device: ${(error as Error).message}\n`);
    return 2;
  }
  const opened = openCommandDatabase(options.db, context, 'serve');
  if (!opened) return 1;
  const { db, path } = opened;
  const searchPaths = modelSearchPaths({ cwd: context.cwd });
  const engine = new OnnxEngine({
    device,
    searchPaths,
    cwd: context.cwd,
    onLoad: (info) =>
      log.info(
        {
          model: info.name,
          dtype: info.dtype,
          provider: describeProviderChoice({ provider: info.provider, reasons: info.providerReasons }),
          ...(info.graphChanges.length ? { graphChanges: info.graphChanges } : {}),
        },
        'model loaded',
      ),
  });
  const app = createApp({
    db,
    models: onnxModelHost(engine, searchPaths, device),
    log,
    bodyLimit: options.bodyLimit,
    editorDirectory: EDITOR_DIRECTORY,
  });
  const server = await listen(app, options, context);
  if (!server) {
    await app.close();
    db.close();
    return 1;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  context.stdout.write(`Groundwork is running at http://${options.host}:${port}/ (database ${path})\n`);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => {
      db.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

/** Resolves with the listening server, or undefined (after saying why) when it cannot listen. */
function listen({ app }: App, options: ServeOptions, context: CliContext): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = app.listen(options.port, options.host);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? `port ${options.port} is already in use (try --port)` : error.message;
      context.stderr.write(`groundwork serve: ${reason}\n`);
      resolve(undefined);
    });
  });
}
