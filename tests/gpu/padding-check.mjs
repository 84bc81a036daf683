// Right-padded batches (graphs built as onnxruntime-genai builds them: rotary inside GroupQueryAttention, seqlens_k
// counted from the mask) on a chosen execution provider, as a plain script for the GPU machine: synthesizes a model
// in that form, then checks that prompts of several lengths (one token among them) give through the engine the
// same greedy text batched together, and joining a running batch, as each alone — what
// packages/runtime/src/model/synth/synthesize.test.ts checks on the CPU.
// Usage: node tests/gpu/padding-check.mjs SHAPE [webgpu|cpu] [OUT.json]   (after `tsc -b`)
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
const words = (count, seed) =>
  Array.from({ length: count }, (_, i) => `t${1 + ((seed * 131 + i * 17) % 500)}`).join(' ');
const prompts = [words(3, 1), words(40, 2), words(1, 3), words(7, 4), words(64, 5), words(12, 6)];
const engine = new OnnxEngine({ device, searchPaths: [] });
try {
  for (const form of [{}, { packedQkv: false }]) {
    const name = form.packedQkv === false ? 'unpacked' : 'genai';
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
    check(
      `${name}: ${prompts.length} prompts of lengths 1-64 batched = alone`,
      batched.every((t, i) => t === alone[i]),
      {
        differ: batched.flatMap((text, i) => (text === alone[i] ? [] : [{ i, alone: alone[i], batched: text }])),
      },
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
    check(`${name}: a request joining a running batch = alone`, late?.text === alone[3], { got: late?.text });
    check(`${name}: the running rows = alone`, long.text === alone[1] && short.text === alone[2], {
      long: long.text,
      short: short.text,
    });
  }
} finally {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
}
if (outPath) writeFileSync(outPath, JSON.stringify({ shape, device, checks }, null, 2));
const failed = checks.filter((entry) => !entry.pass).length;
console.log(`${checks.length - failed}/${checks.length} passed`);
process.exit(failed ? 1 : 0);
