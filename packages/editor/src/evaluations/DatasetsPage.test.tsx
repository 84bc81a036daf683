// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, type FakeServer } from '../testing/fake-server.js';
import { DatasetsPage } from './DatasetsPage.js';
import { dataset, evaluationServer } from './test-fixtures.js';

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

const jsonl = (name: string, text: string) => new File([text], name, { type: '' });

describe('datasets', () => {
  it('lists the datasets and previews the chosen one', async () => {
    render(<DatasetsPage selected="qa-set" />);
    expect((await screen.findByTestId('dataset-qa-set')).textContent).toContain('3 rows');
    const rows = await screen.findAllByTestId('dataset-row');
    expect(rows).toHaveLength(3);
    expect(rows[1]!.textContent).toContain('Question 1?');
    expect(screen.getByTestId('dataset-rows').querySelectorAll('th')[1]!.textContent).toBe('question');
  });

  it('says what a dataset is for when there is none', async () => {
    server.on('GET', '/api/datasets', () => ({ body: { datasets: [] } }));
    render(<DatasetsPage />);
    expect((await screen.findByTestId('datasets-empty')).textContent).toContain('No datasets yet');
    expect(screen.getByTestId('dataset-none')).toBeTruthy();
  });

  it('uploads a JSON Lines file under a name taken from the file, then shows it', async () => {
    server.on('POST', '/api/datasets', (request) => ({
      status: 201,
      body: { dataset: dataset({ id: 'dst_new', name: request.query.get('name')!, rowCount: 2 }) },
    }));
    const user = userEvent.setup();
    render(<DatasetsPage />);
    await user.upload(screen.getByTestId('dataset-upload'), jsonl('My questions.jsonl', '{"q":1}\n{"q":2}\n'));
    expect((screen.getByTestId('dataset-name') as HTMLInputElement).value).toBe('My-questions');
    await user.click(screen.getByTestId('dataset-upload-confirm'));
    await vi.waitFor(() => expect(window.location.hash).toBe('#/evaluations/datasets/My-questions'));
    const [request] = server.calls('POST', '/api/datasets');
    expect(request!.query.get('name')).toBe('My-questions');
    expect(request!.headers.get('content-type')).toBe('application/x-ndjson');
    expect(request!.body).toBe('{"q":1}\n{"q":2}\n');
    await vi.waitFor(() => expect(server.calls('GET', '/api/datasets')).toHaveLength(2));
    expect(screen.queryByTestId('dataset-upload-form')).toBeNull();
  });

  it('sends CSV as text/csv', async () => {
    server.on('POST', '/api/datasets', () => ({ status: 201, body: { dataset: dataset() } }));
    const user = userEvent.setup();
    render(<DatasetsPage />);
    await user.upload(screen.getByTestId('dataset-upload'), jsonl('rows.csv', 'a,b\n1,2\n'));
    await user.click(screen.getByTestId('dataset-upload-confirm'));
    await vi.waitFor(() => expect(server.calls('POST', '/api/datasets')).toHaveLength(1));
    expect(server.calls('POST', '/api/datasets')[0]!.headers.get('content-type')).toBe('text/csv');
  });

  it('lists every bad line of a refused file with its number, and keeps the form to try again', async () => {
    server.on('POST', '/api/datasets', () =>
      apiError(400, 'invalid-request', 'line 2: not a JSON object', {
        issues: [
          { path: 'body', line: 2, message: 'not a JSON object' },
          { path: 'body', line: 5, message: 'Unexpected token } in JSON' },
        ],
      }),
    );
    const user = userEvent.setup();
    render(<DatasetsPage />);
    await user.upload(screen.getByTestId('dataset-upload'), jsonl('bad.jsonl', '{}\n[]\n'));
    await user.click(screen.getByTestId('dataset-upload-confirm'));
    const error = await screen.findByTestId('dataset-upload-error');
    expect(error.textContent).toContain('line 2: not a JSON object');
    expect(
      within(error)
        .getAllByTestId('dataset-upload-problem')
        .map((item) => item.textContent),
    ).toEqual(['line 2 not a JSON object', 'line 5 Unexpected token } in JSON']);
    expect(error.textContent).toContain('Nothing was stored');
    expect(screen.getByTestId('dataset-upload-form')).toBeTruthy();
    expect(window.location.hash).toBe('');
  });

  it('refuses a file whose name does not say its format, and a bad name, before sending', async () => {
    // As a person who switched the file picker to "All files".
    const user = userEvent.setup({ applyAccept: false });
    render(<DatasetsPage />);
    await user.upload(screen.getByTestId('dataset-upload'), jsonl('rows.txt', 'x'));
    expect(screen.getByTestId('dataset-upload-form').textContent).toContain('unknown format');
    expect(screen.getByTestId('dataset-upload-confirm')).toHaveProperty('disabled', true);
    await user.upload(screen.getByTestId('dataset-upload'), jsonl('rows.jsonl', '{}'));
    await user.clear(screen.getByTestId('dataset-name'));
    await user.type(screen.getByTestId('dataset-name'), '-bad name');
    expect(screen.getByTestId('dataset-upload-form').textContent).toContain('Start with a letter or digit');
    expect(screen.getByTestId('dataset-upload-confirm')).toHaveProperty('disabled', true);
    expect(server.calls('POST', '/api/datasets')).toHaveLength(0);
  });

  it('says which evaluations keep a dataset from being deleted', async () => {
    server.on('DELETE', '/api/datasets/:dataset', () =>
      apiError(409, 'conflict', 'dataset qa-set is used by evaluations evl_1'),
    );
    const user = userEvent.setup();
    render(<DatasetsPage selected="qa-set" />);
    await user.click(await screen.findByTestId('dataset-delete'));
    await user.click(screen.getByTestId('dataset-delete-confirm'));
    expect((await screen.findByTestId('dataset-delete-error')).textContent).toContain('used by evaluations evl_1');
    expect(screen.getAllByTestId('dataset-row')).toHaveLength(3);
  });
});
