/**
 * An evaluation in a real browser against a real server and stories260K: upload a dataset through the editor,
 * evaluate both variants of a prompt over it, watch it finish, open the comparison and a row, and find the answer's
 * sentences marked supported or not with their evidence from the context; record a preference.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, STORIES_260K } from '../http/server-process.js';
import { api, type BrowserSession, closeBrowserSession, openBrowserSession, screenshotPath } from './browser.js';

const golden = JSON.parse(readFileSync(join(STORIES_260K, 'golden.json'), 'utf8')) as {
  prompt: string;
  greedy_text_pieces_joined: string;
}[];

/**
 * `plain` sends the question as it is, so greedy decoding gives the golden continuation, which the row's context
 * holds: its sentences are supported. `twist` adds words, so the story goes elsewhere.
 */
const FLOW = `schemaVersion: 1
name: storyteller
inputs:
  question: { type: text }
outputs:
  answer: { type: text }
nodes:
  - id: question
    type: input
    position: { x: 0, y: 0 }
    config: { name: question }
  - id: ask
    type: prompt
    position: { x: 300, y: 0 }
    config: {}
    variants:
      - name: plain
        config: { template: "{{ question }}" }
      - name: twist
        config: { template: "{{ question }} A dragon" }
    defaultVariant: plain
  - id: write
    type: llm
    position: { x: 600, y: 0 }
    config: { maxTokens: 48, temperature: 0 }
  - id: answer
    type: output
    position: { x: 900, y: 0 }
    config: { name: answer }
edges:
  - { from: question.value, to: ask.question }
  - { from: ask.prompt, to: write.prompt }
  - { from: write.text, to: answer.value }
`;

/** Rows whose context is the question and its golden continuation, and one whose context is about something else. */
function datasetFile(): string {
  const rows = [
    ...golden.map((entry) => ({ question: entry.prompt, context: entry.prompt + entry.greedy_text_pieces_joined })),
    { question: 'The cat sat', context: 'Rain fell on the quiet harbour all night. The boats stayed in.' },
  ];
  const path = join(mkdtempSync(join(tmpdir(), 'groundwork-eval-')), 'stories.jsonl');
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return path;
}

describe('an evaluation in a browser', () => {
  let server: ServerProcess;
  let page: Page;
  let errors: string[];
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    session = await openBrowserSession({ width: 1600, height: 1000 }, async (started) => {
      await api(started, '/api/flows/import', {
        method: 'POST',
        headers: { 'content-type': 'application/yaml' },
        body: FLOW,
      });
    });
    ({ server, page, errors } = session);
  });

  afterAll(() => closeBrowserSession(session));

  it('uploads a dataset, evaluates two variants, and compares them down to the sentence', async () => {
    await page.goto(server.url);
    await page.getByTestId('nav-evaluations').click();
    await expect.poll(() => page.getByTestId('evaluations-empty').isVisible()).toBe(true);

    // Upload the dataset through the page: its rows show.
    await page.getByTestId('evaluations-nav-datasets').click();
    await page.getByTestId('dataset-upload').setInputFiles(datasetFile());
    expect(await page.getByTestId('dataset-name').inputValue()).toBe('stories');
    await page.getByTestId('dataset-upload-confirm').click();
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBe(3);
    expect(await page.getByTestId('dataset-rows').textContent()).toContain('Tom and Lily went to the park.');

    // A new evaluation of both variants: the question column feeds the input of the same name.
    await page.getByTestId('evaluation-new').click();
    await page.getByTestId('evaluation-flow').selectOption({ label: 'storyteller' });
    await page.getByTestId('evaluation-dataset').selectOption({ label: 'stories (3 rows)' });
    expect(await page.getByTestId('evaluation-map-question').inputValue()).toBe('question');
    expect(await page.getByTestId('evaluation-variant-ask-plain').isChecked()).toBe(true);
    expect(await page.getByTestId('evaluation-variant-ask-twist').isChecked()).toBe(true);
    expect(await page.getByTestId('evaluation-combinations').textContent()).toBe('2 combinations × 3 rows = 6 runs');
    expect(await page.getByTestId('evaluation-metric-groundedness').isChecked()).toBe(true);
    await page.getByTestId('evaluation-start').click();

    // It runs to the end; the summary has a row per combination.
    await expect
      .poll(() => page.getByTestId('evaluation-view').getAttribute('data-status'), { timeout: 60_000 })
      .toBe('succeeded');
    expect(await page.getByTestId('evaluation-progress').getAttribute('data-done')).toBe('6');
    const summary = page.getByTestId('evaluation-summary');
    expect(await summary.locator('tbody tr').count()).toBe(2);
    expect(await summary.textContent()).toContain('ask=plain');
    expect(await summary.locator('[data-metric="groundedness"]').first().textContent()).toMatch(/^\d\.\d{3} \[/);
    expect(await page.getByTestId('evaluation-chart').locator('svg').count()).toBeGreaterThan(0);

    // The comparison of twist (B) against plain (A) on groundedness.
    await page.getByTestId('evaluation-compare').click();
    await expect.poll(() => page.getByTestId('comparison-row').count()).toBe(3);
    expect(await page.getByTestId('comparison-difference').textContent()).toMatch(/B − A/);
    const counts = await Promise.all(
      ['better', 'worse', 'equal'].map(async (name) =>
        Number(await page.getByTestId(`comparison-${name}`).textContent()),
      ),
    );
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(3);

    // The first row: plain's answer is the golden story its context holds, so its sentences are supported.
    await page.getByTestId('comparison-row').first().click();
    const answerA = page.getByTestId('row-answer-a');
    await expect.poll(() => answerA.getByTestId('answer-sentence').count()).toBeGreaterThan(0);
    const supported = answerA.locator('[data-testid="answer-sentence"][data-supported="true"]').first();
    expect(await supported.count()).toBe(1);
    await supported.hover();
    const evidence = answerA.getByTestId('sentence-evidence').first();
    await expect.poll(() => evidence.isVisible()).toBe(true);
    expect(await evidence.textContent()).toContain('Supported');
    expect(golden[0]!.prompt + golden[0]!.greedy_text_pieces_joined).toContain(
      (await evidence.locator('q').textContent())!.trim(),
    );
    expect(await page.getByTestId('context-evidence').count()).toBeGreaterThan(0);
    const sentences = page.getByTestId('answer-sentence');
    const verdicts = await sentences.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-supported')));
    expect(verdicts.every((verdict) => verdict === 'true' || verdict === 'false')).toBe(true);

    await page.getByTestId('preference-a').click();
    await expect.poll(() => page.getByTestId('preference-a').getAttribute('aria-pressed')).toBe('true');
    // Pointing at the sentence again for the picture: its evidence over it and marked in the context.
    await supported.hover();
    await expect.poll(() => evidence.isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('evaluation.png') });

    // The preference is stored: the comparison says so after a reload.
    await page.reload();
    await expect.poll(() => page.getByTestId('comparison-preferences').textContent()).toContain('A on 1');

    expect(errors).toEqual([]);
  });
});
