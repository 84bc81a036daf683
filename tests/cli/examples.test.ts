/**
 * The example flows are written exactly as saveFlowYaml writes them (so the editor and the server round-trip them
 * without a diff), describe themselves, and are laid out left to right for the canvas.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FlowDefinition, loadFlowYaml, parsePortReference, saveFlowYaml } from '@groundwork/runtime';
import { describe, expect, it } from 'vitest';

const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

const files = readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.flow.yaml'))
  .sort();

function* flowsIn(flow: FlowDefinition): Generator<FlowDefinition> {
  yield flow;
  for (const node of flow.nodes) {
    const inner = node.config?.flow as FlowDefinition | { ref: string } | undefined;
    if (inner && 'nodes' in inner) yield* flowsIn(inner);
  }
}

describe('examples', () => {
  it('holds the six documented examples and the referenced sub-flow', () => {
    expect(files).toEqual([
      'batch-summaries.flow.yaml',
      'docs-copilot.flow.yaml',
      'lib/word-count.flow.yaml',
      'parallel-review.flow.yaml',
      'story-qa.flow.yaml',
      'story.flow.yaml',
      'support-triage.flow.yaml',
    ]);
  });

  it.each(files)('%s is in the layout saveFlowYaml writes, with a description and positions left to right', (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    const loaded = loadFlowYaml(text);
    if (!loaded.ok) throw new Error(`${file} does not load: ${JSON.stringify(loaded.problems)}`);
    expect(saveFlowYaml(loaded.flow)).toBe(text);
    expect(loaded.flow.description?.length).toBeGreaterThan(20);
    for (const flow of flowsIn(loaded.flow)) {
      const x = new Map(flow.nodes.map((node) => [node.id, node.position?.x]));
      for (const node of flow.nodes) expect(node.position, `${file}: node ${node.id} has no position`).toBeDefined();
      for (const edge of flow.edges ?? []) {
        const from = x.get(parsePortReference(edge.from).node)!;
        const to = x.get(parsePortReference(edge.to).node)!;
        expect(from, `${file}: ${edge.from} -> ${edge.to} runs right to left`).toBeLessThan(to);
      }
    }
  });
});
