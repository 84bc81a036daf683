# Sourced from the project root on the GPU machine (bench/llm/gpu.sh, probe.sh, or a command of one's own): sets up
# Node and the Vulkan libraries (.device/setup.sh) and unpacks the bench's own dependencies (tsx, transformers.js:
# .device/peer.tar.xz from bench/llm/pack-peer.sh) unless the same archive was unpacked already.
source .device/setup.sh
if [[ -f .device/peer.tar.xz && "$(cat node_modules/.peer-unpacked 2>/dev/null)" != "$(cksum < .device/peer.tar.xz)" ]]; then
  xz -dc .device/peer.tar.xz | tar -xf - && cksum < .device/peer.tar.xz > node_modules/.peer-unpacked
fi
