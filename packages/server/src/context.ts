import type { NodeTypeRegistry } from '@groundwork/runtime';
import type { Logger } from 'pino';
import type { CollectionService } from './collections/collections.service.js';
import type { DatasetService } from './datasets/datasets.service.js';
import type { Database } from './db/connection.js';
import type { EvaluationService } from './evaluations/evaluations.service.js';
import type { FlowsRepository } from './flows/flows.repository.js';
import type { KeyService } from './keys/keys.service.js';
import type { ModelHost } from './models/model-host.js';
import type { RunService } from './runs/runs.service.js';

/** What every feature's routes and services get: built once in createApp, never a global. */
export interface AppContext {
  db: Database;
  log: Logger;
  registry: NodeTypeRegistry;
  flows: FlowsRepository;
  runs: RunService;
  evaluations: EvaluationService;
  keys: KeyService;
  datasets: DatasetService;
  /** Document collections; also the retriever that runs give `retrieve` nodes. */
  collections: CollectionService;
  models: ModelHost;
  config: {
    /** Largest request body, in bytes. */
    bodyLimit: number;
    /** Largest dataset upload (`POST /api/datasets`), in bytes; DEFAULT_DATASET_BODY_LIMIT when not given. */
    datasetBodyLimit?: number;
  };
}
