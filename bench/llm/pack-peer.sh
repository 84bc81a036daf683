#!/usr/bin/env bash
# Adds to .device/ what the LLM benchmark needs on the GPU machine beyond the production dependencies that
# ../shared/device/pack.sh packs: transformers.js 4.3.1 (the peer, a devDependency of bench) with what it loads at
# run time, and tsx (the bench runs from its TypeScript sources there as here). Writes .device/peer.tar.xz, which
# bench/llm/gpu.sh unpacks after `source .device/setup.sh`.
#
# transformers.js's own dependencies: onnxruntime-node, onnxruntime-common, @huggingface/jinja and tokenizers are
# production dependencies of the runtime already; onnxruntime-web (144 MiB) is left out: its WebGPU bundle is built
# into transformers.node.mjs and Node never loads the package; sharp (imported at load time for images) comes with
# its linux-x64 libvips. Of esbuild (tsx's compiler) only the JavaScript API and the linux-x64 binary travel.
#
# Usage, from the project root after `bash ../shared/device/pack.sh packages/runtime bench`:
#   bash bench/llm/pack-peer.sh            (DEVICE_DIR=... packs beside another deps.txt, for a local check)
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
out=${DEVICE_DIR:-.device}
[[ -f $out/deps.txt ]] || { echo "run ../shared/device/pack.sh first (no $out/deps.txt)" >&2; exit 1; }

# Every installed package the two roots need, through dependencies and installed optional dependencies, minus
# what deps.txt already packs and the skipped onnxruntime-web; nested copies are found where Node would find them.
node --input-type=module - "$out/deps.txt" > "$out/peer.txt" <<'EOF'
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
const packed = new Set(readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean));
const skip = new Set(['onnxruntime-web']);
const found = new Set();
const visit = (name, from) => {
  if (skip.has(name)) return;
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      // A package pack.sh packs comes with its own dependencies, nested ones included.
      if (found.has(candidate) || packed.has(candidate)) return;
      found.add(candidate);
      const manifest = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'));
      for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
        visit(dependency, candidate);
      return;
    }
    if (dir === '.' || dir === dirname(dir)) return; // an optional dependency for another platform: not installed
  }
};
visit('@huggingface/transformers', '.');
visit('tsx', '.');
for (const path of [...found].sort()) console.log(path);
EOF
cat "$out/peer.txt"
tar -cf - --exclude='node_modules/esbuild/bin' --exclude='*.map' --exclude='*/transformers/types' \
  --exclude='*/transformers/src' --exclude='*/transformers/dist/*.min.*' --exclude='*/transformers/dist/*.cjs' \
  --exclude='*/transformers/dist/transformers.js' --exclude='*/transformers/dist/transformers.web.js' \
  -T "$out/peer.txt" | xz -T2 -6 > "$out/peer.tar.xz"
du -sh "$out/peer.tar.xz"
total=$(du -sm "$out" | cut -f1)
echo "packed $out/peer.tar.xz (.device/ is now ${total} MiB; what travels, tracked files included, must stay under 64 MiB)"
