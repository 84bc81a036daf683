import { isAbsolute, resolve } from 'node:path';
import { type EmbeddingModel, loadEmbeddingModel } from '@groundwork/runtime/models';
import { HttpError } from '../http/http-error.js';
import type { ModelHost } from '../models/model-host.js';

/** What finds embedding models: the host's listed models by name, else a folder path. */
export interface EmbeddingModelsOptions {
  /** The models the host lists (by name) and its device setting; none: every model is a path. */
  models?: Pick<ModelHost, 'list' | 'device'>;
  /** What a relative path is relative to (process.cwd() by default). */
  cwd?: string;
  /** Loads a model folder; loadEmbeddingModel on the CPU (or the GPU the host names) by default. */
  load?: (folder: string) => Promise<EmbeddingModel>;
}

/**
 * The embedding models collections use, each loaded once per folder and kept until close(): every document added
 * and every query embeds with it.
 */
export class EmbeddingModels {
  private readonly loaded = new Map<string, Promise<EmbeddingModel>>();

  constructor(private readonly options: EmbeddingModelsOptions = {}) {}

  /**
   * How a collection records a model: a name the host lists stays a name (the server and the CLI may find it in
   * different places); anything else becomes an absolute path.
   */
  async reference(spec: string): Promise<string> {
    if (isAbsolute(spec)) return spec;
    const listed = (await this.options.models?.list())?.find((model) => model.name === spec);
    return listed ? spec : resolve(this.options.cwd ?? process.cwd(), spec);
  }

  /** The model a collection names, loaded (once). Rejects with the loader's reason when it cannot be. */
  async get(reference: string): Promise<EmbeddingModel> {
    const folder = await this.folder(reference);
    let loading = this.loaded.get(folder);
    if (!loading) {
      loading = this.load(folder);
      this.loaded.set(folder, loading);
      // A failed load is tried again next time: the folder may be fixed meanwhile.
      loading.catch(() => this.loaded.delete(folder));
    }
    return loading;
  }

  /** The model a collection records, or a 503 naming it and why it cannot be loaded (moved, deleted, broken). */
  async forCollection(collection: { name: string; embeddingModel: string | null }): Promise<EmbeddingModel> {
    const reference = collection.embeddingModel!;
    try {
      return await this.get(reference);
    } catch (error) {
      throw new HttpError(
        'unavailable',
        `collection "${collection.name}" embeds with "${reference}", which cannot be loaded: ${(error as Error)?.message ?? error}`,
      );
    }
  }

  async close(): Promise<void> {
    const models = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(models.map(async (loading) => (await loading.catch(() => undefined))?.close()));
  }

  private async folder(reference: string): Promise<string> {
    if (isAbsolute(reference)) return reference;
    const listed = (await this.options.models?.list())?.find((model) => model.name === reference);
    return listed?.path ?? resolve(this.options.cwd ?? process.cwd(), reference);
  }

  private load(folder: string): Promise<EmbeddingModel> {
    if (this.options.load) return this.options.load(folder);
    // The CPU unless a GPU is asked for by name: a small sentence encoder gains little from auto's GPU probing.
    const device = this.options.models?.device;
    return loadEmbeddingModel(folder, { device: device === 'cuda' || device === 'webgpu' ? device : 'cpu' });
  }
}
