/**
 * Port types: the grammar, the connection check and the run-time value check.
 *
 * Grammar (as written in flow files):  text | number | boolean | json | messages | passages | any
 *                                      list<T>   and unions  A | B
 * The connection rules live here, once, so the editor, the server and the engine agree; they are documented in
 * docs/decisions/0002-port-types-and-connections.md.
 */

export type PrimitivePortKind = 'text' | 'number' | 'boolean' | 'json' | 'messages' | 'passages' | 'any';

export type PortType =
  | { readonly kind: PrimitivePortKind }
  | { readonly kind: 'list'; readonly item: PortType }
  | { readonly kind: 'union'; readonly options: readonly PortType[] };

export const PRIMITIVE_PORT_KINDS: readonly PrimitivePortKind[] = [
  'text',
  'number',
  'boolean',
  'json',
  'messages',
  'passages',
  'any',
];

export class PortTypeError extends Error {
  override name = 'PortTypeError';
}

const primitiveCache = new Map<PrimitivePortKind, PortType>(PRIMITIVE_PORT_KINDS.map((kind) => [kind, { kind }]));

export function primitive(kind: PrimitivePortKind): PortType {
  return primitiveCache.get(kind)!;
}

export function listOf(item: PortType): PortType {
  return { kind: 'list', item };
}

const parseCache = new Map<string, PortType>();

/** Parses a port type written in the flow-file grammar; throws PortTypeError naming what is wrong. */
export function parsePortType(source: string): PortType {
  const cached = parseCache.get(source);
  if (cached) return cached;
  const parser = new TypeParser(source);
  const type = parser.parseUnion();
  parser.expectEnd();
  if (parseCache.size > 1000) parseCache.clear();
  parseCache.set(source, type);
  return type;
}

export function formatPortType(type: PortType): string {
  switch (type.kind) {
    case 'list':
      return `list<${formatPortType(type.item)}>`;
    case 'union':
      return type.options.map(formatPortType).join(' | ');
    default:
      return type.kind;
  }
}

export function samePortType(a: PortType, b: PortType): boolean {
  return formatPortType(a) === formatPortType(b);
}

class TypeParser {
  private position = 0;
  constructor(private readonly source: string) {}

  parseUnion(): PortType {
    const options = [this.parseSingle()];
    while (this.peek() === '|') {
      this.position++;
      options.push(this.parseSingle());
    }
    return options.length === 1 ? options[0]! : { kind: 'union', options };
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.position < this.source.length) {
      throw new PortTypeError(
        `unexpected "${this.source.slice(this.position)}" in port type "${this.source}"; expected one of ${PRIMITIVE_PORT_KINDS.join(', ')}, list<T> or A | B`,
      );
    }
  }

  private parseSingle(): PortType {
    this.skipSpace();
    const match = /^[A-Za-z]+/.exec(this.source.slice(this.position));
    const word = match?.[0] ?? '';
    this.position += word.length;
    if (word === 'list') {
      if (this.peek() !== '<')
        throw new PortTypeError(`port type "${this.source}": list needs an item type, as in list<text>`);
      this.position++;
      const item = this.parseUnion();
      if (this.peek() !== '>') throw new PortTypeError(`port type "${this.source}": missing ">" after list<...`);
      this.position++;
      return listOf(item);
    }
    if ((PRIMITIVE_PORT_KINDS as readonly string[]).includes(word)) return primitive(word as PrimitivePortKind);
    const found = word || this.source.slice(this.position, this.position + 1) || 'nothing';
    if ((PRIMITIVE_PORT_KINDS as readonly string[]).includes(word.toLowerCase()) || word.toLowerCase() === 'list') {
      throw new PortTypeError(
        `unknown port type "${word}" in "${this.source}": port types are lower case ("${word.toLowerCase()}")`,
      );
    }
    throw new PortTypeError(
      `unknown port type "${found}" in "${this.source}"; expected one of ${PRIMITIVE_PORT_KINDS.join(', ')}, list<T> or A | B`,
    );
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.source[this.position];
  }

  private skipSpace(): void {
    while (this.source[this.position] === ' ') this.position++;
  }
}

/**
 * How a value crosses an edge: unchanged; converted (`to-text`, `to-messages`); checked at run time (from
 * `json`/`any` sources); or `convert`ed item by item or option by option (`list<number>` into `list<text>`,
 * `text | number` into `text`), which needs the source type as well.
 */
export type Coercion = 'none' | 'to-text' | 'to-messages' | 'check' | 'convert';

export type ConnectionCheck = { ok: true; coercion: Coercion } | { ok: false; reason: string };

/**
 * Whether an output of type `from` may feed an input of type `to`, and how the value is converted.
 * The same answer in the editor (to accept a drag), in validation and in the engine (to convert values).
 */
export function checkConnection(from: PortType, to: PortType): ConnectionCheck {
  const coercion = connectionCoercion(from, to);
  if (coercion) return { ok: true, coercion };
  return { ok: false, reason: `${formatPortType(from)} cannot connect to ${formatPortType(to)}` };
}

