import type { Flow } from '@groundwork/runtime';
import { diffFlows, summarizeDiff } from '@groundwork/runtime/diff';
import { describe, expect, it } from 'vitest';
import type { FlowHistory, HistoryEntry } from './flow-history.js';
import { renderHistory } from './history-render.js';

/**
 *   topic ──▶ draft ──▶ write ──▶ story
 */
function storyFlow(): Flow {
  return {
    schemaVersion: 1,
    name: 'story',
    inputs: { topic: { type: 'text' } },
    outputs: { story: { type: 'text' } },
    nodes: [
      { id: 'topic', type: 'input', config: { name: 'topic' } },
      {
        id: 'draft',
        type: 'prompt',
        config: { template: 'Write about {{ topic }}.' },
        variants: [{ name: 'plain', config: {} }],
      },
      { id: 'write', type: 'llm', config: { temperature: 0 } },
      { id: 'story', type: 'output', config: { name: 'story' } },
    ],
    edges: [
      { from: 'topic.value', to: 'draft.topic' },
      { from: 'draft.prompt', to: 'write.prompt' },
      { from: 'write.text', to: 'story.value' },
    ],
  };
}

function entry(version: number, changes: HistoryEntry['changes'], extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    version,
    contentHash: `hash${version}`,
    schemaVersion: 1,
    note: null,
    createdAt: `2026-11-2${version}T10:00:0${version}.123Z`,
    labels: [],
    changes,
    ...extra,
  };
}

describe('renderHistory', () => {
  const v1 = storyFlow();
  const v2 = storyFlow();
  v2.nodes[1]!.config = { template: 'Write a short story about {{ topic }}.' };
  v2.nodes[1]!.variants!.push({ name: 'funny', config: { template: 'Make {{ topic }} funny.' } });
  v2.nodes[2]!.config = { temperature: 0.8 };
  v2.nodes.push({ id: 'title', type: 'prompt', config: { template: 'Title for {{ topic }}' } });

  const history: FlowHistory = {
    flow: { id: 'flw_1', name: 'story' },
    published: { version: 1, label: 'production' },
    versions: [
      entry(2, summarizeDiff(diffFlows(v1, v2)), { note: 'longer stories', labels: ['staging'] }),
      entry(1, [], { note: 'first draft', labels: ['production'] }),
    ],
  };

  it('lists versions newest first with time, labels, the published mark, the note and changes per node', () => {
    expect(renderHistory(history, { color: false })).toBe(
      [
        'story: 2 versions; published endpoints serve v1 (label production)',
        '',
        'v2  2026-11-22 10:00:02Z  [staging]',
        '    longer stories',
        '    node "draft":',
        '      ~ edited template (3 words added)',
        '      + added variant "funny"',
        '    node "write":',
        '      ~ temperature 0 → 0.8',
        '    + added prompt node "title"',
        '',
        'v1  2026-11-21 10:00:01Z  [production]  ← published',
        '    first draft',
        '    first version',
        '',
      ].join('\n'),
    );
  });

  it('marks the latest version as published when no version is labelled production', () => {
    const text = renderHistory(
      { ...history, published: { version: 2, label: null } },
      {
        color: false,
      },
    );
    expect(text.split('\n')[0]).toBe(
      'story: 2 versions; published endpoints serve v2 (the latest; no production label)',
    );
    expect(text).toContain('v2  2026-11-22 10:00:02Z  [staging]  ← published\n');
    expect(text).toContain('v1  2026-11-21 10:00:01Z  [production]\n');
  });

  it('colours the change markers and the published mark', () => {
    const text = renderHistory(history, { color: true });
    expect(text).toContain('\u001b[32m+\u001b[39m added variant "funny"');
    expect(text).toContain('\u001b[33m~\u001b[39m temperature 0 → 0.8');
    expect(text).toContain('\u001b[32m← published\u001b[39m');
  });
});
