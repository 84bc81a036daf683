import type { AnyNodeType, NodeType } from '@groundwork/runtime/node-types';

export type NodeCategory = NodeType['category'];

/** Categories in the order a flow is usually built: in and out, text, the model, then control and data. */
export const CATEGORIES: readonly { category: NodeCategory; title: string }[] = [
  { category: 'io', title: 'Inputs & outputs' },
  { category: 'text', title: 'Text' },
  { category: 'model', title: 'Model' },
  { category: 'control', title: 'Control' },
  { category: 'data', title: 'Data' },
  { category: 'flow', title: 'Sub-flows' },
];

export interface PaletteGroup {
  category: NodeCategory;
  title: string;
  types: AnyNodeType[];
}

/**
 * The first sentence of a description: what fits on a palette item; the rest shows on demand. A sentence ends at a
 * stop followed by a capital letter or the end, so "(e.g. `[x]`)" does not cut one short.
 */
export function shortDescription(description: string): string {
  const match = /^.*?[.!?](?=\s+[A-Z]|$)/s.exec(description.trim());
  return match ? match[0] : description.trim();
}

/**
 * The node types by category, in registry order within each, keeping only those whose type, title or description
 * contains `filter` (case-insensitive). Empty categories are left out.
 */
export function paletteGroups(types: readonly AnyNodeType[], filter = ''): PaletteGroup[] {
  const needle = filter.trim().toLowerCase();
  const matches = (type: AnyNodeType) =>
    !needle || [type.type, type.title, type.description].some((text) => text.toLowerCase().includes(needle));
  return CATEGORIES.map(({ category, title }) => ({
    category,
    title,
    types: types.filter((type) => type.category === category && matches(type)),
  })).filter((group) => group.types.length > 0);
}