function connectionCoercion(from: PortType, to: PortType): Coercion | undefined {
  if (to.kind === 'any' || to.kind === 'json') return 'none';
  if (from.kind === 'any' || from.kind === 'json') return 'check';
  if (from.kind === 'union') {
    // Every option must be acceptable; at run time the value's own option decides how it converts.
    const all = from.options.map((option) => connectionCoercion(option, to));
    if (all.some((c) => c === undefined)) return undefined;
    return wrapped(all as Coercion[]);
  }
  if (to.kind === 'union') {
    const option = targetOption(from, to);
    return option && connectionCoercion(from, option);
  }
  if (from.kind === 'list' && to.kind === 'list') {
    const item = connectionCoercion(from.item, to.item);
    return item && wrapped([item]);
  }
  if (from.kind === to.kind && from.kind !== 'list') return 'none';
  if (to.kind === 'text' && (from.kind === 'number' || from.kind === 'boolean')) return 'to-text';
  if (to.kind === 'messages' && from.kind === 'text') return 'to-messages';
  return undefined;
}

/** The coercion of a list or union around inner ones: nothing to do, only checks, or conversions inside. */
function wrapped(inner: readonly Coercion[]): Coercion {
  if (inner.every((c) => c === 'none')) return 'none';
  return inner.every((c) => c === 'none' || c === 'check') ? 'check' : 'convert';
}

/** The option of a target union a value of `from` goes to: an exact match first, so text into `text | messages` stays text. */
function targetOption(from: PortType, to: PortType & { kind: 'union' }): PortType | undefined {
  const coercions = to.options.map((option) => connectionCoercion(from, option));
  const exact = coercions.indexOf('none');
  const chosen = exact >= 0 ? exact : coercions.findIndex((c) => c !== undefined);
  return chosen >= 0 ? to.options[chosen] : undefined;
}

/**
 * Applies an edge's coercion to a value; throws PortTypeError when a run-time check fails. `from` is needed by
 * `convert` only.
 */
export function coerceValue(value: unknown, coercion: Coercion, to: PortType, from?: PortType): unknown {
  switch (coercion) {
    case 'none':
      return value;
    case 'to-text':
      return String(value);
    case 'to-messages':
      return [{ role: 'user', content: value as string }];
    case 'check': {
      const problem = checkValue(value, to);
      if (problem) throw new PortTypeError(problem);
      return value;
    }
    case 'convert':
      if (!from) throw new PortTypeError(`converting to ${formatPortType(to)} needs the source type`);
      return convertValue(value, from, to);
  }
}

function convertValue(value: unknown, from: PortType, to: PortType): unknown {
  if (from.kind === 'union') {
    const option = from.options.find((candidate) => checkValue(value, candidate) === undefined);
    if (!option) throw new PortTypeError(`expected ${formatPortType(from)}, got ${describe(value)}`);
    return convertValue(value, option, to);
  }
  if (to.kind === 'union') return convertValue(value, from, targetOption(from, to)!);
  if (from.kind === 'list' && to.kind === 'list') {
    if (!Array.isArray(value)) throw new PortTypeError(`expected a list, got ${describe(value)}`);
    return value.map((item, index) => {
      try {
        return convertValue(item, from.item, to.item);
      } catch (error) {
        throw new PortTypeError(`item ${index}: ${(error as Error).message}`);
      }
    });
  }
  return coerceValue(value, connectionCoercion(from, to)!, to, from);
}

const CHAT_ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Describes why `value` is not of `type`, or returns undefined when it is. */
export function checkValue(value: unknown, type: PortType): string | undefined {
  switch (type.kind) {
    case 'any':
      return value === undefined ? 'expected a value, got nothing' : undefined;
    case 'json':
      return isJsonValue(value) ? undefined : `expected JSON data, got ${describe(value)}`;
    case 'text':
      return typeof value === 'string' ? undefined : `expected text, got ${describe(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `expected a number, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`;
    case 'messages':
      return checkMessages(value);
    case 'passages':
      return checkPassages(value);
    case 'list': {
      if (!Array.isArray(value)) return `expected a list, got ${describe(value)}`;
      for (let i = 0; i < value.length; i++) {
        const problem = checkValue(value[i], type.item);
        if (problem) return `item ${i}: ${problem}`;
      }
      return undefined;
    }
    case 'union': {
      const problems = type.options.map((option) => checkValue(value, option));
      return problems.includes(undefined) ? undefined : `expected ${formatPortType(type)}, got ${describe(value)}`;
    }
  }
}

function checkMessages(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `expected chat messages (a list of {role, content}), got ${describe(value)}`;
  for (let i = 0; i < value.length; i++) {
    const message = value[i] as { role?: unknown; content?: unknown } | null;
    if (typeof message !== 'object' || message === null) return `message ${i}: expected {role, content}`;
    if (typeof message.role !== 'string' || !CHAT_ROLES.has(message.role)) {
      return `message ${i}: role must be one of ${[...CHAT_ROLES].join(', ')}`;
    }
    if (typeof message.content !== 'string') return `message ${i}: content must be text`;
  }
  return undefined;
}

function checkPassages(value: unknown): string | undefined {
  if (!Array.isArray(value)) return `expected passages (a list of {id, text}), got ${describe(value)}`;
  for (let i = 0; i < value.length; i++) {
    const passage = value[i] as { id?: unknown; text?: unknown } | null;
    if (typeof passage !== 'object' || passage === null) return `passage ${i}: expected {id, text}`;
    if (typeof passage.id !== 'string') return `passage ${i}: id must be text`;
    if (typeof passage.text !== 'string') return `passage ${i}: text must be text`;
  }
  return undefined;
}

function isJsonValue(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (Array.isArray(value)) return value.every(isJsonValue);
      // Only plain objects: a Date or Map would not survive JSON.
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      return Object.values(value as object).every(isJsonValue);
    }
    default:
      return false;
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 40 ? `text "${value.slice(0, 37)}..."` : `text "${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
