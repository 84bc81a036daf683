import type { FlowNode, Position, Variant } from '@groundwork/runtime';
import {
  diffText,
  type FieldChange,
  type FlowDiff,
  type InterfaceDiff,
  isEmptyDiff,
  type NodeDiff,
  type VariantDiff,
} from '@groundwork/runtime/diff';
import { type Paint, painter } from './color.js';
import { renderTextDiff } from './text-diff-render.js';

export interface RenderOptions {
  color: boolean;
}

/** Says there is nothing to show, under the header, when two sides are the same. */
export const NO_DIFFERENCES = 'no differences';

/**
 * A flow diff for people: the header (what is compared), then each section that has changes (flow, inputs,
 * outputs, nodes, edges). Items are marked `+` added, `-` removed, `~` changed; under a changed item, each field as
 * `path: before → after`, texts as word-level diffs (see renderTextDiff), and a node's renames, moves and variants.
 * Added and removed items list what they hold.
 */
export function renderFlowDiff(diff: FlowDiff, header: string, options: RenderOptions): string {
  const out = new Lines(options.color);
  out.header(header);
  if (isEmptyDiff(diff)) {
    out.line(0, NO_DIFFERENCES);
    return out.text();
  }
  if (diff.flow.length > 0) {
    out.section('flow');
    out.fields(2, diff.flow);
  }
  renderInterface(out, 'inputs', diff.inputs);
  renderInterface(out, 'outputs', diff.outputs);
  if (diff.nodes.length > 0) {
    out.section('nodes');
    for (const node of diff.nodes) renderNode(out, node);
  }
  if (diff.edges.length > 0) {
    out.section('edges');
    for (const edge of diff.edges) out.item(2, edge.change, `${edge.from} → ${edge.to}`);
  }
  return out.text();
}

/** The differences between two variants of a node (diffVariants), under a header. */
export function renderVariantDiff(fields: readonly FieldChange[], header: string, options: RenderOptions): string {
  const out = new Lines(options.color);
  out.header(header);
  if (fields.length === 0) out.line(0, NO_DIFFERENCES);
  else out.fields(2, fields);
  return out.text();
}

function renderInterface(out: Lines, section: 'inputs' | 'outputs', changes: readonly InterfaceDiff[]): void {
  if (changes.length === 0) return;
  out.section(section);
  for (const change of changes) {
    if (change.change === 'changed') {
      out.item(2, 'changed', change.name);
      out.fields(4, change.fields);
      continue;
    }
    const { type, ...rest } = change.declaration;
    out.item(2, change.change, `${change.name} (${type})`);
    out.contents(4, change.change, rest);
  }
}

function renderNode(out: Lines, node: NodeDiff): void {
  const title = `node "${node.id}" (${node.type})`;
  if (node.change !== 'changed') {
    out.item(2, node.change, title);
    out.contents(4, node.change, nodeContents(node.node));
    return;
  }
  out.item(2, 'changed', title);
  if (node.renamedFrom) out.line(4, `renamed from "${node.renamedFrom}"`);
  if (node.moved) out.line(4, `moved ${position(node.moved.before)} → ${position(node.moved.after)}`);
  out.fields(4, node.fields);
  for (const variant of node.variants) renderVariant(out, variant);
}

function renderVariant(out: Lines, variant: VariantDiff): void {
  const title = `variant "${variant.name}"`;
  if (variant.change !== 'changed') {
    out.item(4, variant.change, title);
    out.contents(6, variant.change, variantContents(variant.variant));
    return;
  }
  out.item(4, 'changed', variant.renamedFrom ? `${title}, renamed from "${variant.renamedFrom}"` : title);
  out.fields(6, variant.fields);
}

/** What an added or removed node holds, apart from its id and type (in its title) and where it sits. */
function nodeContents(node: FlowNode): Record<string, unknown> {
  const { id: _id, type: _type, position: _position, variants, ...rest } = node;
  return { ...rest, ...(variants?.length ? { variants: variants.map((variant) => variant.name) } : {}) };
}

function variantContents(variant: Variant): Record<string, unknown> {
  const { name: _name, ...rest } = variant;
  return rest;
}

function position(at: Position | undefined): string {
  return at ? `(${at.x}, ${at.y})` : '(not placed)';
}

/** A value on a line: strings quoted, everything else as compact JSON; never cut, since this is the diff. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

type Change = 'added' | 'removed' | 'changed';

/** The output being built: indented lines, markers and colours kept in one place. */
class Lines {
  private readonly lines: string[] = [];
  private readonly paint: Paint;

  constructor(private readonly color: boolean) {
    this.paint = painter(color);
  }

  header(text: string): void {
    this.lines.push(this.paint('bold', text));
  }

  section(name: string): void {
    this.lines.push(this.paint('bold', name));
  }

  line(indent: number, text: string): void {
    this.lines.push(`${' '.repeat(indent)}${text}`);
  }

  /** `+ thing`, `- thing`, `~ thing`, the marker coloured. */
  item(indent: number, change: Change, text: string): void {
    const marker = { added: '+', removed: '-', changed: '~' }[change];
    const color = ({ added: 'green', removed: 'red', changed: 'yellow' } as const)[change];
    this.line(indent, `${this.paint(color, marker)} ${text}`);
  }

  /** Each changed field: `path: before → after`, or for a text, `path:` and its word-level diff below. */
  fields(indent: number, fields: readonly FieldChange[]): void {
    for (const field of fields) {
      if (field.kind === 'text') {
        this.line(indent, `${field.path}:`);
        this.lines.push(...renderTextDiff(field.diff, { color: this.color, indent: ' '.repeat(indent + 2) }));
      } else {
        const before = this.paint('red', formatValue(field.before));
        const after = this.paint('green', formatValue(field.after));
        this.line(indent, `${field.path}: ${before} → ${after}`);
      }
    }
  }

  /** What an added or removed item holds: `path: value`, an object's keys one by one, texts of several lines whole. */
  contents(indent: number, change: 'added' | 'removed', record: Readonly<Record<string, unknown>>, prefix = ''): void {
    for (const [key, value] of Object.entries(record)) {
      const path = `${prefix}${key}`;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        this.contents(indent, change, value as Record<string, unknown>, `${path}.`);
      } else if (typeof value === 'string' && value.includes('\n')) {
        this.line(indent, `${path}:`);
        const diff = change === 'added' ? diffText('', value) : diffText(value, '');
        this.lines.push(...renderTextDiff(diff, { color: this.color, indent: ' '.repeat(indent + 2) }));
      } else {
        this.line(indent, `${path}: ${this.paint(change === 'added' ? 'green' : 'red', formatValue(value))}`);
      }
    }
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
