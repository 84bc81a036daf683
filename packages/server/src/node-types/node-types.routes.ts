import type { NodeTypeRegistry } from '@groundwork/runtime';
import { Router } from 'express';
import { z } from 'zod';

/** The palette: every node type with its description and the JSON Schema of its config. */
export function nodeTypesRouter(registry: NodeTypeRegistry): Router {
  const body = registry.list().map((type) => ({
    type: type.type,
    title: type.title,
    description: type.description,
    category: type.category,
    supportsVariants: Boolean(type.supportsVariants),
    configSchema: z.toJSONSchema(type.configSchema, { unrepresentable: 'any', io: 'input' }),
  }));
  return Router().get('/node-types', (_request, response) => {
    response.json({ nodeTypes: body });
  });
}
