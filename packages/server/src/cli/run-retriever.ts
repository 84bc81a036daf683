import { existsSync } from 'node:fs';
import type { Retriever } from '@groundwork/runtime/retrieval';
import type { CollectionService } from '../collections/collections.service.js';
import { type Database, databasePath, openDatabase } from '../db/connection.js';
import { commandCollections } from './collections-command.js';
import { displayPath } from './display.js';

/**
 * The collections `groundwork run` gives retrieve nodes: the database (`--db`, else GROUNDWORK_DB, else
 * ./data/groundwork.db) is opened at the first search, so a flow without a retrieve node never touches it, and a
 * missing file is an error rather than a new, empty database.
 */
export function lazyRetriever(
  option: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): { retriever: Retriever; close(): Promise<void> } {
  let opened: { db: Database; service: CollectionService } | undefined;
  const open = () => {
    if (opened) return opened.service;
    const path = databasePath(option, { cwd, env });
    if (!existsSync(path)) {
      throw new Error(
        `no database at ${displayPath(path, cwd)} to search: create a collection with \`groundwork collections create\` (or point --db at one)`,
      );
    }
    const db = openDatabase(path);
    opened = { db, service: commandCollections(db, cwd, env) };
    return opened.service;
  };
  return {
    retriever: { search: (request, signal) => open().retriever.search(request, signal) },
    async close() {
      if (!opened) return;
      await opened.service.close();
      opened.db.close();
    },
  };
}
