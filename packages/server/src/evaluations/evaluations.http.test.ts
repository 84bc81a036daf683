/**
 * Evaluations through the HTTP API on the real stories260K model (ONNX, CPU) and a SQLite file: a flow with two
 * variants of its prompt node over a four-row dataset, results, summary, comparison, preferences, and resuming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import type { TestApp } from '../testing/test-app.js';
import { call, evaluationFolder, events, QA_ROWS, seed, startEvaluationApp } from './evaluation-test-app.js';

const folder = evaluationFolder();
let app: TestApp;
let url: string;
let id: string;

const evaluationRuns = () =>
  (app.app.context.db.prepare("SELECT COUNT(*) AS n FROM runs WHERE source = 'evaluation'").get() as { n: number }).n;

beforeAll(async () => {
  app = await startEvaluationApp(folder);
  url = app.url;
  await seed(url);
}, 60_000);

afterAll(() => app?.close());

describe('an evaluation over a dataset with two variants', () => {
  it('runs every (combination, row) item and streams progress to its end', async () => {
    const created = await call(url, 'POST', '/api/evaluations', {
      flow: 'qa',
      dataset: 'qa-set',
      variants: { ask: ['short', 'long'] },
      concurrency: 4,
      seed: 7,
    });
    expect(created.status).toBe(201);
    id = created.body.evaluation.id;
    expect(id).toMatch(/^evl_/);
    expect(created.body.evaluation).toMatchObject({
      status: 'running',
      flowName: 'qa',
      flowVersion: 1,
      datasetName: 'qa-set',
      mapping: { context: 'context', question: 'question' },
      fields: {
        answer: 'outputs.answer',
        context: 'inputs.context',
        question: 'inputs.question',
        reference: 'row.reference',
      },
      metrics: ['groundedness', 'relevance', 'similarity', 'latency', 'tokens_in', 'tokens_out'],
      combinations: [
        { index: 0, key: 'ask=short', variants: { ask: 'short' } },
        { index: 1, key: 'ask=long', variants: { ask: 'long' } },
      ],
    });
    const stream = await events(url, id);
    expect(stream.at(-1)).toEqual({ event: 'evaluation-end', data: { status: 'succeeded' } });
    expect(stream.at(-2)).toEqual({ event: 'progress', data: { total: 8, done: 8, failed: 0 } });
    const ends = stream.filter((frame) => frame.event === 'item-end');
    // The stream may join after the first items ended; the ones it saw are items of this evaluation.
    for (const end of ends)
      expect(end.data).toMatchObject({ status: 'done', metrics: { groundedness: expect.any(Number) } });
    expect(evaluationRuns()).toBe(8);
  }, 120_000);

  it('answers each row of each combination with its run, answer, groundedness by sentence and metrics', async () => {
    for (const combination of [0, 1]) {
      const { status, body } = await call(url, 'GET', `/api/evaluations/${id}/results?combination=${combination}`);
      expect(status).toBe(200);
      expect(body.total).toBe(4);
      expect(body.results.map((result: { row: number }) => result.row)).toEqual([0, 1, 2, 3]);
      for (const result of body.results) {
        expect(result).toMatchObject({ combination, status: 'done', error: null, rowValues: QA_ROWS[result.row] });
        expect(result.inputs).toEqual({
          context: QA_ROWS[result.row]!.context,
          question: QA_ROWS[result.row]!.question,
        });
        expect(typeof result.answer).toBe('string');
        expect(result.answer).toBe(result.outputs.answer);
        expect(result.context).toBe(QA_ROWS[result.row]!.context);
        const { groundedness, metrics } = result;
        expect(groundedness.score).toBeGreaterThanOrEqual(0);
        expect(groundedness.score).toBeLessThanOrEqual(1);
        expect(metrics.groundedness).toBe(groundedness.score);
        expect(groundedness.rating).toBeGreaterThanOrEqual(1);
        expect(groundedness.sentences.length).toBeGreaterThan(0);
        for (const sentence of groundedness.sentences) {
          expect(result.answer.slice(sentence.start, sentence.end)).toBe(sentence.text);
          expect(sentence.score).toBeGreaterThanOrEqual(0);
          expect(sentence.score).toBeLessThanOrEqual(1);
        }
        for (const name of ['relevance', 'similarity']) {
          expect(metrics[name]).toBeGreaterThanOrEqual(0);
          expect(metrics[name]).toBeLessThanOrEqual(1);
        }
        expect(metrics.latency).toBeGreaterThan(0);
        expect(metrics.tokens_out).toBeGreaterThan(0);
        expect(metrics.tokens_out).toBeLessThanOrEqual(12);
        expect(result.tokensOut).toBe(metrics.tokens_out);

        const run = await call(url, 'GET', `/api/runs/${result.runId}`);
        expect(run.body.run).toMatchObject({
          source: 'evaluation',
          status: 'succeeded',
          variants: { ask: combination === 0 ? 'short' : 'long' },
          outputs: { answer: result.answer },
        });
        // Evaluation runs leave their token events out of the log; node ends still hold the text.
        const types = (app.app.context.runs.storedEvents(result.runId) as { type: string }[]).map(
          (event) => event.type,
        );
        expect(types).toContain('node-end');
        expect(types).not.toContain('node-token');
      }
    }
  });

  it('summarises each metric per combination as a mean with its 95% interval', async () => {
    const { status, body } = await call(url, 'GET', `/api/evaluations/${id}`);
    expect(status).toBe(200);
    expect(body.evaluation).toMatchObject({ status: 'succeeded', progress: { total: 8, done: 8, failed: 0 } });
    expect(body.evaluation.endedAt).not.toBeNull();
    expect(body.summary.combinations.map((combination: { key: string }) => combination.key)).toEqual([
      'ask=short',
      'ask=long',
    ]);
    for (const combination of body.summary.combinations) {
      for (const metric of body.evaluation.metrics) {
        const estimate = combination.metrics[metric];
        expect(estimate.n).toBe(4);
        expect(estimate.low).toBeLessThanOrEqual(estimate.mean);
        expect(estimate.high).toBeGreaterThanOrEqual(estimate.mean);
      }
    }
  });

  it('compares two combinations row by row: difference = b − a', async () => {
    const { status, body } = await call(url, 'GET', `/api/evaluations/compare?a=${id}:0&b=${id}:1&metric=similarity`);
    expect(status).toBe(200);
    const results = async (combination: number) =>
      (await call(url, 'GET', `/api/evaluations/${id}/results?combination=${combination}`)).body.results;
    const [a, b] = [await results(0), await results(1)];
    expect(body.metric).toBe('similarity');
    expect(body.higherIsBetter).toBe(true);
    expect(body.a).toMatchObject({ evaluation: id, combination: 0, key: 'ask=short', flowVersion: 1, n: 4 });
    expect(body.b).toMatchObject({ evaluation: id, combination: 1, key: 'ask=long', n: 4 });
    expect(body.rows).toHaveLength(4);
    let sum = 0;
    for (const row of body.rows) {
      expect(row.a).toBe(a[row.row].metrics.similarity);
      expect(row.b).toBe(b[row.row].metrics.similarity);
      expect(row.difference).toBeCloseTo(row.b - row.a, 12);
      sum += row.difference;
    }
    expect(body.difference.mean).toBeCloseTo(sum / 4, 12);
    expect(body.difference.low).toBeLessThanOrEqual(body.difference.mean);
    expect(body.better + body.worse + body.equal).toBe(4);
    expect(body.better).toBe(body.rows.filter((row: { difference: number }) => row.difference > 0).length);
    // Without a metric: groundedness, which both sides have.
    expect((await call(url, 'GET', `/api/evaluations/compare?a=${id}&b=${id}:1`)).body.metric).toBe('groundedness');
  });

  it('stores a preference per row, replaces it, shows it in both directions and removes it', async () => {
    const compare = async (a: number, b: number) =>
      (await call(url, 'GET', `/api/evaluations/compare?a=${id}:${a}&b=${id}:${b}`)).body.rows.map(
        (row: { preference: string | null }) => row.preference,
      );
    const put = (preferred: string) =>
      call(url, 'PUT', '/api/evaluations/preferences', { a: `${id}:0`, b: `${id}:1`, row: 2, preferred });
    expect((await put('b')).status).toBe(200);
    expect(await compare(0, 1)).toEqual([null, null, 'b', null]);
    expect(await compare(1, 0)).toEqual([null, null, 'a', null]);
    expect((await put('tie')).body.preference).toMatchObject({ row: 2, preferred: 'tie' });
    expect(await compare(0, 1)).toEqual([null, null, 'tie', null]);
    const removed = await call(url, 'DELETE', `/api/evaluations/preferences?a=${id}:0&b=${id}:1&row=2`);
    expect(removed.status).toBe(204);
    expect(await compare(0, 1)).toEqual([null, null, null, null]);
    const outside = await call(url, 'PUT', '/api/evaluations/preferences', {
      a: `${id}:0`,
      b: `${id}:1`,
      row: 9,
      preferred: 'a',
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.issues[0].path).toBe('body.row');
  });
});

describe('refusing a wrong request before anything is written', () => {
  const base = { flow: 'qa', dataset: 'qa-set' };
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an unknown node', { variants: { nope: ['a'] } }, 'body.variants.nope', /no node "nope"/],
    [
      'an unknown variant',
      { variants: { ask: ['short', 'medium'] } },
      'body.variants.ask.1',
      /no variant "medium" \(variants: short, long\)/,
    ],
    [
      'an unknown metric',
      { metrics: ['groundedness', 'bleu'] },
      'body.metrics.1',
      /unknown metric "bleu" \(metrics: groundedness, relevance/,
    ],
    [
      'a missing column',
      { mapping: { question: 'prompt' } },
      'body.mapping.question',
      /no column "prompt" \(columns: context, question, reference\)/,
    ],
    [
      'variants and combinations',
      { variants: { ask: ['short'] }, combinations: [{ ask: 'long' }] },
      'body.combinations',
      /not both/,
    ],
    ['a threshold above 1', { groundedness: { threshold: 1.5 } }, 'body.groundedness.threshold', /1/],
    [
      'an unknown field source',
      { fields: { answer: 'outputs.reply' } },
      'body.fields.answer',
      /no output "reply" \(outputs: answer\)/,
    ],
    ['an unknown dataset', { dataset: 'missing' }, 'body.dataset', /no dataset "missing"/],
    ['an unknown version', { version: 5 }, 'body.version', /no version 5/],
  ];
  for (const [what, extra, path, message] of cases) {
    it(`answers 400 for ${what}, naming ${path}`, async () => {
      const before = (await call(url, 'GET', '/api/evaluations')).body.evaluations.length;
      const { status, body } = await call(url, 'POST', '/api/evaluations', { ...base, ...extra });
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid-request');
      const issue = body.error.issues.find((candidate: { path: string }) => candidate.path === path);
      expect(issue, JSON.stringify(body.error)).toBeDefined();
      expect(issue.message).toMatch(message);
      expect((await call(url, 'GET', '/api/evaluations')).body.evaluations.length).toBe(before);
    });
  }
});

describe('resuming', () => {
  it('after a crash, runs only the items that were not done', async () => {
    // A crash midway: three items back to pending, the evaluation left running, the process gone.
    await app.close();
    const db = openDatabase(folder.db);
    db.prepare(
      `UPDATE evaluation_items SET status = 'pending', run_id = NULL, metrics = NULL WHERE evaluation_id = ?
         AND ((combination = 0 AND row_index = 3) OR (combination = 1 AND row_index IN (0, 2)))`,
    ).run(id);
    db.prepare("UPDATE evaluations SET status = 'running', ended_at = NULL WHERE id = ?").run(id);
    db.close();
    app = await startEvaluationApp(folder);
    url = app.url;

    const stopped = await call(url, 'GET', `/api/evaluations/${id}`);
    expect(stopped.body.evaluation).toMatchObject({ status: 'interrupted', progress: { total: 8, done: 5 } });
    const doneBefore = (await call(url, 'GET', `/api/evaluations/${id}/results?status=done`)).body.results;
    const runsBefore = evaluationRuns();

    const resumed = await call(url, 'POST', `/api/evaluations/${id}/resume`);
    expect(resumed.status).toBe(202);
    expect(resumed.body.evaluation.status).toBe('running');
    const ended = await app.app.context.evaluations.waitFor(id);
    expect(ended).toMatchObject({ status: 'succeeded', progress: { total: 8, done: 8, failed: 0 } });
    expect(evaluationRuns() - runsBefore).toBe(3);
    const after = (await call(url, 'GET', `/api/evaluations/${id}/results`)).body.results;
    for (const result of doneBefore) {
      const same = after.find(
        (item: { combination: number; row: number }) =>
          item.combination === result.combination && item.row === result.row,
      );
      expect(same.runId).toBe(result.runId);
    }
    expect((await call(url, 'POST', `/api/evaluations/${id}/resume`)).status).toBe(409);
  }, 120_000);

  it('after a cancel, goes on from the pending items; a delete keeps the runs', async () => {
    const created = await call(url, 'POST', '/api/evaluations', {
      flow: 'qa',
      dataset: 'qa-set',
      combinations: [{ ask: 'long' }],
      metrics: ['similarity', 'latency'],
      concurrency: 1,
    });
    expect(created.status).toBe(201);
    const evaluation = created.body.evaluation.id;
    const cancelled = await call(url, 'POST', `/api/evaluations/${evaluation}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.evaluation.status).toBe('cancelled');
    expect(cancelled.body.evaluation.progress.done).toBeLessThan(4);
    expect((await call(url, 'POST', `/api/evaluations/${evaluation}/cancel`)).status).toBe(409);
    const stream = await events(url, evaluation);
    expect(stream.at(-1)).toEqual({ event: 'evaluation-end', data: { status: 'cancelled' } });

    expect((await call(url, 'POST', `/api/evaluations/${evaluation}/resume`)).status).toBe(202);
    const ended = await app.app.context.evaluations.waitFor(evaluation);
    expect(ended).toMatchObject({ status: 'succeeded', progress: { total: 4, done: 4, failed: 0 } });
    const results = (await call(url, 'GET', `/api/evaluations/${evaluation}/results`)).body.results;
    expect(
      results.every((result: { metrics: object }) => Object.keys(result.metrics).join() === 'similarity,latency'),
    ).toBe(true);

    const runsBefore = evaluationRuns();
    expect((await call(url, 'DELETE', `/api/evaluations/${evaluation}`)).status).toBe(204);
    expect((await call(url, 'GET', `/api/evaluations/${evaluation}`)).status).toBe(404);
    expect(evaluationRuns()).toBe(runsBefore);
  }, 120_000);
});
