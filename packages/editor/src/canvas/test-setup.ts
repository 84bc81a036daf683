/**
 * What React Flow needs from a browser that jsdom lacks, for the canvas and palette tests (import it first, in a file
 * that runs under `// @vitest-environment jsdom`). Sizes are fixed so React Flow measures every node and handle and
 * draws edges; positions stay at 0, which the tests do not depend on.
 */
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

const NODE_SIZE = { width: 240, height: 120 };

class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    // React Flow measures a node when it is observed; answer at once, as a browser would on the next frame.
    this.callback([{ target } as ResizeObserverEntry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}

/** Only the zoom (m22) is read, from the viewport's `scale(...)`. */
class DOMMatrixReadOnlyStub {
  m22: number;
  constructor(transform?: string) {
    const scale = transform?.match(/scale\(([\d.]+)\)/)?.[1];
    this.m22 = scale !== undefined ? Number(scale) : 1;
  }
}

globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
globalThis.DOMMatrixReadOnly ??= DOMMatrixReadOnlyStub as unknown as typeof DOMMatrixReadOnly;
Object.defineProperties(HTMLElement.prototype, {
  offsetWidth: { configurable: true, get: () => NODE_SIZE.width },
  offsetHeight: { configurable: true, get: () => NODE_SIZE.height },
});
(SVGElement.prototype as unknown as { getBBox(): DOMRect }).getBBox = () =>
  ({ x: 0, y: 0, width: 0, height: 0 }) as DOMRect;

// Testing Library unmounts between tests only when the test runner has globals; vitest here does not.
afterEach(() => cleanup());
