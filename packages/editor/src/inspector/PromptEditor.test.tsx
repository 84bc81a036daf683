// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { Inspector } from './Inspector.js';
import { editorFlow, nodeOf, openFlow, questionFlow } from './test-fixtures.js';

afterEach(cleanup);

describe('the prompt editor', () => {
  beforeEach(() => openFlow(questionFlow(), ['ask']));

  it('edits the template in the document, and one undo reverts the whole typing', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    const template = screen.getByTestId('config-template');
    expect(template).toHaveProperty('value', 'Answer {{ question }} from {{ context }}');
    const historyBefore = useEditor.getState().past.length;

    await user.click(template);
    await user.keyboard('{End} please');
    expect(nodeOf('ask')!.config).toEqual({ template: 'Answer {{ question }} from {{ context }} please' });
    // Seven key presses, one step.
    expect(useEditor.getState().past.length).toBe(historyBefore + 1);

    useEditor.getState().undo();
    expect(nodeOf('ask')!.config).toEqual({ template: 'Answer {{ question }} from {{ context }}' });
    expect(await screen.findByDisplayValue('Answer {{ question }} from {{ context }}')).toBe(
      screen.getByTestId('config-template'),
    );
  });

  it('lists the variables with the edge feeding each, and marks the unconnected ones', () => {
    render(<Inspector />);
    const question = screen.getByTestId('template-variable-question');
    const context = screen.getByTestId('template-variable-context');
    expect(question.textContent).toContain('from question.value');
    expect(question.className).toBe('connected');
    expect(context.textContent).toContain('not connected');
    expect(context.className).toBe('unconnected');
    expect(within(context).getByText('not connected').className).toBe('danger');
  });

  it('follows the template as it changes: a new variable appears, unconnected', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('config-template'));
    await user.keyboard('{End} in {{{{ language }}');
    expect(screen.getByTestId('template-variable-language').textContent).toContain('not connected');
    expect(screen.queryByTestId('template-error')).toBeNull();
  });

  it('shows a template that does not compile, instead of variables', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('config-template'));
    await user.keyboard('{End} {{{{ oops');
    expect(screen.getByTestId('template-error').textContent).not.toBe('');
    expect(screen.queryByTestId('template-variable-question')).toBeNull();
  });

  it('turns the text into chat messages and edits one template per message', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('prompt-mode-chat'));
    expect(nodeOf('ask')!.config).toEqual({
      messages: [{ role: 'user', template: 'Answer {{ question }} from {{ context }}' }],
    });

    await user.click(screen.getByTestId('config-messages-add'));
    await user.selectOptions(screen.getByTestId('config-messages-1-role'), 'assistant');
    await user.type(screen.getByTestId('config-messages-1-template'), 'Sure, {{{{ tone }}');
    expect(nodeOf('ask')!.config!.messages).toEqual([
      { role: 'user', template: 'Answer {{ question }} from {{ context }}' },
      { role: 'assistant', template: 'Sure, {{ tone }}' },
    ]);
    // Variables of every message, in order of first use.
    const names = screen.getAllByTestId(/^template-variable-/).map((item) => item.dataset.testid);
    expect(names).toEqual(['template-variable-question', 'template-variable-context', 'template-variable-tone']);
    expect(editorFlow().nodes.find((node) => node.id === 'ask')!.config!.template).toBeUndefined();
  });
});
