// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { Inspector } from './Inspector.js';
import { editorFlow, nodeOf, openFlow, questionFlow } from './test-fixtures.js';

afterEach(cleanup);

describe('flow settings (nothing selected)', () => {
  beforeEach(() => openFlow(questionFlow()));

  it('edits the name, and says when it is not a valid flow name', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    const name = screen.getByTestId('flow-name');
    expect(name).toHaveProperty('value', 'qa');
    await user.type(name, ' bot');
    expect(editorFlow().name).toBe('qa bot');
    expect(screen.getByTestId('flow-name-error').textContent).not.toBe('');
    await user.clear(name);
    await user.type(name, 'qa-bot');
    expect(editorFlow().name).toBe('qa-bot');
    expect(screen.queryByTestId('flow-name-error')).toBeNull();
  });

  it('adds an input, renames it (input nodes follow) and changes its type', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('flow-input-add'));
    expect(editorFlow().inputs).toEqual({ question: { type: 'text' }, input: { type: 'text' } });

    // Rename the existing one, which an input node names.
    const name = screen.getByTestId('flow-input-0-name');
    await user.clear(name);
    // Empty is not a name: nothing is applied while the field is empty.
    expect(Object.keys(editorFlow().inputs!)).toEqual(['question', 'input']);
    expect(screen.getByTestId('flow-input-0-name-error').textContent).not.toBe('');
    await user.type(name, 'query');
    expect(Object.keys(editorFlow().inputs!)).toEqual(['query', 'input']);
    expect(nodeOf('question')!.config).toEqual({ name: 'query' });
    expect(screen.queryByTestId('flow-input-0-name-error')).toBeNull();

    await user.selectOptions(screen.getByTestId('flow-input-1-type'), 'list<text>');
    expect(editorFlow().inputs!.input).toEqual({ type: 'list<text>' });
  });

  it('refuses to rename an input to a taken name', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('flow-input-add'));
    const name = screen.getByTestId('flow-input-1-name');
    await user.clear(name);
    await user.type(name, 'question');
    // Each key applies while the name is free; the last one would take "question", and is refused.
    expect(Object.keys(editorFlow().inputs!)).toEqual(['question', 'questio']);
    expect(name).toHaveProperty('value', 'question');
    expect(screen.getByTestId('flow-input-1-name-error').textContent).toContain('already declared');
  });

  it('takes other port types as text, applied only when the runtime parses them', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.selectOptions(screen.getByTestId('flow-input-0-type'), 'other…');
    const other = screen.getByTestId('flow-input-0-type-other');
    await user.clear(other);
    await user.type(other, 'list<passages');
    expect(screen.getByTestId('flow-input-0-type-error').textContent).not.toBe('');
    expect(editorFlow().inputs!.question!.type).toBe('text');
    await user.type(other, '>');
    expect(editorFlow().inputs!.question!.type).toBe('list<passages>');
    expect(screen.queryByTestId('flow-input-0-type-error')).toBeNull();
  });

  it('sets a default as JSON for non-text types, and required follows it unless set', async () => {
    const user = userEvent.setup();
    useEditor.getState().change((flow) => ({ ...flow, inputs: { limit: { type: 'number' } } }));
    render(<Inspector />);
    expect(screen.getByTestId('flow-input-0-required')).toHaveProperty('checked', true);
    await user.type(screen.getByTestId('flow-input-0-default'), '3');
    expect(editorFlow().inputs!.limit).toEqual({ type: 'number', default: 3 });
    expect(screen.getByTestId('flow-input-0-required')).toHaveProperty('checked', false);
    await user.click(screen.getByTestId('flow-input-0-required'));
    expect(editorFlow().inputs!.limit).toEqual({ type: 'number', default: 3, required: true });
  });

  it('deletes an output', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    await user.click(screen.getByTestId('flow-output-0-delete'));
    expect(editorFlow().outputs).toBeUndefined();
    // The output node that named it now has a problem, listed with the flow's.
    expect(screen.getByTestId('flow-problems').textContent).toContain('flow output "reply" is not declared');
  });

  it('lists every problem; clicking one selects its node', async () => {
    const user = userEvent.setup();
    render(<Inspector />);
    const problems = screen.getByTestId('flow-problems');
    expect(problems.textContent).toContain('node "ask"');
    await user.click(screen.getByTestId('flow-problem-0'));
    expect(useEditor.getState().selection.nodes).toEqual(['ask']);
    expect(screen.getByTestId('node-id')).toHaveProperty('value', 'ask');
  });
});
