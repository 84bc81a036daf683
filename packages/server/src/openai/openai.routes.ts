import { Router } from 'express';
import type { AppContext } from '../context.js';

// STUB: replaced by its feature.
export function openaiRouter(_context: AppContext): Router {
  return Router();
}
