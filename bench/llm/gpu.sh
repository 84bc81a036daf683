#!/usr/bin/env bash
# The LLM benchmark on the GPU machine (see docs/benchmarks.md and ../shared/device/README.md). Run from the project
# root there, with .device/ carried (packed here by ../shared/device/pack.sh packages/runtime bench, then
# bench/llm/pack-peer.sh). Synthesizes the qwen2.5-0.5b shape (fp16) in each graph form into a scratch folder, runs
# every row of bench/llm on each with the WebGPU provider (transformers.js beside it), and writes the results to
# $OUT: llm-<graph>-<device>.json (the figures) and .md (the table); progress goes to the output. A run that fails
# is reported and the next one still runs.
# Usage: bash bench/llm/gpu.sh [GRAPH:DEVICE ...]   default: fused:webgpu plain:webgpu
#        (e.g. `bash bench/llm/gpu.sh plain:cpu` for the CPU provider on 16 cores). GRAPH is plain, fused (in
#        onnxruntime-genai's form) or fused-FORM[+FORM] with bench/llm/synth.ts's forms (fused-split, fused-int4).
# Environment: SHAPE (default qwen2.5-0.5b), DTYPE (fp16), BENCH_ARGS (more options for main.ts, such as
# "--repeats 5 --batches 1,8,32,64"), BENCH_COMMIT (the commit to record: the checkout there has no .git).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source bench/llm/device-env.sh
out=${OUT:?OUT must name the folder for the results}
shape=${SHAPE:-qwen2.5-0.5b}
dtype=${DTYPE:-fp16}
scratch=${SCRATCH:-/tmp/groundwork-llm-models}
runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(fused:webgpu plain:webgpu)
node=(node --conditions=source --import tsx)

for run in "${runs[@]}"; do
  graph=${run%%:*}
  device=${run##*:}
  forms=()
  [[ $graph == *-* ]] && IFS=+ read -r -a forms <<< "${graph#*-}"
  model=$scratch/$shape-$graph-$dtype
  if [[ ! -f $model/.complete ]]; then
    rm -rf "$model"
    "${node[@]}" bench/llm/synth.ts "$shape" "${graph%%-*}" "$dtype" "$model" "${forms[@]}" 2>&1 | tail -n 1
    touch "$model/.complete"
  fi
  name=llm-$graph-$device
  echo "== $shape $graph $dtype on $device"
  # shellcheck disable=SC2086 # BENCH_ARGS is a list of options
  if ! "${node[@]}" bench/llm/main.ts --model "$model" --device "$device" --out "$out/$name.json" ${BENCH_ARGS:-} \
    | tee "$out/$name.md"; then
    echo "== $name failed (see above)"
  fi
done
