#!/usr/bin/env bash
# Where a decode step's time goes, on the GPU machine (docs/benchmarks.md, "dispatch overhead"): synthesizes the
# qwen2.5-0.5b shape (fp16) in four fused forms — split (RotaryEmbedding nodes + attention_bias, the engine's form
# until the engine padded rows on the right), rotary inside GroupQueryAttention, that with packed QKV (genai's form,
# the default now), and that with int4 MatMulNBits weights — and runs
# bench/llm/step-probe.ts over them with the WebGPU provider's defaults, with validation disabled, and asking for
# graph capture. Results in $OUT/probe-*.json; an ONNX Runtime profile summary of the split form in the output.
# Usage (carry .device, packed as for gpu.sh): bash bench/llm/probe.sh
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source bench/llm/device-env.sh
out=${OUT:?OUT must name the folder for the results}
scratch=${SCRATCH:-/tmp/groundwork-probe-models}
node=(node --conditions=source --import tsx)
declare -A forms=([split]="split" [rotary]="unpacked" [packed]="" [int4]="int4")
folders=()
for name in split rotary packed int4; do
  model=$scratch/$name
  if [[ ! -f $model/.complete ]]; then
    rm -rf "$model"
    # shellcheck disable=SC2086 # the forms are a list
    "${node[@]}" bench/llm/synth.ts qwen2.5-0.5b fused fp16 "$model" ${forms[$name]} 2>&1 | tail -n 1
    touch "$model/.complete"
  fi
  folders+=("$model")
done
probe=("${node[@]}" bench/llm/step-probe.ts --batches "${BATCHES:-1,8,32}" --steps 32 --prompt 128)
"${probe[@]}" --profile "$out/profile" --out "$out/probe-default.json" "${folders[@]}"
rm -rf "$out/profile"
[[ -n ${QUICK:-} ]] && exit 0
"${probe[@]}" --validation disabled --out "$out/probe-novalidation.json" "${folders[@]}"
"${probe[@]}" --graph-capture --out "$out/probe-capture.json" "${folders[0]}" "${folders[1]}"
