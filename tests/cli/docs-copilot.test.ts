/**
 * The docs-copilot example end to end, as the README runs it: a collection built from this repository's own docs/
 * and README, then the flow (retrieve → prompt citing passages → llm → groundedness) on the real stories260K model,
 * in child processes. stories260K has a 512-token window, so the collection uses small chunks and the run picks
 * the example's `brief` prompt variant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryTerms } from '@groundwork/runtime/retrieval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_260K } from '../../packages/runtime/src/testing/model-fixtures.js';
import { groundwork, plainEnv, ROOT, requireBuild } from './cli-process.js';

let dir: string;
let db: string;

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-docs-copilot-'));
  db = join(dir, 'groundwork.db');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/docs-copilot.flow.yaml', () => {
  it('answers from passages retrieved from the docs collection and scores the answer against them', async () => {
    const env = { env: plainEnv(), cwd: ROOT };
    const created = await groundwork(['collections', 'create', 'docs', '--chunk-size', '150', '--db', db], env);
    expect(created.code, created.stderr).toBe(0);
    const added = await groundwork(['collections', 'add', 'docs', 'docs', 'README.md', '--db', db], env);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/added\s+README\.md/);

    const question = 'How do I resume an evaluation after a crash?';
    const run = await groundwork(
      [
        'run',
        'examples/docs-copilot.flow.yaml',
        '--db',
        db,
        '--model',
        STORIES_260K,
        '--device',
        'cpu',
        '--variant',
        'ask=brief',
        '--input',
        `question=${question}`,
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const outputs = JSON.parse(run.stdout) as {
      answer: string;
      passages: { id: string; text: string; source: string; score: number; collection: string }[];
      groundedness: number;
      verdict: { score: number; sentences: { evidence: { passageId?: string }[] }[] };
    };
    // Three passages from the docs collection, best first, each holding a word of the question.
    expect(outputs.passages).toHaveLength(3);
    const terms = queryTerms(question);
    for (const passage of outputs.passages) {
      expect(passage.collection).toBe('docs');
      expect(passage.id).toMatch(/^chk_/);
      expect(terms.some((term) => passage.text.toLowerCase().includes(term.slice(0, 5)))).toBe(true);
    }
    const scores = outputs.passages.map((passage) => passage.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(outputs.passages.map((passage) => passage.text).join(' ')).toMatch(/resum/i);
    // The answer was scored against those passages: any evidence names one of them.
    expect(outputs.answer.length).toBeGreaterThan(0);
    expect(outputs.groundedness).toBe(outputs.verdict.score);
    expect(outputs.groundedness).toBeGreaterThanOrEqual(0);
    expect(outputs.groundedness).toBeLessThanOrEqual(1);
    const ids = new Set(outputs.passages.map((passage) => passage.id));
    for (const sentence of outputs.verdict.sentences)
      for (const evidence of sentence.evidence) expect(ids.has(evidence.passageId!)).toBe(true);
  }, 120_000);
});
