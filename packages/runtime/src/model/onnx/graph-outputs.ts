import { ModelLoadError } from './model-load-error.js';
import { FileReader } from './onnx-file.js';

/**
 * The names of a graph's outputs, read from the ONNX file without loading it: the protobuf is walked field by
 * field and everything else (weights above all) is skipped by its length, so a multi-gigabyte file costs a few
 * kilobytes of reads. The WebGPU provider needs these names before the session exists, to keep the KV cache on
 * the GPU while logits come back to the CPU.
 *
 * ModelProto.graph is field 7; GraphProto.output is field 12 (ValueInfoProto, whose name is field 1).
 */
export function readGraphOutputNames(onnxPath: string): string[] {
  const file = new FileReader(onnxPath);
  try {
    const graph = file.findField(0, file.size, 7);
    if (!graph) throw new ModelLoadError('bad-onnx', `${onnxPath}: no graph in the file`);
    const names: string[] = [];
    for (let at = graph.start; at < graph.end; ) {
      const field = file.field(at);
      if (field.number === 12 && field.wireType === 2) {
        const name = file.findField(field.start, field.end, 1);
        if (name) names.push(file.text(name.start, name.end));
      }
      at = field.end;
    }
    return names;
  } finally {
    file.close();
  }
}

/**
 * The declared shape of a graph output, read the same way: each dimension's value, or undefined where it is symbolic
 * or unknown; undefined when there is no such output or it declares no shape. ValueInfoProto: name 1, type 2;
 * TypeProto.tensor_type 1; TypeProto.Tensor.shape 2; TensorShapeProto.dim 1; Dimension.dim_value 1.
 */
export function readOutputShape(onnxPath: string, output: string): (number | undefined)[] | undefined {
  const file = new FileReader(onnxPath);
  try {
    const graph = file.findField(0, file.size, 7);
    if (!graph) return undefined;
    for (let at = graph.start; at < graph.end; ) {
      const field = file.field(at);
      at = field.end;
      if (field.number !== 12 || field.wireType !== 2) continue;
      const name = file.findField(field.start, field.end, 1);
      if (!name || file.text(name.start, name.end) !== output) continue;
      const type = file.findField(field.start, field.end, 2);
      const tensor = type && file.findField(type.start, type.end, 1);
      const shape = tensor && file.findField(tensor.start, tensor.end, 2);
      if (!shape) return undefined;
      const dims: (number | undefined)[] = [];
      for (let inner = shape.start; inner < shape.end; ) {
        const dim = file.field(inner);
        inner = dim.end;
        if (dim.number !== 1 || dim.wireType !== 2) continue;
        const value = file.fieldsIn(dim.start, dim.end).find((entry) => entry.number === 1 && entry.wireType === 0);
        dims.push(value ? file.varintValue(value.start) : undefined);
      }
      return dims;
    }
    return undefined;
  } finally {
    file.close();
  }
}

/**
 * The version of the default ("ai.onnx") operator set a graph imports, read the same way (ModelProto.opset_import is
 * field 8; OperatorSetIdProto's domain is field 1, its version field 2); undefined when the file names none.
 */
export function readDefaultOpset(onnxPath: string): number | undefined {
  const file = new FileReader(onnxPath);
  try {
    for (let at = 0; at < file.size; ) {
      const field = file.field(at);
      at = field.end;
      if (field.number !== 8 || field.wireType !== 2) continue;
      const domainField = file.findField(field.start, field.end, 1);
      const domain = domainField ? file.text(domainField.start, domainField.end) : '';
      if (domain !== '' && domain !== 'ai.onnx') continue;
      for (let inner = field.start; inner < field.end; ) {
        const entry = file.field(inner);
        if (entry.number === 2 && entry.wireType === 0) return file.varintValue(entry.start);
        inner = entry.end;
      }
    }
    return undefined;
  } finally {
    file.close();
  }
}
