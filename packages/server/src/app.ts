import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRegistry, type NodeTypeRegistry } from '@groundwork/runtime';
import express, { type Express } from 'express';
import { type Logger, pino } from 'pino';
import { collectionsRouter } from './collections/collections.routes.js';
import { CollectionService } from './collections/collections.service.js';
import type { AppContext } from './context.js';
import { datasetsRouter } from './datasets/datasets.routes.js';
import { DEFAULT_DATASET_BODY_LIMIT } from './datasets/datasets.schemas.js';
import { DatasetService } from './datasets/datasets.service.js';
import type { Database } from './db/connection.js';
import { evaluationsRouter } from './evaluations/evaluations.routes.js';
import { EvaluationService } from './evaluations/evaluations.service.js';
import { FlowsRepository } from './flows/flows.repository.js';
import { flowsRouter } from './flows/flows.routes.js';
import { healthRouter } from './health/health.routes.js';
import { errorMiddleware, notFoundHandler } from './http/error-middleware.js';
import { requireApiKey } from './keys/api-key-auth.js';
import { KeyService } from './keys/keys.service.js';
import type { ModelHost } from './models/model-host.js';
import { modelsRouter } from './models/models.routes.js';
import { nodeTypesRouter } from './node-types/node-types.routes.js';
import { openaiRouter } from './openai/openai.routes.js';
import { openaiErrorHandler } from './openai/openai-errors.js';
import { openapiRouter } from './openapi/openapi.routes.js';
import { publishedRouter } from './published/published.routes.js';
import { runsRouter } from './runs/runs.routes.js';
import { RunService } from './runs/runs.service.js';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  db: Database;
  models: ModelHost;
  registry?: NodeTypeRegistry;
  log?: Logger;
  /** Largest request body in bytes (1 MB by default). */
  bodyLimit?: number;
  /** Largest dataset upload in bytes (50 MB by default). */
  datasetBodyLimit?: number;
  /** The built editor (packages/editor/dist), served at `/` when present. */
  editorDirectory?: string;
}

export interface App {
  app: Express;
  context: AppContext;
  /** Stops runs in progress and the models; the caller closes the database afterwards. */
  close(): Promise<void>;
}

/** The HTTP application, without listen(): tests mount it on an ephemeral port, `groundwork serve` on 4100. */
export function createApp(options: AppOptions): App {
  const log = options.log ?? pino({ level: 'silent' });
  const base = {
    db: options.db,
    log,
    registry: options.registry ?? defaultRegistry(),
    flows: new FlowsRepository(options.db),
    models: options.models,
    collections: new CollectionService(options.db, { models: options.models }),
    config: {
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      datasetBodyLimit: options.datasetBodyLimit ?? DEFAULT_DATASET_BODY_LIMIT,
    },
  };
  const runs = new RunService(base);
  const services = { ...base, runs, keys: new KeyService(options.db), datasets: new DatasetService(options.db) };
  const context: AppContext = { ...services, evaluations: new EvaluationService(services) };
  const interrupted = runs.markInterrupted();
  if (interrupted > 0) log.warn({ runs: interrupted }, 'runs left running by a stopped server were marked interrupted');
  const stopped = context.evaluations.markInterrupted();
  if (stopped > 0) log.warn({ evaluations: stopped }, 'evaluations left running were marked interrupted (resumable)');

  const app = express();
  app.disable('x-powered-by');
  // Dataset and document uploads read their bodies under their own limits, before the JSON parser would take them.
  app.use('/api', datasetsRouter(context), collectionsRouter(context));
  app.use(['/api', '/v1'], express.json({ limit: context.config.bodyLimit }));
  app.use('/api', healthRouter(context), nodeTypesRouter(context.registry), openapiRouter(context));
  app.use('/api', flowsRouter(context), runsRouter(context), modelsRouter(context), evaluationsRouter(context));
  app.use('/api/v1', requireApiKey(context), publishedRouter(context));
  app.use('/v1', requireApiKey(context), openaiRouter(context));
  app.use(['/api', '/v1'], notFoundHandler);
  const editor = options.editorDirectory;
  if (editor && existsSync(editor)) {
    app.use(express.static(editor));
    // The editor routes in the browser: any other page path gets its index.
    app.get(/^\/(?!api\/|v1\/).*/, (_request, response) => response.sendFile(join(editor, 'index.html')));
  }
  // OpenAI clients parse errors in OpenAI's shape, body-parser's included.
  app.use('/v1', openaiErrorHandler(log));
  app.use(errorMiddleware(log));
  return {
    app,
    context,
    async close() {
      // Evaluations first: they stop their items' runs themselves, leaving those items pending to resume.
      await context.evaluations.close();
      await runs.close();
      await context.collections.close();
      await options.models.close();
    },
  };
}
