import type { Flow } from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';

/**
 * ```
 *   [question: input] ──value→question── [ask: prompt] ──prompt→prompt── [answer: llm] ──text→value── [reply: output]
 *                                          ↑ context: not connected
 * ```
 */
export function questionFlow(): Flow {
  return {
    schemaVersion: 1,
    name: 'qa',
    inputs: { question: { type: 'text' } },
    outputs: { reply: { type: 'text' } },
    nodes: [
      { id: 'question', type: 'input', config: { name: 'question' } },
      { id: 'ask', type: 'prompt', config: { template: 'Answer {{ question }} from {{ context }}' } },
      { id: 'answer', type: 'llm', config: { maxTokens: 64, temperature: 0 } },
      { id: 'reply', type: 'output', config: { name: 'reply' } },
    ],
    edges: [
      { from: 'question.value', to: 'ask.question' },
      { from: 'ask.prompt', to: 'answer.prompt' },
      { from: 'answer.text', to: 'reply.value' },
    ],
  };
}

/** Opens `flow` in the editor with `nodes` selected, and no run shown. */
export function openFlow(flow: Flow, nodes: string[] = []): void {
  useEditor.getState().load(flow);
  useEditor.getState().select({ nodes, edges: [] });
  useRun.setState({ view: undefined, live: false });
}

export const editorFlow = () => useEditor.getState().flow;
export const nodeOf = (id: string) => editorFlow().nodes.find((node) => node.id === id);
