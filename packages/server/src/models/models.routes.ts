import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { ModelListing } from './model-host.js';

/** One model folder as the editor sees it: for an OpenAPI document too. */
export const modelListingSchema = z.object({
  name: z.string(),
  layout: z.enum(['optimum', 'genai']).optional().describe('How the folder is laid out: optimum or genai'),
  dtype: z.string().optional().describe('The graph that loads'),
  dtypes: z.array(z.string()).optional().describe('Every graph the folder offers'),
  sizeBytes: z.number().int().optional(),
  contextLength: z.number().int().optional(),
  hasChatTemplate: z.boolean().optional(),
  problem: z.string().optional().describe('Why the folder cannot be used; most other fields are then absent'),
  loaded: z
    .object({
      provider: z.enum(['cpu', 'webgpu', 'cuda']),
      providerReasons: z
        .partialRecord(z.enum(['cpu', 'webgpu', 'cuda']), z.string())
        .describe('Why each provider tried before this one was not used'),
      dtype: z.string(),
      graphChanges: z
        .array(z.string())
        .describe('What the engine changed in the graph when it loaded it, in memory (the file is untouched)'),
    })
    .optional()
    .describe('Set once the model has been used: the execution provider it runs on and why others were passed over'),
});

export const modelsResponseSchema = z.object({
  device: z.string().describe('The device setting: auto, cpu, webgpu or cuda'),
  models: z.array(modelListingSchema),
});

export type ModelsResponse = z.infer<typeof modelsResponseSchema>;

/** `GET /api/models`: the local models, for the editor's model pickers. */
export function modelsRouter(context: AppContext): Router {
  return Router().get('/models', async (_request, response) => {
    const models = await context.models.list();
    const body: ModelsResponse = { device: context.models.device, models: models.map(withoutPath) };
    response.json(body);
  });
}

/** Where a model lives on the server's disk is no client's business; the name is what flows use. */
function withoutPath({ path: _path, ...listing }: ModelListing): ModelsResponse['models'][number] {
  return listing;
}
