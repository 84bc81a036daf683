// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, type FakeServer } from '../testing/fake-server.js';
import { NewEvaluation } from './NewEvaluation.js';
import { dataset, evaluation, evaluationServer } from './test-fixtures.js';

let server: FakeServer;

beforeEach(() => {
  server = evaluationServer();
  server.on('POST', '/api/evaluations', () => ({ status: 201, body: { evaluation: evaluation({ id: 'evl_new' }) } }));
  vi.stubGlobal('fetch', server.fetch);
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const select = (testId: string) => screen.getByTestId(testId) as HTMLSelectElement;

describe('a new evaluation', () => {
  it('maps inputs by name, sweeps every variant, shows the combinations, and starts', async () => {
    const user = userEvent.setup();
    render(<NewEvaluation />);
    await user.selectOptions(await screen.findByTestId('evaluation-flow'), 'flow_qa');
    await user.selectOptions(screen.getByTestId('evaluation-dataset'), 'dst_qa');
    await screen.findByTestId('evaluation-mapping');
    expect(select('evaluation-version').textContent).toBe('latest (v2)v2v1 (production)');
    await user.selectOptions(screen.getByTestId('evaluation-version'), '1');
    await vi.waitFor(() => expect(server.calls('GET', '/api/flows/:id/versions/:version')).toHaveLength(1));
    await screen.findByTestId('evaluation-mapping');

    // Same-named columns feed question and context; tone has a default and stays unmapped.
    expect(select('evaluation-map-question').value).toBe('question');
    expect(select('evaluation-map-context').value).toBe('context');
    expect(select('evaluation-map-tone').value).toBe('');
    // Two nodes with two variants each, all ticked: 4 combinations over 3 rows.
    expect(screen.getByTestId('evaluation-combinations').textContent).toBe('4 combinations × 3 rows = 12 runs');
    await user.click(screen.getByTestId('evaluation-variant-answer-warm'));
    expect(screen.getByTestId('evaluation-combinations').textContent).toBe('2 combinations × 3 rows = 6 runs');
    await user.click(screen.getByTestId('evaluation-variant-answer-cold'));
    expect(screen.getByTestId('evaluation-variants').textContent).toContain('none ticked: runs cold');
    expect(screen.getByTestId('evaluation-combinations').textContent).toBe('2 combinations × 3 rows = 6 runs');

    // Metrics ticked from the names in the data: a context, a question, a reference column.
    const ticked = ['groundedness', 'relevance', 'similarity', 'exact_match', 'latency'].map(
      (name) => (screen.getByTestId(`evaluation-metric-${name}`) as HTMLInputElement).checked,
    );
    expect(ticked).toEqual([true, true, true, false, true]);
    await user.type(screen.getByTestId('evaluation-threshold'), '0.6');
    await user.clear(screen.getByTestId('evaluation-concurrency'));
    await user.type(screen.getByTestId('evaluation-concurrency'), '4');

    await user.click(screen.getByTestId('evaluation-start'));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/evaluations/evl_new'));
    expect(server.calls('GET', '/api/flows/:id/versions/:version')[0]!.path).toBe('/api/flows/flow_qa/versions/1');
    expect(server.calls('POST', '/api/evaluations')[0]!.body).toEqual({
      flow: 'flow_qa',
      version: 1,
      dataset: 'dst_qa',
      mapping: { question: 'question', context: 'context' },
      variants: { ask: ['short', 'long'] },
      metrics: ['groundedness', 'relevance', 'similarity', 'latency', 'tokens_in', 'tokens_out'],
      groundedness: { scorer: 'default', threshold: 0.6 },
      concurrency: 4,
    });
  });

  it('holds Start until every required input has a column, and the numbers make sense', async () => {
    server.on('GET', '/api/datasets', () => ({ body: { datasets: [dataset({ columns: ['query', 'passage'] })] } }));
    const user = userEvent.setup();
    render(<NewEvaluation flow="qa" dataset="qa-set" />);
    await screen.findByTestId('evaluation-mapping');
    const problems = screen.getByTestId('evaluation-problems');
    expect(problems.textContent).toContain('question is required');
    expect(problems.textContent).toContain('context is required');
    expect(screen.getByTestId('evaluation-start')).toHaveProperty('disabled', true);
    await user.selectOptions(select('evaluation-map-question'), 'query');
    await user.selectOptions(select('evaluation-map-context'), 'passage');
    await user.type(screen.getByTestId('evaluation-threshold'), '3');
    expect(screen.getByTestId('evaluation-problems').textContent).toBe('The threshold is a number from 0 to 1.');
    await user.clear(screen.getByTestId('evaluation-threshold'));
    expect(screen.queryByTestId('evaluation-problems')).toBeNull();
    expect(screen.getByTestId('evaluation-start')).toHaveProperty('disabled', false);
  });

  it("shows the server's refusal with the field it names, and stays on the form", async () => {
    server.on('POST', '/api/evaluations', () =>
      apiError(400, 'invalid-request', 'metric groundedness needs a context', {
        issues: [{ path: 'body.fields.context', message: 'no input or column named context' }],
      }),
    );
    const user = userEvent.setup();
    render(<NewEvaluation flow="flow_qa" dataset="dst_qa" />);
    await user.click(await screen.findByTestId('evaluation-start'));
    const error = await screen.findByTestId('evaluation-start-error');
    expect(error.textContent).toContain('metric groundedness needs a context');
    expect(within(error).getByText('body.fields.context')).toBeTruthy();
    expect(screen.getByTestId('evaluation-start')).toHaveProperty('disabled', false);
    expect(window.location.hash).toBe('');
  });

  it('says what is missing when there is no flow or dataset yet', async () => {
    server.on('GET', '/api/datasets', () => ({ body: { datasets: [] } }));
    render(<NewEvaluation />);
    const missing = await screen.findByTestId('evaluation-new-missing');
    expect(missing.textContent).toContain('No dataset yet');
    expect(missing.textContent).not.toContain('No flow is saved yet');
  });
});
