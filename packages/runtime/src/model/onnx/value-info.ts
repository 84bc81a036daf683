/**
 * An ONNX ValueInfoProto (as onnx-proto's fromObject takes it) for a tensor of element type `elemType`: each
 * dimension a number (fixed) or a name (symbolic). Shared by the engine's small helper graphs.
 */
export function tensorValueInfo(name: string, elemType: number, dims: readonly (string | number)[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}
