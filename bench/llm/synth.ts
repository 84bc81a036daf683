// Writes a synthetic model folder for the LLM benchmark through the runtime (what `groundwork models synth` does),
// so the GPU machine needs only the runtime's production dependencies, not the server's.
// Usage: node --conditions=source --import tsx bench/llm/synth.ts SHAPE plain|fused fp16|fp32 OUT_DIR [FORM...]
// FORMs of the fused graph (default: onnxruntime-genai's, rotary inside the attention and packed q, k, v):
// split (RotaryEmbedding nodes, separate q, k, v, padding masked by a bias), unpacked (rotary inside the attention,
// separate q, k, v), int4 (4-bit MatMulNBits projections).
import { type FusedGraphOptions, type SynthGraph, synthesizeModel, type WeightDtype } from '@groundwork/runtime/models';

const [shape, graph, dtype, out, ...forms] = process.argv.slice(2);
const known = ['split', 'unpacked', 'int4'];
const unknown = forms.filter((form) => !known.includes(form));
if (unknown.length > 0) {
  console.error(`unknown form ${unknown.join(', ')} (known: ${known.join(', ')})`);
  process.exit(2);
}
const fused: FusedGraphOptions = {
  ...(forms.includes('split') ? { rotary: 'nodes' } : {}),
  ...(forms.includes('unpacked') ? { packedQkv: false } : {}),
  ...(forms.includes('int4') ? { weights: 'int4' } : {}),
};
if (!shape || !graph || !dtype || !out) {
  console.error('usage: bench/llm/synth.ts SHAPE plain|fused fp16|fp32 OUT_DIR');
  process.exit(2);
}
const started = performance.now();
let reported = 0;
const model = synthesizeModel({
  shape,
  graph: graph as SynthGraph,
  dtype: dtype as WeightDtype,
  out,
  ...(forms.length > 0 ? { fused } : {}),
  onProgress: (written, total) => {
    const percent = Math.floor((100 * written) / total);
    if (percent >= reported + 10 || written === total) {
      reported = percent;
      process.stderr.write(`  ${percent}% of ${(total / 2 ** 20).toFixed(0)} MiB\n`);
    }
  },
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(
  `${shape} ${graph} ${dtype}: ${model.path} (${(model.parameters / 1e6).toFixed(0)}M parameters, ${seconds} s)`,
);
