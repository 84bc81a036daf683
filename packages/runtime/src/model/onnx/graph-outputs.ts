import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ModelLoadError } from './model-load-error.js';

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

interface Field {
  number: number;
  wireType: number;
  /** Where the field's content starts and ends (for length-delimited fields, the bytes after the length). */
  start: number;
  end: number;
}

class FileReader {
  readonly size: number;
  private readonly fd: number;
  private readonly scratch = Buffer.alloc(20);

  constructor(private readonly path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      throw new ModelLoadError(
        'bad-onnx',
        `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  fieldsIn(start: number, end: number): Field[] {
    const fields: Field[] = [];
    for (let at = start; at < end; ) {
      const field = this.field(at);
      fields.push(field);
      at = field.end;
    }
    return fields;
  }

  findField(start: number, end: number, number: number): Field | undefined {
    for (let at = start; at < end; ) {
      const field = this.field(at);
      if (field.number === number && field.wireType === 2) return field;
      at = field.end;
    }
    return undefined;
  }

  field(at: number): Field {
    const [tag, afterTag] = this.varint(at);
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    switch (wireType) {
      case 0:
        return { number, wireType, start: afterTag, end: this.varint(afterTag)[1] };
      case 1:
        return { number, wireType, start: afterTag, end: afterTag + 8 };
      case 2: {
        const [length, start] = this.varint(afterTag);
        if (start + length > this.size) throw this.damaged(at);
        return { number, wireType, start, end: start + length };
      }
      case 5:
        return { number, wireType, start: afterTag, end: afterTag + 4 };
      default:
        throw this.damaged(at);
    }
  }

  text(start: number, end: number): string {
    const buffer = Buffer.alloc(end - start);
    readSync(this.fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  }

  /** The value of the varint at `at`. */
  varintValue(at: number): number {
    return this.varint(at)[0];
  }

  /** A varint at `at`: its value and the offset after it. */
  private varint(at: number): [number, number] {
    const read = readSync(this.fd, this.scratch, 0, 10, at);
    let value = 0;
    for (let i = 0; i < read; i++) {
      const byte = this.scratch[i]!;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return [value, at + i + 1];
    }
    throw this.damaged(at);
  }

  private damaged(at: number): ModelLoadError {
    return new ModelLoadError('bad-onnx', `${this.path}: not a well-formed ONNX file (at byte ${at})`);
  }
}
