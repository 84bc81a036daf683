// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Evaluation } from '../api/client.js';
import { apiError, type FakeServer, namedEventStream } from '../testing/fake-server.js';
import { EvaluationView } from './EvaluationView.js';
import { evaluation, evaluationServer, summary } from './test-fixtures.js';

let server: FakeServer;
let current: Evaluation;

beforeEach(() => {
  server = evaluationServer();
  current = evaluation();
  server.on('GET', '/api/evaluations/:id', () => ({ body: { evaluation: current, summary: summary() } }));
  vi.stubGlobal('fetch', server.fetch);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const progress = () => screen.getByTestId('evaluation-progress');

describe('an evaluation', () => {
  it('shows the mean and 95% interval of each metric per combination, charted, with links to compare', async () => {
    render(<EvaluationView id="evl_1" />);
    const table = await screen.findByTestId('evaluation-summary');
    const long = within(table).getByTestId('summary-row-1');
    expect(long.querySelector('[data-metric="groundedness"]')!.textContent).toBe('0.800 [0.700, 0.900]');
    expect(long.querySelector('[data-metric="latency"]')!.textContent).toBe('180 ms [150 ms, 210 ms]');
    expect(within(long).getByTestId('summary-compare-1').getAttribute('href')).toBe(
      '#/evaluations/compare?a=evl_1%3A0&b=evl_1%3A1&metric=groundedness',
    );
    expect(screen.getByTestId('evaluation-chart').getAttribute('data-metric')).toBe('groundedness');
    expect(screen.getByTestId('evaluation-chart').querySelector('svg')).toBeTruthy();
    expect([progress().dataset.done, progress().dataset.total]).toEqual(['6', '6']);
    expect(screen.queryByTestId('evaluation-cancel')).toBeNull();
    expect(screen.queryByTestId('evaluation-resume')).toBeNull();
  });

  it('follows a running evaluation: progress moves, finished items refresh the summary, the end reloads it', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      current = evaluation({ status: 'running', progress: { total: 6, done: 0, failed: 0 }, endedAt: null });
      const stream = namedEventStream();
      server.on('GET', '/api/evaluations/:id/events', () => stream.response);
      render(<EvaluationView id="evl_1" />);
      await screen.findByTestId('evaluation-cancel');
      await vi.waitFor(() => expect(server.calls('GET', '/api/evaluations/:id/events')).toHaveLength(1));
      stream.push('progress', { total: 6, done: 2, failed: 1 });
      await vi.waitFor(() => expect(progress().dataset.done).toBe('2'));
      expect(progress().textContent).toContain('3 of 6 runs · 1 failed');
      expect(screen.getByTestId('evaluation-status').textContent).toBe('running 3/6');

      stream.push('item-end', { combination: 0, row: 2, status: 'done', metrics: { groundedness: 1 } });
      await vi.advanceTimersByTimeAsync(2000);
      await vi.waitFor(() => expect(server.calls('GET', '/api/evaluations/:id')).toHaveLength(2));

      current = evaluation({ status: 'succeeded' });
      stream.push('evaluation-end', { status: 'succeeded' });
      stream.end();
      await vi.waitFor(() => expect(screen.getByTestId('evaluation-view').dataset.status).toBe('succeeded'));
      expect(progress().dataset.done).toBe('6');
      expect(screen.queryByTestId('evaluation-cancel')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('cancels a running evaluation and resumes it', async () => {
    current = evaluation({ status: 'running', progress: { total: 6, done: 1, failed: 0 }, endedAt: null });
    server.on('GET', '/api/evaluations/:id/events', () => namedEventStream().response);
    server.on('POST', '/api/evaluations/:id/cancel', () => {
      current = evaluation({ status: 'cancelled', progress: { total: 6, done: 1, failed: 0 } });
      return { body: { evaluation: current } };
    });
    server.on('POST', '/api/evaluations/:id/resume', () => {
      current = evaluation({ status: 'running', progress: { total: 6, done: 1, failed: 0 } });
      return { body: { evaluation: current } };
    });
    const user = userEvent.setup();
    render(<EvaluationView id="evl_1" />);
    await user.click(await screen.findByTestId('evaluation-cancel'));
    await user.click(await screen.findByTestId('evaluation-resume'));
    await screen.findByTestId('evaluation-cancel');
    expect(server.calls('POST', '/api/evaluations/:id/cancel')[0]!.path).toBe('/api/evaluations/evl_1/cancel');
    expect(server.calls('POST', '/api/evaluations/:id/resume')).toHaveLength(1);
    // Following again after the resume.
    await vi.waitFor(() => expect(server.calls('GET', '/api/evaluations/:id/events')).toHaveLength(2));
  });

  it('lists the errors of failed runs', async () => {
    current = evaluation({ status: 'failed', progress: { total: 6, done: 5, failed: 1 } });
    server.on('GET', '/api/evaluations/:id/results', (request) => {
      expect(request.query.get('status')).toBe('failed');
      return {
        body: {
          results: [{ combination: 1, row: 0, error: { code: 'node-failed', message: 'llm timed out' } }],
          total: 1,
        },
      };
    });
    render(<EvaluationView id="evl_1" />);
    expect((await screen.findByTestId('evaluation-failed-items')).textContent).toContain('row 1: llm timed out');
    expect(screen.getByTestId('evaluation-resume')).toBeTruthy();
  });

  it('says an evaluation does not exist, without offering to try again', async () => {
    server.on('GET', '/api/evaluations/:id', () => apiError(404, 'not-found', 'no evaluation evl_9'));
    render(<EvaluationView id="evl_9" />);
    const error = await screen.findByTestId('evaluation-error');
    expect(error.textContent).toContain('no evaluation evl_9');
    expect(within(error).queryByRole('button')).toBeNull();
  });
});
