import { z } from 'zod';
import { type FlowDefinition, identifierSchema } from '../../schema/flow.js';
import { listOf, parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType, type NodeCheckProblem } from '../node-type.js';
import { asList, subflowInputPorts, subflowOutputPorts, subflowSpecSchema } from './subflow-config.js';

const configSchema = z.strictObject({
  flow: subflowSpecSchema,
  /** The sub-flow input that receives each item; the sub-flow's first input when left out. */
  item: identifierSchema.optional(),
  /** Items in flight at once. */
  concurrency: z.int().min(1).max(1024).default(8),
});

function itemInputName(config: z.output<typeof configSchema>, flow: FlowDefinition | undefined): string | undefined {
  return config.item ?? Object.keys(flow?.inputs ?? {})[0];
}

export const mapNode = defineNodeType({
  type: 'map',
  title: 'Map',
  description:
    'Runs a sub-flow once per item of a list, items in parallel, and outputs each sub-flow output as a list in item order (null where an item produced no value). The other sub-flow inputs are shared by every item.',
  category: 'flow',
  configSchema,
  subflow: (config) => config.flow,
  ports(config, context) {
    const flow = context.resolveFlow(config.flow);
    const itemName = itemInputName(config, flow);
    const itemInput = itemName ? flow?.inputs?.[itemName] : undefined;
    const itemType = itemInput ? parsePortType(itemInput.type) : primitive('any');
    return {
      inputs: [
        {
          name: 'items',
          type: listOf(itemType),
          required: true,
          description: `each item feeds the sub-flow input "${itemName ?? '?'}"`,
        },
        ...(flow ? subflowInputPorts(flow, itemName) : []),
      ],
      outputs: flow ? subflowOutputPorts(flow, asList) : [],
    };
  },
  check(config, context) {
    const flow = context.resolveFlow(config.flow);
    if (!flow) return [];
    const names = Object.keys(flow.inputs ?? {});
    const problems: NodeCheckProblem[] = [];
    if (names.length === 0) {
      problems.push({
        code: 'invalid-config',
        path: ['flow'],
        message: 'the sub-flow has no inputs to receive the items',
      });
    } else if (config.item !== undefined && !names.includes(config.item)) {
      problems.push({
        code: 'invalid-config',
        path: ['item'],
        message: `the sub-flow has no input "${config.item}" (inputs: ${names.join(', ')})`,
      });
    }
    return problems;
  },
  async execute(inputs, context) {
    const { items, ...shared } = inputs as { items: unknown[] } & Record<string, unknown>;
    const itemName = itemInputName(context.config, context.subflow)!;
    const results: Record<string, unknown>[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      while (next < items.length && !context.signal.aborted) {
        const index = next++;
        results[index] = await context.runSubflow({ ...shared, [itemName]: items[index] }, { item: index });
      }
    };
    const workers = Array.from({ length: Math.min(context.config.concurrency, items.length) }, worker);
    await Promise.all(workers);
    context.signal.throwIfAborted();
    const outputs: Record<string, unknown[]> = {};
    for (const name of Object.keys(context.subflow?.outputs ?? {})) {
      outputs[name] = results.map((result) => result[name] ?? null);
    }
    return { outputs };
  },
});
