// Writes a synthetic model folder for the LLM benchmark through the runtime (what `groundwork models synth` does),
// so the GPU machine needs only the runtime's production dependencies, not the server's.
// Usage: node --conditions=source --import tsx bench/llm/synth.ts SHAPE plain|fused fp16|fp32 OUT_DIR
import { type SynthGraph, synthesizeModel, type WeightDtype } from '@groundwork/runtime/models';

const [shape, graph, dtype, out] = process.argv.slice(2);
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
