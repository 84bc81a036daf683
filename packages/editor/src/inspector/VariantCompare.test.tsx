// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { type FakeServer, fakeServer } from '../testing/fake-server.js';
import { Inspector } from './Inspector.js';
import { openFlow, questionFlow } from './test-fixtures.js';

let server: FakeServer;

beforeEach(() => {
  server = fakeServer();
  vi.stubGlobal('fetch', server.fetch);
  const flow = questionFlow();
  openFlow(
    {
      ...flow,
      nodes: flow.nodes.map((node) =>
        node.id === 'ask'
          ? {
              ...node,
              config: {},
              variants: [
                { name: 'plain', config: { template: 'Answer {{ question }} from {{ context }}' } },
                { name: 'brief', config: { template: 'Answer {{ question }} briefly from {{ context }}' } },
                { name: 'same', config: { template: 'Answer {{ question }} from {{ context }}' } },
              ],
            }
          : node,
      ),
    },
    ['ask'],
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const marks = (kind: 'removed' | 'added') =>
  [...screen.getByTestId('variant-compare-view').querySelectorAll(`mark[data-diff="${kind}"]`)].map((mark) =>
    mark.textContent!.trim(),
  );

describe('comparing the variants of a node', () => {
  it('compares the shown variant with another, word by word, from the document on the canvas', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('variant-brief'));
    // An edit not saved yet is part of the comparison.
    useEditor.getState().updateNode('ask', (node) => ({
      ...node,
      variants: node.variants!.map((variant) =>
        variant.name === 'brief'
          ? { ...variant, config: { template: 'Answer {{ question }} briefly and kindly from {{ context }}' } }
          : variant,
      ),
    }));
    await user.click(await screen.findByTestId('variant-compare'));

    const view = screen.getByTestId('variant-compare-view');
    expect(screen.getByTestId('diff-title').textContent).toBe('Compare variants of ask');
    expect((screen.getByTestId('variant-compare-from') as HTMLSelectElement).value).toBe('brief');
    expect((screen.getByTestId('variant-compare-to') as HTMLSelectElement).value).toBe('plain');
    expect(marks('removed')).toEqual(['briefly and kindly']);
    expect(marks('added')).toEqual([]);
    expect([...view.querySelectorAll('th')].map((head) => head.textContent)).toEqual(['brief', 'plain']);

    await user.click(screen.getByTestId('variant-compare-swap'));
    expect(marks('added')).toEqual(['briefly and kindly']);

    await user.selectOptions(screen.getByTestId('variant-compare-to'), 'same');
    expect(within(view).getByTestId('diff-empty').textContent).toContain('plain and same run with the same config');
    await user.selectOptions(screen.getByTestId('variant-compare-from'), 'same');
    expect(screen.getByTestId('variant-compare-same').textContent).toBe('Pick two different variants to compare.');

    expect(server.requests).toHaveLength(0);
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('variant-compare-view')).toBeNull();
  });

  it('compares parameters a variant inherits with the ones another overrides', async () => {
    openFlow(
      {
        ...questionFlow(),
        nodes: questionFlow().nodes.map((node) =>
          node.id === 'answer'
            ? {
                ...node,
                config: { maxTokens: 64, temperature: 0 },
                variants: [
                  { name: 'base', config: {} },
                  { name: 'hot', config: { temperature: 0.9 } },
                ],
              }
            : node,
        ),
      },
      ['answer'],
    );
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('variant-compare'));
    expect(screen.getByTestId('diff-value').textContent).toBe('config.temperature: 0 → 0.9');
    await user.click(screen.getByTestId('diff-close'));
    expect(screen.queryByTestId('variant-compare-view')).toBeNull();
  });

  it('is not offered for a node with one variant', async () => {
    render(<Inspector />);
    await userEvent.setup().click(screen.getByTestId('variant-same'));
    useEditor.getState().updateNode('ask', (node) => ({ ...node, variants: node.variants!.slice(0, 1) }));
    expect(await screen.findByTestId('variant-switcher')).toBeTruthy();
    expect(screen.queryByTestId('variant-compare')).toBeNull();
  });
});
