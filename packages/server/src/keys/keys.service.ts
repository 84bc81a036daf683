import type { Database } from '../db/connection.js';

// STUB: replaced by the keys feature.
export class KeyService {
  constructor(_db: Database) {}

  /** Whether published endpoints need a key: once any key exists. */
  required(): boolean {
    return false;
  }
}
