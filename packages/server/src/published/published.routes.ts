import { Router } from 'express';
import type { AppContext } from '../context.js';

// STUB: replaced by its feature.
export function publishedRouter(_context: AppContext): Router {
  return Router();
}
