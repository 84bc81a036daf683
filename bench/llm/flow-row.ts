// The flow row of the LLM benchmark: a flow whose N parallel llm branches each generate the same number of tokens,
// run through runFlow with the engine as the model provider, against the same flow with one branch.
//
//   input ──► llm1 ──┐
//         ├─► llm2 ──┤
//         ├─► ...  ──┼─► collect ──► output
//         └─► llmN ──┘
import {
  compileFlow,
  createBuiltinRegistry,
  type Flow,
  type FlowNode,
  type ModelProvider,
  type RunEvent,
  runFlow,
} from '@groundwork/runtime';
import type { Row } from './engine-rows.js';
import type { Prompt } from './model-setup.js';
import { median } from './stats.js';

const registry = createBuiltinRegistry();

function branchesFlow(branches: number, tokens: number): Flow {
  const ports = Array.from({ length: branches }, (_, index) => `b${index + 1}`);
  const nodes: FlowNode[] = [
    { id: 'in', type: 'input', config: { name: 'prompt' } },
    { id: 'join', type: 'collect', config: { ports } },
    { id: 'out', type: 'output', config: { name: 'texts' } },
  ];
  const edges = [{ from: 'join.list', to: 'out.value' }];
  ports.forEach((port, index) => {
    const id = `llm${index + 1}`;
    nodes.push({ id, type: 'llm', config: { maxTokens: tokens, temperature: 0, useChatTemplate: false } });
    edges.push({ from: 'in.value', to: `${id}.prompt` }, { from: `${id}.text`, to: `join.${port}` });
  });
  return {
    schemaVersion: 1,
    name: `llm-branches-${branches}`,
    inputs: { prompt: { type: 'text' } },
    outputs: { texts: { type: 'json' } },
    nodes,
    edges,
  };
}

/** Runs the flow once; fails unless every branch generated exactly `tokens` tokens. */
async function runBranches(models: ModelProvider, branches: number, tokens: number, prompt: Prompt) {
  const compiled = compileFlow(branchesFlow(branches, tokens), { registry });
  const generated: number[] = [];
  const onEvent = (event: RunEvent) => {
    if (event.type === 'node-end' && event.usage) generated.push(event.usage.outputTokens);
  };
  const result = await runFlow(compiled, { inputs: { prompt: prompt.text }, models, onEvent });
  if (result.status !== 'succeeded')
    throw new Error(`the ${branches}-branch flow ${result.status}: ${result.error?.message}`);
  if (generated.length !== branches || generated.some((count) => count !== tokens))
    throw new Error(`the ${branches}-branch flow generated ${generated.join(', ')} tokens (expected ${tokens} each)`);
  return result.durationMs;
}

export async function flowRow(
  models: ModelProvider,
  prompt: Prompt,
  settings: { branches: number; tokens: number; repeats: number },
): Promise<Row> {
  const { branches, tokens, repeats } = settings;
  await runBranches(models, 1, tokens, prompt);
  await runBranches(models, branches, tokens, prompt);
  const one: number[] = [];
  const many: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    one.push(await runBranches(models, 1, tokens, prompt));
    many.push(await runBranches(models, branches, tokens, prompt));
  }
  const ratio = median(many) / median(one);
  return {
    id: `flow-${branches}-branches`,
    label: `flow with ${branches} parallel llm branches × ${tokens} tokens, against 1 branch (wall time ratio; 1 branch: ${median(one).toFixed(0)} ms)`,
    ratio,
    tokensPerSecond: (branches * tokens * 1000) / median(many),
    wallMs: median(many),
    detail: { oneBranchMs: one, manyBranchesMs: many },
  };
}
