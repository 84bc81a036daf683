// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { Inspector } from './Inspector.js';
import { editorFlow, nodeOf, openFlow, questionFlow } from './test-fixtures.js';

afterEach(cleanup);

describe('one node selected', () => {
  it('shows the type, id, title and the problems about the node', () => {
    openFlow(questionFlow(), ['ask']);
    render(<Inspector />);
    expect(screen.getByTestId('node-type-title').textContent).toBe('Prompt');
    expect(screen.getByTestId('node-id')).toHaveProperty('value', 'ask');
    expect(screen.getByTestId('node-problems').textContent).toContain('context');
  });

  it('renames the node id, and the edges follow', async () => {
    const user = userEvent.setup();
    openFlow(questionFlow(), ['ask']);
    render(<Inspector />);
    const id = screen.getByTestId('node-id');
    await user.type(id, 'er');
    expect(editorFlow().nodes.map((node) => node.id)).toEqual(['question', 'asker', 'answer', 'reply']);
    expect(editorFlow().edges).toEqual([
      { from: 'question.value', to: 'asker.question' },
      { from: 'asker.prompt', to: 'answer.prompt' },
      { from: 'answer.text', to: 'reply.value' },
    ]);
    expect(useEditor.getState().selection.nodes).toEqual(['asker']);
    // Still the same input, still focused, after the id changed under it.
    expect(document.activeElement).toBe(screen.getByTestId('node-id'));
    // Two keys, one undo step.
    act(() => useEditor.getState().undo());
    expect(editorFlow().edges![0]).toEqual({ from: 'question.value', to: 'ask.question' });
  });

  it('refuses a duplicate or invalid id', async () => {
    const user = userEvent.setup();
    openFlow(questionFlow(), ['ask']);
    render(<Inspector />);
    const id = screen.getByTestId('node-id');
    await user.clear(id);
    await user.type(id, 'answer');
    expect(screen.getByTestId('node-id-error').textContent).toContain('another node is called "answer"');
    expect(editorFlow().nodes.filter((node) => node.id === 'answer')).toHaveLength(1);
    expect(editorFlow().edges).toContainEqual({ from: 'answer.text', to: 'reply.value' });
    await user.clear(id);
    await user.type(id, '9lives');
    expect(screen.getByTestId('node-id-error').textContent).toContain('starts with a letter');
    expect(editorFlow().nodes.some((node) => node.id === '9lives')).toBe(false);
  });

  it('shows a JSON field’s parse error and applies only JSON that parses', async () => {
    const user = userEvent.setup();
    openFlow(
      {
        ...questionFlow(),
        nodes: [...questionFlow().nodes, { id: 'each', type: 'subflow', config: { flow: { ref: 'other' } } }],
      },
      ['each'],
    );
    render(<Inspector />);
    const field = screen.getByTestId('config-flow');
    expect(JSON.parse((field as HTMLTextAreaElement).value)).toEqual({ ref: 'other' });
    await user.clear(field);
    await user.type(field, '{{ "ref": "third" ');
    expect(screen.getByTestId('config-flow-error').textContent).toContain('not valid JSON');
    expect(nodeOf('each')!.config).toEqual({ flow: { ref: 'other' } });
    // What was typed stays, so it can be finished.
    expect(field).toHaveProperty('value', '{ "ref": "third" ');
    await user.type(field, '}');
    expect(nodeOf('each')!.config).toEqual({ flow: { ref: 'third' } });
    expect(screen.queryByTestId('config-flow-error')).toBeNull();
  });

  it('edits numbers (empty removes the field), lists and booleans of the config', async () => {
    const user = userEvent.setup();
    openFlow(questionFlow(), ['answer']);
    render(<Inspector />);
    const maxTokens = screen.getByTestId('config-maxTokens');
    expect(maxTokens).toHaveProperty('placeholder', '256');
    await user.clear(maxTokens);
    expect(nodeOf('answer')!.config).toEqual({ temperature: 0 });
    await user.type(maxTokens, '300');
    expect(nodeOf('answer')!.config).toEqual({ temperature: 0, maxTokens: 300 });
    // Three keys in one field: one step.
    expect(useEditor.getState().mergeKey).toBe('config:answer:maxTokens');

    await user.type(screen.getByTestId('config-stop-new'), '###{Enter}');
    await user.type(screen.getByTestId('config-stop-new'), 'END');
    await user.click(screen.getByTestId('config-stop-add'));
    expect(nodeOf('answer')!.config!.stop).toEqual(['###', 'END']);
    await user.click(screen.getByTestId('config-stop-1-up'));
    expect(nodeOf('answer')!.config!.stop).toEqual(['END', '###']);
    await user.click(screen.getByTestId('config-stop-0-remove'));
    await user.click(screen.getByTestId('config-stop-0-remove'));
    expect(nodeOf('answer')!.config).not.toHaveProperty('stop');

    await user.click(screen.getByTestId('config-useChatTemplate'));
    expect(nodeOf('answer')!.config!.useChatTemplate).toBe(true);
  });

  it('edits merge ports starting from the default list', async () => {
    const user = userEvent.setup();
    openFlow({ ...questionFlow(), nodes: [...questionFlow().nodes, { id: 'join', type: 'merge', config: {} }] }, [
      'join',
    ]);
    render(<Inspector />);
    await user.type(screen.getByTestId('config-ports-new'), 'c{Enter}');
    expect(nodeOf('join')!.config).toEqual({ ports: ['a', 'b', 'c'] });
  });

  it('picks the declared input an input node brings in', async () => {
    const user = userEvent.setup();
    const flow = questionFlow();
    openFlow({ ...flow, inputs: { ...flow.inputs, topic: { type: 'text' } } }, ['question']);
    render(<Inspector />);
    await user.selectOptions(screen.getByTestId('config-name'), 'topic');
    expect(nodeOf('question')!.config).toEqual({ name: 'topic' });
  });

  it('sets the timeout and a retry policy', async () => {
    const user = userEvent.setup();
    openFlow(questionFlow(), ['answer']);
    render(<Inspector />);
    expect(screen.getByTestId('node-timeout')).toHaveProperty('placeholder', '600000');
    await user.type(screen.getByTestId('node-timeout'), '5000');
    await user.type(screen.getByTestId('node-retry-max-attempts'), '3');
    await user.type(screen.getByTestId('node-retry-backoffMs'), '100');
    expect(nodeOf('answer')).toMatchObject({ timeoutMs: 5000, retry: { maxAttempts: 3, backoffMs: 100 } });
    await user.clear(screen.getByTestId('node-retry-max-attempts'));
    expect(nodeOf('answer')).not.toHaveProperty('retry');
  });

  it('shows the shown run’s inputs, outputs and error for this node only', () => {
    openFlow(questionFlow(), ['ask']);
    render(<Inspector />);
    expect(screen.queryByTestId('node-run-details')).toBeNull();
    act(() =>
      useRun.getState().show({
        runId: 'r1',
        status: 'failed',
        lastSeq: 5,
        nodes: {
          ask: {
            status: 'done',
            text: '',
            attempts: 1,
            inputs: { question: 'Why?' },
            outputs: { prompt: 'Answer Why?' },
            durationMs: 3,
          },
          answer: { status: 'error', text: '', attempts: 2, error: { code: 'model-failed', message: 'boom' } },
        },
      }),
    );
    expect(JSON.parse(screen.getByTestId('node-run-inputs').querySelector('pre')!.textContent!)).toEqual({
      question: 'Why?',
    });
    expect(screen.getByTestId('node-run-inputs').querySelector('pre')!.textContent).toContain('\n  "question"');
    expect(JSON.parse(screen.getByTestId('node-run-outputs').querySelector('pre')!.textContent!)).toEqual({
      prompt: 'Answer Why?',
    });
    expect(screen.queryByTestId('node-run-error')).toBeNull();

    act(() => useEditor.getState().select({ nodes: ['answer'] }));
    expect(screen.getByTestId('node-run-error').textContent).toContain('boom');
    expect(screen.queryByTestId('node-run-outputs')).toBeNull();
  });
});

describe('several nodes selected', () => {
  beforeEach(() => openFlow(questionFlow(), ['ask', 'answer', 'reply']));

  it('summarises them and says how to delete them', () => {
    render(<Inspector />);
    const summary = screen.getByTestId('inspector-multi');
    expect(summary.textContent).toContain('3 nodes selected');
    expect(summary.textContent).toContain('1 prompt, 1 llm, 1 output');
    expect(summary.textContent).toContain('Delete');
    expect(screen.queryByTestId('node-id')).toBeNull();
  });
});
