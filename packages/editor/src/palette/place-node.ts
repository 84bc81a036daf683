import type { Flow, Position } from '@groundwork/runtime/schema';

/** About the size of a fresh node card, to centre one on a point. */
const NODE_SIZE = { width: 240, height: 90 };
/** How far a node added where another already is moves down and right, so both stay visible. */
const NUDGE = 30;

/** React Flow's viewport as its store has it: the pane's size in pixels and the transform [x, y, zoom]. */
export interface ViewportState {
  width: number;
  height: number;
  transform: readonly [number, number, number];
}

/** The flow position of the middle of the visible canvas. */
export function viewportCentre({ width, height, transform: [x, y, zoom] }: ViewportState): Position {
  return { x: (width / 2 - x) / zoom, y: (height / 2 - y) / zoom };
}

/**
 * Where to add a node so that it is centred on `centre`, moved down and right while another node already sits
 * there: adding the same type three times from the keyboard gives three cards, not one stack.
 */
export function placeNear(flow: Flow, centre: Position): Position {
  const taken = flow.nodes.map((node) => node.position).filter((position) => position !== undefined);
  let position = { x: Math.round(centre.x - NODE_SIZE.width / 2), y: Math.round(centre.y - NODE_SIZE.height / 2) };
  while (
    taken.some((other) => Math.abs(other.x - position.x) < NUDGE / 2 && Math.abs(other.y - position.y) < NUDGE / 2)
  ) {
    position = { x: position.x + NUDGE, y: position.y + NUDGE };
  }
  return position;
}
