// Right-padded batches (graphs built as onnxruntime-genai builds them: rotary inside GroupQueryAttention, seqlens_k
// counted from the mask) on a chosen execution provider, as a plain script for the GPU machine: synthesizes a model
// in that form, then checks that prompts of several lengths (one token among them) give through the engine the
// same greedy text batched together, and joining a running batch, as each alone — what
// packages/runtime/src/model/synth/synthesize.test.ts checks on the CPU.
// The split form (RotaryEmbedding nodes, left-padded rows) can be checked the same way, for comparison.
// Usage: [FORMS=genai,unpacked,split] node tests/gpu/padding-check.mjs SHAPE [webgpu|cpu] [OUT.json]   (after `tsc -b`)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxEngine, synthesizeModel } from '@groundwork/runtime/models';

const [shape = 'tiny', device = 'webgpu', outPath] = process.argv.slice(2);
const root = mkdtempSync(join(tmpdir(), 'groundwork-padding-check-'));
const checks = [];
const check = (name, pass, detail = {}) => {
  checks.push({ name, pass, ...detail });
  console.log(`${pass ? 'PASS' : 'FAIL'} ${name}${pass ? '' : ` ${JSON.stringify(detail)}`}`);
};
/**
 * How far two greedy texts agree, in tokens from the start. On the CPU batched rows equal their runs alone exactly;
 * on a GPU in fp16, padding changes the length attention reduces over (and a prompt of a mixed-length batch goes in
 * as all-but-last tokens plus a step), which rounds differently in the last bits, and a random-weight model's
 * near-ties then flip a token now and then. A wrong position or mask shows in the first tokens; so a row passes
 * when it agrees for MIN_AGREE tokens (STRICT=1: all of them), and the exact count is reported.
 */
const MIN_AGREE = process.env.STRICT === '1' ? Number.POSITIVE_INFINITY : 8;
const agreeing = (a, b) => {
  const [x, y] = [a.trim().split(' '), b.trim().split(' ')];
  let n = 0;
  while (n < x.length && x[n] === y[n]) n++;
  return n === x.length && x.length === y.length ? Number.POSITIVE_INFINITY : n;
};
const compare = (name, alone, got) => {
  const agree = got.map((text, i) => agreeing(alone[i], text));
  const exact = agree.filter((n) => n === Number.POSITIVE_INFINITY).length;
  check(
    `${name} (${exact}/${got.length} rows exact)`,
    agree.every((n) => n >= MIN_AGREE),
    {
      differ: got.flatMap((text, i) =>
        text === alone[i] ? [] : [{ row: i, agreeFor: agree[i], alone: alone[i], got: text }],
      ),
    },
  );
};
const words = (count, seed) =>
  Array.from({ length: count }, (_, i) => `t${1 + ((seed * 131 + i * 17) % 500)}`).join(' ');
const prompts = [words(3, 1), words(40, 2), words(1, 3), words(7, 4), words(64, 5), words(12, 6)];
const engine = new OnnxEngine({ device, searchPaths: [] });
try {
  const forms = { genai: {}, unpacked: { packedQkv: false }, split: { rotary: 'nodes' } };
  for (const name of (process.env.FORMS ?? 'genai,unpacked').split(',')) {
    const form = forms[name];
    const folder = synthesizeModel({ shape, graph: 'fused', dtype: 'fp16', out: join(root, name), fused: form }).path;
    const model = await engine.get(folder);
    check(`${name}: opens on ${device}`, model.info.provider === device, { provider: model.info.provider });
    const alone = [];
    for (const prompt of prompts) alone.push((await model.generate({ prompt, maxTokens: 24 })).text);
    check(
      `${name}: greedy text is not one token repeated`,
      alone.every((text) => new Set(text.split(' ')).size > 3),
    );
    const together = await Promise.all(prompts.map((prompt) => model.generate({ prompt, maxTokens: 24 })));
    const batched = together.map((result) => result.text);
    compare(`${name}: ${prompts.length} prompts of lengths 1-64 batched = alone`, alone, batched);
    // The same prompt six times: no padding at all, only the batch size differs from alone.
    const copies = await Promise.all(prompts.map(() => model.generate({ prompt: prompts[4], maxTokens: 24 })));
    compare(
      `${name}: the 64-token prompt six times at once (no padding) = alone`,
      copies.map(() => alone[4]),
      copies.map((result) => result.text),
    );
    let joined;
    let seen = 0;
    const [long, short] = await Promise.all([
      model.generate(
        { prompt: prompts[1], maxTokens: 24 },
        {
          onText: () => {
            if (++seen === 5) joined = model.generate({ prompt: prompts[3], maxTokens: 24 });
          },
        },
      ),
      model.generate({ prompt: prompts[2], maxTokens: 24 }),
    ]);
    const late = await joined;
    compare(
      `${name}: a request joining a running batch, and the running rows, = alone`,
      [alone[3], alone[1], alone[2]],
      [late?.text ?? '', long.text, short.text],
    );
  }
} finally {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
}
if (outPath) writeFileSync(outPath, JSON.stringify({ shape, device, checks }, null, 2));
const failed = checks.filter((entry) => !entry.pass).length;
console.log(`${checks.length - failed}/${checks.length} passed`);
process.exit(failed ? 1 : 0);
