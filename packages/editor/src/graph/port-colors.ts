import type { PortType } from '@groundwork/runtime/schema';

/** A colour per port type, so compatible handles look alike; lists take their item's colour. */
const COLORS: Record<string, string> = {
  text: '#2f7ed8',
  number: '#e08a00',
  boolean: '#8a5cd1',
  json: '#6b7785',
  messages: '#0f9d8a',
  passages: '#c2417a',
  any: '#9aa4b2',
};

export function portColor(type: PortType): string {
  if (type.kind === 'list') return portColor(type.item);
  if (type.kind === 'union') return COLORS.any!;
  return COLORS[type.kind] ?? COLORS.any!;
}
