/**
 * `groundwork groundedness`, run as the built command in a child process (build first: node_modules/.bin/tsc -b).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_260K } from '../../packages/runtime/src/testing/model-fixtures.js';
import { writeNliModel } from '../../packages/runtime/src/testing/nli-fixtures.js';
import { groundwork, ROOT, requireBuild } from './cli-process.js';

interface Line {
  id?: string | number;
  score: number;
  supported: boolean;
  rating: number;
  sentences: { text: string; start: number; end: number; score: number; supported: boolean; evidence: unknown[] }[];
}

const lines = (stdout: string): Line[] =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);

let dir: string;
const write = (name: string, rows: readonly (object | string)[]) => {
  const path = join(dir, name);
  writeFileSync(path, rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n'));
  return path;
};

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-groundedness-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = 'The Eiffel Tower is in Paris. It was designed by the company of Gustave Eiffel and completed in 1889.';

describe('groundwork groundedness', () => {
  it('writes one line per row, in order, with the id when the row has one', async () => {
    const data = write('small.jsonl', [
      { id: 'paris', context, answer: 'The Eiffel Tower is in Paris. It was completed in 1889.' },
      '',
      { context: [context], claim: 'The Eiffel Tower was completed in 1925.' },
      {
        id: 7,
        context: [{ id: 'p1', text: 'Bananas are yellow.' }],
        answer: 'Bananas are yellow.',
        question: 'Colour?',
      },
    ]);
    const { code, stdout, stderr } = await groundwork(['groundedness', '--data', data]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out.map((line) => line.id)).toEqual(['paris', undefined, 7]);
    expect(out.map((line) => line.supported)).toEqual([true, false, true]);
    expect(out[0]!.sentences.map((sentence) => sentence.text)).toEqual([
      'The Eiffel Tower is in Paris.',
      'It was completed in 1889.',
    ]);
    for (const line of out) {
      expect(line.score).toBeGreaterThanOrEqual(0);
      expect(line.score).toBeLessThanOrEqual(1);
      expect(line.rating).toBe(Math.min(5, Math.max(1, Math.round(1 + 4 * line.score))));
      expect(line.supported).toBe(line.score >= 0.5);
    }
    const strict = lines((await groundwork(['groundedness', '--data', data, '--threshold', '1'])).stdout);
    expect(strict.map((line) => line.score)).toEqual(out.map((line) => line.score));
    expect(strict.map((line) => line.supported)).toEqual(out.map((line) => line.score >= 1));
  });

  it('refuses a file with bad rows whole, naming every bad line, and writes nothing', async () => {
    const data = write('bad.jsonl', [
      { context, answer: 'Fine.' },
      { context },
      'not json',
      { answer: 'No context.' },
      { context: 5, answer: 'x' },
      { context, answer: 'x', id: { nested: true } },
    ]);
    const { code, stdout, stderr } = await groundwork(['groundedness', '--data', data]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      `${data}:2: no "answer" (or "claim")`,
      expect.stringMatching(new RegExp(`^${data}:3: not valid JSON`)),
      `${data}:4: no "context"`,
      `${data}:5: "context" must be text, a list of texts, or passages ({text})`,
      `${data}:6: "id" must be text or a number`,
      `groundwork: 5 bad lines in ${data}; nothing was scored`,
    ]);
  });

  it('says what is wrong with the command line', async () => {
    const data = write('one.jsonl', [{ context, answer: 'It is in Paris.' }]);
    const bleu = await groundwork(['groundedness', '--data', data, '--scorer', 'bleu']);
    expect(bleu).toMatchObject({ code: 2, stdout: '' });
    expect(bleu.stderr).toContain('--scorer: "bleu" is not one of default, llm, nli');
    const threshold = await groundwork(['groundedness', '--data', data, '--threshold', '2']);
    expect(threshold.code).toBe(2);
    expect(threshold.stderr).toContain('expected a number from 0 to 1');
    const noModel = await groundwork(['groundedness', '--data', data, '--scorer', 'llm']);
    expect(noModel).toMatchObject({ code: 2, stdout: '' });
    expect(noModel.stderr).toContain('the llm groundedness scorer needs a model');
    const missing = await groundwork(['groundedness', '--data', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });

  it('scores with an NLI model folder (a tiny classifier built in the test)', async () => {
    const model = writeNliModel({}, dir);
    const data = write('nli.jsonl', [
      { id: 'a', context: 'The cat sat on the mat. yes.', answer: 'The cat sat. The dog ran.' },
      { id: 'b', context: 'The dog ran in the park.', answer: 'The tower is tall.' },
    ]);
    const { code, stdout, stderr } = await groundwork([
      'groundedness',
      '--data',
      data,
      '--scorer',
      'nli',
      '--model',
      model,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out.map((line) => line.id)).toEqual(['a', 'b']);
    expect(out[0]!.sentences).toHaveLength(2);
    expect(out[0]!.score).toBe(Math.min(...out[0]!.sentences.map((sentence) => sentence.score)));
    expect(out.every((line) => line.supported === line.score >= 0.5)).toBe(true);
    const generative = await groundwork(['groundedness', '--data', data, '--scorer', 'nli', '--model', STORIES_260K]);
    expect(generative).toMatchObject({ code: 2, stdout: '' });
    expect(generative.stderr).toContain('not an NLI classifier');
  });

  it('judges with a local model (stories260K: the verdicts mean nothing, the lines have the shape)', async () => {
    const data = write('llm.jsonl', [{ id: 1, context: 'Lily smiled.', answer: 'Lily was happy.' }]);
    const args = ['groundedness', '--data', data, '--scorer', 'llm', '--model', STORIES_260K, '--device', 'cpu'];
    const { code, stdout, stderr } = await groundwork(args);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const [line] = lines(stdout) as (Line & { sentences: { rating: number | null }[] })[];
    expect(line).toMatchObject({ id: 1, sentences: [{ text: 'Lily was happy.' }] });
    expect(line!.sentences[0]!.rating === null || line!.sentences[0]!.rating! >= 1).toBe(true);
  });
});

describe('groundwork groundedness on the WiCE dev set (../shared/eval)', () => {
  it('scores every row with the default scorer, and supported claims score higher on average', async () => {
    const file = join(ROOT, '../shared/eval/wice-dev.jsonl');
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; label: number });
    const { code, stdout, stderr } = await groundwork(['groundedness', '--data', file]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(rows.length);
    expect(out.map((line) => line.id)).toEqual(rows.map((row) => row.id));
    for (const line of out) {
      expect(Object.keys(line).sort()).toEqual(['id', 'rating', 'score', 'sentences', 'supported']);
      expect(line.sentences.length).toBeGreaterThan(0);
    }
    const mean = (label: number) => {
      const scores = out.filter((_, index) => rows[index]!.label === label).map((line) => line.score);
      return scores.reduce((sum, score) => sum + score, 0) / scores.length;
    };
    expect(mean(1)).toBeGreaterThan(mean(0));
  });
});
