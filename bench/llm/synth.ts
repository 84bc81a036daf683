// Writes a synthetic model folder for the LLM benchmark through the runtime (what `groundwork models synth` does),
// so the GPU machine needs only the runtime's production dependencies, not the server's.
// Usage: node --conditions=source --import tsx bench/llm/synth.ts SHAPE plain|fused fp16|fp32 OUT_DIR [FORM...]
// FORMs of the fused graph, for bench/llm/step-probe.ts: rotary-in-attention, packed-qkv, int4.
import { type FusedGraphOptions, type SynthGraph, synthesizeModel, type WeightDtype } from '@groundwork/runtime/models';

const [shape, graph, dtype, out, ...forms] = process.argv.slice(2);
const fused: FusedGraphOptions = {
  ...(forms.includes('rotary-in-attention') ? { rotary: 'attention' } : {}),
  ...(forms.includes('packed-qkv') ? { packedQkv: true } : {}),
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
