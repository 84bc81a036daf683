import { existsSync } from 'node:fs';
import { defaultRegistry, type NodeTypeRegistry } from '@groundwork/runtime';
import express, { type Express } from 'express';
import { nodeTypesRouter } from './node-types/node-types.routes.js';

export interface AppOptions {
  registry?: NodeTypeRegistry;
  /** The built editor (packages/editor/dist), served at `/` when present. */
  editorDirectory?: string;
}

/** The HTTP application, without listen(): tests mount it on an ephemeral port, `groundwork serve` on 4100. */
export function createApp(options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/api/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.use('/api/node-types', nodeTypesRouter(options.registry ?? defaultRegistry()));
  if (options.editorDirectory && existsSync(options.editorDirectory)) {
    app.use(express.static(options.editorDirectory));
  }
  return app;
}
