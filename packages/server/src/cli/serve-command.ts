import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { createApp } from '../app.js';
import type { CliContext } from './main.js';

/** The built editor, from both src/cli and dist/cli. */
const EDITOR_DIRECTORY = fileURLToPath(new URL('../../../editor/dist', import.meta.url));

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535');
  }
  return number;
}

export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('start the Groundwork application: the API and the editor')
    .option('--port <port>', 'port to listen on', port, Number(process.env.GROUNDWORK_PORT ?? 4100))
    .option(
      '--host <host>',
      'address to listen on; loopback unless told otherwise',
      process.env.GROUNDWORK_HOST ?? '127.0.0.1',
    )
    .action(async (options: { port: number; host: string }) => {
      const app = createApp({ editorDirectory: EDITOR_DIRECTORY });
      // Resolves once listening (the process then stays up for the server) or with the reason it cannot listen.
      await new Promise<void>((resolve) => {
        const server = app.listen(options.port, options.host);
        server.once('listening', () => {
          const address = server.address();
          const actual = typeof address === 'object' && address ? address.port : options.port;
          context.stdout.write(`Groundwork is running at http://${options.host}:${actual}/\n`);
          const stop = () => server.close(() => process.exit(0));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          resolve();
        });
        server.once('error', (error: NodeJS.ErrnoException) => {
          const reason =
            error.code === 'EADDRINUSE' ? `port ${options.port} is already in use (try --port)` : error.message;
          context.stderr.write(`groundwork serve: ${reason}\n`);
          context.exitCode = 1;
          resolve();
        });
      });
    });
}
