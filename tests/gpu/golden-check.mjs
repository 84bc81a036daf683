// The golden tests of stories260K on a chosen execution provider, as a plain script for the GPU machine (which has
// the built runtime and its production dependencies, but no test runner). Checks the same things as
// packages/runtime/src/model/onnx/*.test.ts: greedy ids exactly at batch 1 and 2 (decoder level), the golden
// text through the engine's worker alone, batched and concurrent, and a seeded sampled run that repeats.
// Usage: node tests/gpu/golden-check.mjs MODEL_FOLDER [webgpu|cpu] [OUT.json]   (after `tsc -b`)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectModelFolder, OnnxEngine } from '@groundwork/runtime/models';
import { DecodeScheduler } from '../../packages/runtime/dist/model/onnx/decode-scheduler.js';
import { OnnxBatchModel } from '../../packages/runtime/dist/model/onnx/onnx-batch-model.js';
import { openSession } from '../../packages/runtime/dist/model/onnx/providers.js';
import { readSessionSpec } from '../../packages/runtime/dist/model/onnx/session-spec.js';

const [folderPath, device = 'webgpu', outPath] = process.argv.slice(2);
if (!folderPath) {
  console.error('usage: node tests/gpu/golden-check.mjs MODEL_FOLDER [webgpu|cpu] [OUT.json]');
  process.exit(2);
}
const golden = JSON.parse(readFileSync(join(folderPath, 'golden.json'), 'utf8'));
const goldenText = (entry) =>
  entry.greedy_text_pieces_joined.replace(/<0x([0-9A-F]{2})>/g, (_, hex) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
const checks = [];
const check = (name, pass, detail = {}) => {
  checks.push({ name, pass, ...detail });
  console.log(`${pass ? 'PASS' : 'FAIL'} ${name}${pass ? '' : ` ${JSON.stringify(detail)}`}`);
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const folder = inspectModelFolder(folderPath, { device });
const { session, choice } = await openSession(folder.onnxPath, device);
check(`session opens on ${device}`, choice.provider === device, { choice });
const batchModel = await OnnxBatchModel.open(session, readSessionSpec(session, folder.architecture), {
  provider: choice.provider,
  padId: 0,
  vocabSize: 512,
});
const scheduler = new DecodeScheduler(batchModel, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });
const decoder = { run: (rows) => Promise.all(rows.map((r) => scheduler.submit(r))) };
const argmax = (logits) => {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
};
const row = (ids, maxTokens) => ({
  promptIds: ids,
  maxTokens,
  eosIds: new Set([2]),
  pick: argmax,
  accept: () => false,
  cancelled: () => false,
});
for (const entry of golden) {
  const [outcome] = await decoder.run([row(entry.prompt_ids, 48)]);
  check(`greedy ids, batch 1: "${entry.prompt}"`, same(outcome.tokens, entry.greedy_ids), { got: outcome.tokens });
}
const batch = await decoder.run(golden.map((entry) => row(entry.prompt_ids, 48)));
check(
  'greedy ids, both prompts in one left-padded batch',
  same(
    batch.map((o) => o.tokens),
    golden.map((e) => e.greedy_ids),
  ),
  {
    got: batch.map((o) => o.tokens),
  },
);
await batchModel.close();
await session.release();

// Greedy steps chained on the device: the decoder picks its own tokens (appended at load) and feeds them on.
const picked = await openSession(folder.onnxPath, device, {
  logitsOnDevice: true,
  greedyPick: { on: [device], vocab: 512 },
});
const chainModel = await OnnxBatchModel.open(picked.session, readSessionSpec(picked.session, folder.architecture), {
  provider: picked.choice.provider,
  padId: 0,
  vocabSize: 512,
  deviceLogits: true,
});
check('the decoder takes its greedy pick (chainable)', chainModel.chainable);
const chained = new DecodeScheduler(chainModel, { maxBatch: 8, joinWindowMs: 2, contextLength: 512, chainSteps: 8 });
const chainedRuns = await Promise.all(
  golden.map((entry) => chained.submit({ ...row(entry.prompt_ids, 48), greedy: true })),
);
check(
  'greedy ids, chained steps, both prompts together',
  same(
    chainedRuns.map((o) => o.tokens),
    golden.map((e) => e.greedy_ids),
  ),
  { got: chainedRuns.map((o) => o.tokens) },
);
await chainModel.close();
await picked.session.release();

const engine = new OnnxEngine({ device, defaultModel: folderPath, searchPaths: [] });
const model = await engine.get(undefined);
check(`engine loads on ${device}`, model.info.provider === device, { info: model.info });
for (const entry of golden) {
  const result = await model.generate({ prompt: entry.prompt, maxTokens: 48 });
  check(`golden text through the engine: "${entry.prompt}"`, result.text === goldenText(entry), { got: result.text });
}
const batched = await model.generateBatch(golden.map((entry) => ({ prompt: entry.prompt, maxTokens: 48 })));
check(
  'golden text, generateBatch',
  same(
    batched.map((r) => r.text),
    golden.map(goldenText),
  ),
);
const concurrent = await Promise.all(golden.map((entry) => model.generate({ prompt: entry.prompt, maxTokens: 48 })));
check(
  'golden text, concurrent calls',
  same(
    concurrent.map((r) => r.text),
    golden.map(goldenText),
  ),
);
const sampled = { prompt: 'Once upon a time', maxTokens: 40, temperature: 1, topP: 0.95, topK: 50, seed: 7 };
const [first, again] = [await model.generate(sampled), await model.generate(sampled)];
check('seeded sampling repeats', first.text === again.text, { first: first.text, again: again.text });
await engine.close();

const failed = checks.filter((c) => !c.pass).length;
const summary = { device, provider: model.info.provider, passed: checks.length - failed, failed, checks };
if (outPath) writeFileSync(outPath, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`${checks.length - failed}/${checks.length} checks passed on ${device}`);
process.exitCode = failed ? 1 : 0;
