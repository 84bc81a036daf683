// The groundedness benchmark: the default (lexical) scorer against plain overlap baselines on the WiCE dev set
// (../shared/eval/wice-dev.jsonl: context, claim, label), all in one run. Reports ROC-AUC, balanced accuracy at the
// best threshold and at the scorer's default one, 5-fold cross-validated balanced accuracy, and time per row.
// Usage: npm run bench:groundedness [-- --data PATH]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentWords, defaultGroundednessScorer, LEXICAL_THRESHOLD } from '@groundwork/runtime/evaluators';
import { environment } from '../environment.js';
import { balancedAccuracy, bestThreshold, crossValidatedAccuracy, rocAuc } from './classification.js';

interface Row {
  id: string;
  context: string;
  claim: string;
  label: number;
}

interface Scorer {
  name: string;
  defaultThreshold?: number;
  score(row: Row): number;
}

const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** The baseline: the share of the claim's words (every word) found anywhere in the context. */
const tokenOverlap: Scorer = {
  name: 'token overlap (every word)',
  score(row) {
    const context = new Set(words(row.context));
    const claim = words(row.claim);
    return claim.length ? claim.filter((word) => context.has(word)).length / claim.length : 1;
  },
};

/** The same, counting only content words (no stop words), as the default scorer tokenises them. */
const contentOverlap: Scorer = {
  name: 'content-word overlap',
  score(row) {
    const context = new Set(words(row.context));
    const claim = contentWords(row.claim).map((word) => word.raw.toLowerCase());
    return claim.length ? claim.filter((word) => context.has(word)).length / claim.length : 1;
  },
};

const lexical = defaultGroundednessScorer();
const defaultScorer: Scorer = {
  name: 'groundwork default (lexical)',
  defaultThreshold: LEXICAL_THRESHOLD,
  score: (row) => lexical.scoreNow({ answer: row.claim, context: row.context }).score,
};

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const root = join(import.meta.dirname, '..', '..');
const data = dataAt >= 0 ? args[dataAt + 1]! : join(root, '..', 'shared', 'eval', 'wice-dev.jsonl');
const rows: Row[] = readFileSync(data, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Row);
const labels = rows.map((row) => row.label);

const env = environment(root);
const supported = labels.filter((label) => label === 1).length;
console.log(`Groundedness — ${env.date}, ${env.machine}, Node ${env.node}, commit ${env.commit}`);
console.log(`${data}: ${rows.length} rows, ${supported} supported, ${rows.length - supported} not\n`);
console.log(
  '| scorer | ROC-AUC | balanced accuracy (best threshold) | at default threshold | 5-fold CV balanced accuracy | ms/row |',
);
console.log('|---|---:|---:|---:|---:|---:|');
const percent = (value: number) => (100 * value).toFixed(1);
for (const scorer of [tokenOverlap, contentOverlap, defaultScorer]) {
  const started = performance.now();
  const scores = rows.map((row) => scorer.score(row));
  const perRow = (performance.now() - started) / rows.length;
  const best = bestThreshold(scores, labels);
  const atDefault =
    scorer.defaultThreshold === undefined
      ? '—'
      : `${percent(balancedAccuracy(scores, labels, scorer.defaultThreshold))} (${scorer.defaultThreshold})`;
  console.log(
    `| ${scorer.name} | ${rocAuc(scores, labels).toFixed(3)} | ${percent(best.balancedAccuracy)} (≥ ${best.threshold.toFixed(3)}) | ${atDefault} | ${percent(crossValidatedAccuracy(scores, labels))} | ${perRow.toFixed(2)} |`,
  );
}
