// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, type FakeServer } from '../testing/fake-server.js';
import { ComparisonPage } from './ComparisonPage.js';
import { evaluation, evaluationServer } from './test-fixtures.js';

let server: FakeServer;

beforeEach(() => {
  server = evaluationServer();
  vi.stubGlobal('fetch', server.fetch);
  window.location.hash = '';
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const rowOrder = () => screen.getAllByTestId('comparison-row').map((row) => row.dataset.row);

describe('the comparison page', () => {
  it('shows B − A with its interval, the row counts, and every row with both answers', async () => {
    render(<ComparisonPage a="evl_1:0" b="evl_1:1" metric="groundedness" />);
    const summary = await screen.findByTestId('comparison-summary');
    const request = server.calls('GET', '/api/evaluations/compare')[0]!;
    expect([request.query.get('a'), request.query.get('b'), request.query.get('metric')]).toEqual([
      'evl_1:0',
      'evl_1:1',
      'groundedness',
    ]);
    expect(within(summary).getByTestId('comparison-difference').textContent).toContain('+0.300');
    expect(within(summary).getByTestId('comparison-difference').textContent).toContain('[+0.100, +0.500]');
    expect(summary.textContent).toContain('B is better on groundedness');
    expect(
      ['better', 'worse', 'equal'].map((name) => within(summary).getByTestId(`comparison-${name}`).textContent),
    ).toEqual(['2', '0', '1']);
    expect(within(summary).getByTestId('comparison-preferences').textContent).toContain('a tie on 1 rows');

    const rows = within(screen.getByTestId('comparison-table')).getAllByTestId('comparison-row');
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain('Question 0?');
    expect(rows[0]!.textContent).toContain('Answer 0-0.');
    expect(rows[0]!.textContent).toContain('Answer 1-0.');
    expect(rows[0]!.textContent).toContain('+0.400');
    expect(rows.map((row) => row.dataset.verdict)).toEqual(['better', 'equal', 'better']);
    // Both sides' results were read, each for its own combination.
    expect(server.calls('GET', '/api/evaluations/:id/results').map((call) => call.query.get('combination'))).toEqual([
      '0',
      '1',
    ]);
  });

  it('sorts the rows by the difference, largest first, then smallest first, then back to row order', async () => {
    const user = userEvent.setup();
    render(<ComparisonPage a="evl_1:0" b="evl_1:1" metric="groundedness" />);
    await screen.findByTestId('comparison-table');
    expect(rowOrder()).toEqual(['0', '1', '2']);
    await user.click(screen.getByTestId('comparison-sort'));
    expect(rowOrder()).toEqual(['2', '0', '1']);
    await user.click(screen.getByTestId('comparison-sort'));
    expect(rowOrder()).toEqual(['1', '0', '2']);
    await user.click(screen.getByTestId('comparison-sort'));
    expect(rowOrder()).toEqual(['0', '1', '2']);
  });

  it('opens a row: sentences marked supported or not, with their evidence, and a stored preference', async () => {
    const user = userEvent.setup();
    render(<ComparisonPage a="evl_1:0" b="evl_1:1" metric="groundedness" />);
    await user.click((await screen.findAllByTestId('comparison-row'))[0]!);
    const view = screen.getByTestId('row-view');
    const answerB = within(view).getByTestId('row-answer-b');
    const sentences = within(answerB).getAllByTestId('answer-sentence');
    expect(sentences.map((sentence) => [sentence.textContent, sentence.dataset.supported])).toEqual([
      ['Answer 1-0.', 'true'],
      ['It was painted green.', 'false'],
    ]);
    const evidence = within(answerB).getAllByTestId('sentence-evidence');
    expect(evidence[0]!.textContent).toContain('The tower is 300 metres tall.');
    expect(evidence[1]!.textContent).toContain('Nothing in the context supports this sentence.');

    // Pointing at the supported sentence marks its evidence in the context.
    expect(within(view).queryByTestId('context-evidence')).toBeNull();
    await user.hover(sentences[0]!);
    expect(within(view).getByTestId('context-evidence').textContent).toBe('The tower is 300 metres tall.');

    await user.click(within(view).getByTestId('preference-b'));
    await vi.waitFor(() => expect(within(view).getByTestId('preference-b').getAttribute('aria-pressed')).toBe('true'));
    expect(server.calls('PUT', '/api/evaluations/preferences')[0]!.body).toEqual({
      a: 'evl_1:0',
      b: 'evl_1:1',
      row: 0,
      preferred: 'b',
    });
    expect(screen.getByTestId('comparison-preferences').textContent).toContain('B on 1');
    // Choosing it again clears it.
    await user.click(within(view).getByTestId('preference-b'));
    await vi.waitFor(() => expect(within(view).getByTestId('preference-b').getAttribute('aria-pressed')).toBe('false'));
    const cleared = server.calls('DELETE', '/api/evaluations/preferences')[0]!;
    expect([cleared.query.get('a'), cleared.query.get('b'), cleared.query.get('row')]).toEqual([
      'evl_1:0',
      'evl_1:1',
      '0',
    ]);
  });

  it('shows why a preference was not stored, and keeps the earlier one', async () => {
    server.on('PUT', '/api/evaluations/preferences', () => apiError(400, 'invalid-request', 'row 9 is not in dataset'));
    const user = userEvent.setup();
    render(<ComparisonPage a="evl_1:0" b="evl_1:1" metric="groundedness" />);
    await user.click((await screen.findAllByTestId('comparison-row'))[1]!);
    await user.click(screen.getByTestId('preference-a'));
    expect((await screen.findByTestId('preference-error')).textContent).toContain('row 9 is not in dataset');
    expect(screen.getByTestId('preference-tie').getAttribute('aria-pressed')).toBe('true');
  });

  it('picks sides through the location, and refuses sides over another dataset', async () => {
    server.on('GET', '/api/evaluations', () => ({
      body: { evaluations: [evaluation(), evaluation({ id: 'evl_2', name: 'other', datasetId: 'dst_other' })] },
    }));
    const user = userEvent.setup();
    render(<ComparisonPage a="evl_1:0" />);
    expect((await screen.findByTestId('comparison-choose')).textContent).toContain('Choose two sides');
    const sideB = screen.getByTestId('comparison-side-b') as HTMLSelectElement;
    const other = [...sideB.options].find((option) => option.value === 'evl_2:0')!;
    expect(other.disabled).toBe(true);
    await user.selectOptions(sideB, 'evl_1:1');
    expect(window.location.hash).toBe('#/evaluations/compare?a=evl_1%3A0&b=evl_1%3A1&metric=groundedness');
  });

  it('says when the server refuses the comparison', async () => {
    server.on('GET', '/api/evaluations/compare', () =>
      apiError(400, 'invalid-request', 'evl_2 ran over another dataset'),
    );
    render(<ComparisonPage a="evl_1:0" b="evl_2:0" metric="groundedness" />);
    expect((await screen.findByTestId('comparison-body-error')).textContent).toContain('another dataset');
  });
});
