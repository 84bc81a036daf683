// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analysisOf } from '../graph/analysis.js';
import { Inspector } from './Inspector.js';
import { editorFlow, nodeOf, openFlow, questionFlow } from './test-fixtures.js';

afterEach(cleanup);

const TEMPLATE = 'Answer {{ question }} from {{ context }}';
const selectedTab = () => screen.getAllByRole('tab').find((tab) => tab.getAttribute('aria-selected') === 'true');

describe('variants of a prompt node', () => {
  beforeEach(() => openFlow(questionFlow(), ['ask']));

  it('turns the config into a first variant named default, keeping the template in the variant', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    expect(screen.queryByTestId('variant-default')).toBeNull();
    await user.click(screen.getByTestId('variants-enable'));
    expect(nodeOf('ask')).toMatchObject({
      config: {},
      variants: [{ name: 'default', config: { template: TEMPLATE } }],
    });
    expect(selectedTab()).toBe(screen.getByTestId('variant-default'));
    expect(screen.getByTestId('variant-default').textContent).toContain('default');
    expect(analysisOf(editorFlow()).problems).toEqual([
      expect.objectContaining({ code: 'missing-input', nodeId: 'ask' }),
    ]);
  });

  it('adds a copy, edits only that variant’s template, switches back, and sets the default', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('variants-enable'));
    await user.click(screen.getByTestId('variant-add'));
    expect(nodeOf('ask')!.variants!.map((variant) => variant.name)).toEqual(['default', 'v2']);
    expect(selectedTab()).toBe(screen.getByTestId('variant-v2'));

    await user.click(screen.getByTestId('config-template'));
    await user.keyboard('{End}. Be brief.');
    const [first, second] = nodeOf('ask')!.variants!;
    expect(first!.config).toEqual({ template: TEMPLATE });
    expect(second!.config).toEqual({ template: `${TEMPLATE}. Be brief.` });
    expect(nodeOf('ask')!.config).toEqual({});

    await user.click(screen.getByTestId('variant-default'));
    expect(screen.getByTestId('config-template')).toHaveProperty('value', TEMPLATE);

    await user.click(screen.getByTestId('variant-v2'));
    expect(screen.getByTestId('variant-set-default')).toHaveProperty('disabled', false);
    await user.click(screen.getByTestId('variant-set-default'));
    expect(nodeOf('ask')!.defaultVariant).toBe('v2');
    expect(screen.getByTestId('variant-v2').textContent).toContain('default');
    expect(screen.getByTestId('variant-default').textContent).toBe('default');
    expect(screen.getByTestId('variant-set-default')).toHaveProperty('disabled', true);
  });

  it('renames a variant (the default follows) and refuses a taken name', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('variants-enable'));
    await user.click(screen.getByTestId('variant-add'));
    await user.click(screen.getByTestId('variant-set-default'));

    await user.click(screen.getByTestId('variant-rename'));
    await user.clear(screen.getByTestId('variant-name-input'));
    await user.type(screen.getByTestId('variant-name-input'), 'default');
    expect(screen.getByTestId('variant-name-error').textContent).toContain('taken');
    expect(screen.getByTestId('variant-rename-save')).toHaveProperty('disabled', true);

    await user.clear(screen.getByTestId('variant-name-input'));
    await user.type(screen.getByTestId('variant-name-input'), 'short{Enter}');
    expect(nodeOf('ask')!.variants!.map((variant) => variant.name)).toEqual(['default', 'short']);
    expect(nodeOf('ask')!.defaultVariant).toBe('short');
    expect(selectedTab()).toBe(screen.getByTestId('variant-short'));
  });

  it('deletes a variant but never the last one', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('variants-enable'));
    expect(screen.getByTestId('variant-delete')).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('variant-add'));
    await user.click(screen.getByTestId('variant-set-default'));
    await user.click(screen.getByTestId('variant-delete'));
    expect(nodeOf('ask')!.variants!.map((variant) => variant.name)).toEqual(['default']);
    // The deleted variant was the default: the first one is again.
    expect(nodeOf('ask')!.defaultVariant).toBeUndefined();
    expect(selectedTab()).toBe(screen.getByTestId('variant-default'));
    expect(screen.getByTestId('variant-delete')).toHaveProperty('disabled', true);
  });
});

describe('variants of an llm node', () => {
  beforeEach(() => openFlow(questionFlow(), ['answer']));

  it('moves generation parameters into the variant; other fields show the shared value until overridden', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    expect(screen.queryByTestId('variants-shared')).toBeNull();
    await user.click(screen.getByTestId('variants-enable'));
    expect(nodeOf('answer')).toMatchObject({
      config: {},
      variants: [{ name: 'default', config: { maxTokens: 64, temperature: 0 } }],
    });

    // The shared tab edits node.config; the variant then inherits it.
    await user.click(screen.getByTestId('variants-shared'));
    await user.click(screen.getByTestId('config-useChatTemplate'));
    expect(nodeOf('answer')!.config).toEqual({ useChatTemplate: true });

    await user.click(screen.getByTestId('variant-default'));
    const inherited = screen.getByTestId('config-useChatTemplate');
    expect(inherited).toHaveProperty('disabled', true);
    expect(inherited).toHaveProperty('checked', true);
    await user.click(screen.getByTestId('config-useChatTemplate-override'));
    expect(nodeOf('answer')!.variants![0]!.config).toEqual({ maxTokens: 64, temperature: 0, useChatTemplate: true });
    expect(screen.getByTestId('config-useChatTemplate')).toHaveProperty('disabled', false);

    await user.clear(screen.getByTestId('config-maxTokens'));
    await user.type(screen.getByTestId('config-maxTokens'), '512');
    expect(nodeOf('answer')!.variants![0]!.config.maxTokens).toBe(512);
    expect(nodeOf('answer')!.config!.maxTokens).toBeUndefined();

    await user.click(screen.getByTestId('config-maxTokens-reset'));
    expect(nodeOf('answer')!.variants![0]!.config).not.toHaveProperty('maxTokens');
    expect(screen.getByTestId('config-maxTokens')).toHaveProperty('disabled', true);
  });
});
