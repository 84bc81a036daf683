/**
 * `groundwork eval` in a child process on the real stories260K model: a flow file with two variants of its prompt
 * node over a small JSONL file, as JSON and as a table; a wrong request refused before anything is stored.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_260K } from '../../packages/runtime/src/testing/model-fixtures.js';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { groundwork, plainEnv, requireBuild } from './cli-process.js';

let dir: string;
let flow: string;
let data: string;
let db: string;

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-eval-'));
  db = join(dir, 'groundwork.db');
  //   context ─┐
  //            ├─▶ ask (prompt: short | long) ─▶ write (llm, greedy, 10 tokens) ─▶ answer
  //   question ┘
  flow = join(dir, 'qa.flow.yaml');
  writeFileSync(
    flow,
    [
      'schemaVersion: 1',
      'name: qa',
      'inputs:',
      '  context: { type: text }',
      '  question: { type: text }',
      'outputs:',
      '  answer: { type: text }',
      'nodes:',
      '  - { id: context, type: input, config: { name: context } }',
      '  - { id: question, type: input, config: { name: question } }',
      '  - id: ask',
      '    type: prompt',
      '    config: {}',
      '    variants:',
      "      - { name: short, config: { template: '{{ context }} {{ question }}' } }",
      "      - { name: long, config: { template: 'Once upon a time, {{ context }} {{ question }}' } }",
      '    defaultVariant: short',
      '  - { id: write, type: llm, config: { maxTokens: 10, temperature: 0 } }',
      '  - { id: answer, type: output, config: { name: answer } }',
      'edges:',
      '  - { from: context.value, to: ask.context }',
      '  - { from: question.value, to: ask.question }',
      '  - { from: ask.prompt, to: write.prompt }',
      '  - { from: write.text, to: answer.value }',
      '',
    ].join('\n'),
  );
  data = join(dir, 'qa.jsonl');
  writeFileSync(
    data,
    [
      { context: 'Lily had a red ball. She played in the park.', question: 'What did Lily have?' },
      { context: 'Tom saw a big dog. The dog was happy.', question: 'What did Tom see?' },
      { context: 'Sue baked a cake for her mom.', question: 'Who baked a cake?' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const evaluate = (...extra: string[]) =>
  groundwork(
    [
      'eval',
      flow,
      '--data',
      data,
      '--db',
      db,
      '--model',
      STORIES_260K,
      '--device',
      'cpu',
      '--variants',
      'ask=short,long',
      ...extra,
    ],
    { env: plainEnv() },
  );

const count = (table: string) => {
  const handle = openDatabase(db);
  try {
    return (handle.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    handle.close();
  }
};

describe('groundwork eval', () => {
  it('--json prints the evaluation, its summary per combination and the comparison with the first', async () => {
    const { code, stdout, stderr } = await evaluate('--json', '--seed', '3');
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.evaluation).toMatchObject({
      status: 'succeeded',
      flowName: 'qa',
      flowVersion: 1,
      progress: { total: 6, done: 6, failed: 0 },
      metrics: ['groundedness', 'relevance', 'latency', 'tokens_in', 'tokens_out'],
    });
    expect(result.summary.combinations.map((combination: { key: string }) => combination.key)).toEqual([
      'ask=short',
      'ask=long',
    ]);
    for (const combination of result.summary.combinations) {
      const { mean, low, high, n } = combination.metrics.groundedness;
      expect(n).toBe(3);
      expect(mean).toBeGreaterThanOrEqual(0);
      expect(mean).toBeLessThanOrEqual(1);
      expect(low).toBeLessThanOrEqual(mean);
      expect(high).toBeGreaterThanOrEqual(mean);
    }
    expect(result.comparisons.map((comparison: { metric: string }) => comparison.metric)).toEqual(
      result.evaluation.metrics,
    );
    for (const comparison of result.comparisons) {
      expect(comparison.a.key).toBe('ask=short');
      expect(comparison.b.key).toBe('ask=long');
      expect(comparison.better + comparison.worse + comparison.equal).toBe(3);
      expect(comparison.difference.mean).toBeCloseTo(comparison.b.mean - comparison.a.mean, 9);
    }
    // The last progress line on stderr (not a terminal: plain lines).
    expect(stderr).toMatch(/6\/6 items \(6 done, 0 failed\)/);
  }, 120_000);

  it('prints a table per metric and combination, reusing the stored flow version and dataset', async () => {
    const { code, stdout, stderr } = await evaluate();
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Evaluation evl_\S+ "qa v1 on qa": succeeded, 6 items \(6 done, 0 failed\)/);
    expect(stdout).toMatch(/metric\s+ask=short\s+ask=long/);
    expect(stdout).toMatch(/groundedness\s+\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]\s+\d\.\d{3} \[/);
    expect(stdout).toMatch(/latency\s+\d+ ms \[\d+ ms, \d+ ms\]/);
    expect(stdout).toContain('Compared with ask=short');
    expect(stdout).toMatch(/ask=long\s+groundedness \(higher is better\)\s+[+-]\d\.\d{3} \[/);
    expect(count('datasets')).toBe(1);
    expect(count('flow_versions')).toBe(1);
    expect(count('evaluations')).toBe(2);
  }, 120_000);

  it('refuses an unknown variant, naming the ones there are, and stores no evaluation', async () => {
    const { code, stderr } = await groundwork(
      ['eval', flow, '--data', data, '--db', db, '--device', 'cpu', '--variants', 'ask=short,medium'],
      { env: plainEnv() },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--variants ask: node "ask" has no variant "medium" (variants: short, long)');
    expect(count('evaluations')).toBe(2);
  });

  it('says there is nothing to resume for an evaluation that is done', async () => {
    const handle = openDatabase(db);
    const { id } = handle.prepare('SELECT id FROM evaluations LIMIT 1').get() as { id: string };
    handle.close();
    const { code, stderr } = await groundwork(['eval', '--resume', id, '--db', db, '--device', 'cpu'], {
      env: plainEnv(),
    });
    expect(code).toBe(1);
    expect(stderr).toContain('nothing to resume');
  });
});
