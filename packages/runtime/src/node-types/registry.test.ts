import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../engine/compile.js';
import { primitive } from '../schema/port-types.js';
import { inlineFlow, node, problemsOf, runTestFlow, testFlow } from '../testing/test-runs.js';
import {
  BUILTIN_NODE_TYPES,
  conditionNode,
  createBuiltinRegistry,
  defaultRegistry,
  inputNode,
  outputNode,
} from './index.js';
import { defineNodeType } from './node-type.js';
import { NodeTypeRegistry } from './registry.js';

const reverseNode = defineNodeType({
  type: 'reverse',
  title: 'Reverse',
  description: 'Reverses a text.',
  category: 'text',
  configSchema: z.strictObject({}),
  ports: () => ({
    inputs: [{ name: 'text', type: primitive('text'), required: true }],
    outputs: [{ name: 'text', type: primitive('text') }],
  }),
  execute: (inputs) => ({ outputs: { text: [...String(inputs.text)].reverse().join('') } }),
});

/** A minimal valid config of each built-in type. */
const SAMPLE_CONFIGS: Record<string, Record<string, unknown>> = {
  input: { name: 'question' },
  output: { name: 'answer' },
  prompt: { template: 'Q: {{ question }}' },
  llm: {},
  condition: { expression: 'score > 0.5' },
  switch: { expression: 'kind', cases: ['question'] },
  merge: {},
  collect: {},
  map: { flow: inlineFlow({ inputs: { item: { type: 'text' } }, nodes: [] }) },
  transform: { expression: 'text | upper' },
  retrieve: { collection: 'docs' },
  groundedness: {},
  subflow: { flow: { ref: 'other.flow.yaml' } },
};

describe('NodeTypeRegistry', () => {
  it('rejects a type name registered twice and keeps the first', () => {
    const registry = new NodeTypeRegistry([inputNode]);
    const impostor = { ...outputNode, type: 'input' };
    expect(() => registry.register(impostor)).toThrow('node type "input" is already registered');
    expect(registry.get('input')).toBe(inputNode);
    expect(() => new NodeTypeRegistry([inputNode, outputNode, inputNode])).toThrow(
      'node type "input" is already registered',
    );
  });

  it('lists its types in registration order and finds them by name', () => {
    const registry = new NodeTypeRegistry().register(conditionNode).register(inputNode);
    expect(registry.names()).toEqual(['condition', 'input']);
    expect(registry.list()).toEqual([conditionNode, inputNode]);
    expect(registry.has('input')).toBe(true);
    expect(registry.has('output')).toBe(false);
    expect(registry.get('output')).toBeUndefined();
  });

  //   text ──▶ flip ──▶ out
  it('runs a type a host registers on its own registry, which the shared one does not know', async () => {
    const registry = createBuiltinRegistry().register(reverseNode);
    const flow = testFlow({
      inputs: { text: { type: 'text' } },
      outputs: { text: { type: 'text' } },
      nodes: [
        node('text', 'input', { name: 'text' }),
        node('flip', 'reverse'),
        node('out', 'output', { name: 'text' }),
      ],
      edges: [
        ['text.value', 'flip.text'],
        ['flip.text', 'out.value'],
      ],
    });
    const { result } = await runTestFlow(compileFlow(flow, { registry }), { inputs: { text: 'stressed' } });
    expect(result.outputs).toEqual({ text: 'desserts' });

    expect(defaultRegistry().has('reverse')).toBe(false);
    expect(problemsOf(flow).map((problem) => [problem.code, problem.nodeId])).toContainEqual([
      'unknown-node-type',
      'flip',
    ]);
  });

  it('names the known types, with a suggestion, for an unknown type', () => {
    const flow = testFlow({ nodes: [node('p', 'promt', { template: 'x' })] });
    const [problem] = problemsOf(flow);
    expect(problem?.code).toBe('unknown-node-type');
    expect(problem?.message).toBe(
      `unknown node type "promt" (did you mean "prompt"?); known types: ${defaultRegistry().names().join(', ')}`,
    );
  });
});

describe('the built-in registry', () => {
  const registry = createBuiltinRegistry();

  it('holds the 13 built-in types in palette order', () => {
    expect(registry.names()).toEqual([
      'input',
      'output',
      'prompt',
      'llm',
      'condition',
      'switch',
      'merge',
      'collect',
      'map',
      'transform',
      'retrieve',
      'groundedness',
      'subflow',
    ]);
    expect(registry.list()).toEqual([...BUILTIN_NODE_TYPES]);
  });

  it('is shared by defaultRegistry(), while createBuiltinRegistry() makes a fresh one each time', () => {
    expect(defaultRegistry()).toBe(defaultRegistry());
    expect(createBuiltinRegistry()).not.toBe(registry);
    expect(defaultRegistry().names()).toEqual(registry.names());
  });

  it.each(BUILTIN_NODE_TYPES.map((type) => [type.type, type] as const))(
    '%s has docs and a usable config schema',
    (name, type) => {
      expect(type.title.trim()).not.toBe('');
      expect(type.description.trim().length).toBeGreaterThan(20);
      expect(['io', 'text', 'model', 'control', 'data', 'flow']).toContain(type.category);
      const sample = SAMPLE_CONFIGS[name];
      expect(sample).toBeDefined();
      expect(type.configSchema.safeParse(sample).success).toBe(true);
      // Configs are strict: a misspelt field is an error, not silently ignored.
      expect(type.configSchema.safeParse({ ...sample, unknownField: 1 }).success).toBe(false);
      // The editor's inspector renders forms from the JSON Schema of the config.
      const jsonSchema = z.toJSONSchema(type.configSchema, { io: 'input' }) as {
        type?: string;
        additionalProperties?: unknown;
      };
      expect(jsonSchema.type).toBe('object');
      expect(jsonSchema.additionalProperties).toBe(false);
    },
  );

  it('lets only prompt and llm carry variants, and only merge and collect join any of their inputs', () => {
    expect(
      registry
        .list()
        .filter((type) => type.supportsVariants)
        .map((type) => type.type),
    ).toEqual(['prompt', 'llm']);
    expect(
      registry
        .list()
        .filter((type) => type.join === 'any')
        .map((type) => type.type),
    ).toEqual(['merge', 'collect']);
    expect(
      registry
        .list()
        .filter((type) => type.subflow)
        .map((type) => type.type),
    ).toEqual(['map', 'subflow']);
  });
});
