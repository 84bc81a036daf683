import type { AnyNodeType } from './node-type.js';

/** The node types a flow may use. Registering a type name twice is an error, never a silent override. */
export class NodeTypeRegistry {
  private readonly types = new Map<string, AnyNodeType>();

  constructor(types: Iterable<AnyNodeType> = []) {
    for (const type of types) this.register(type);
  }

  register(type: AnyNodeType): this {
    if (this.types.has(type.type)) throw new Error(`node type "${type.type}" is already registered`);
    this.types.set(type.type, type);
    return this;
  }

  get(type: string): AnyNodeType | undefined {
    return this.types.get(type);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  list(): AnyNodeType[] {
    return [...this.types.values()];
  }

  names(): string[] {
    return [...this.types.keys()];
  }
}
