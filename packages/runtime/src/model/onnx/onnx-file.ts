import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ModelLoadError } from './model-load-error.js';

/**
 * Reads protobuf fields of an ONNX file where they lie, without loading the file: a field is its number, wire type
 * and where its content starts and ends, so a reader can walk a message and skip what it does not need (weights
 * above all) by its length.
 */
export interface Field {
  number: number;
  wireType: number;
  /** Where the field's content starts and ends (for length-delimited fields, the bytes after the length). */
  start: number;
  end: number;
}

export class FileReader {
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
    return this.bytes(start, end).toString('utf8');
  }

  bytes(start: number, end: number): Buffer {
    const buffer = Buffer.alloc(end - start);
    readSync(this.fd, buffer, 0, buffer.length, start);
    return buffer;
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
