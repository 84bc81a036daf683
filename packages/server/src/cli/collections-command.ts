import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listModels, modelSearchPaths } from '@groundwork/runtime/models';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SEARCH_MODES } from '../collections/collections.schemas.js';
import { CollectionService } from '../collections/collections.service.js';
import type { Database } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { DOCUMENT_EXTENSIONS, documentFiles } from './collection-files.js';
import { collectionTable, passageList } from './collections-render.js';
import { painter } from './color.js';
import { openCommandDatabase } from './command-database.js';
import { DB_OPTION } from './flow-database.js';
import type { CliContext } from './main.js';
import { parsePositiveInteger } from './run-inputs.js';

const EXIT_OK = 0;
/** The database cannot be opened, a file cannot be read or is empty, the collection is unknown. */
const EXIT_FAILED = 1;
/** A bad name, setting or query. */
const EXIT_USAGE = 2;

export interface CollectionsCommandOptions {
  /** Where GROUNDWORK_DB and GROUNDWORK_MODELS_PATH are read from; process.env when not given. */
  env?: NodeJS.ProcessEnv;
}

/** A collection service over a database file, with embedding models found as `groundwork serve` finds models. */
export function commandCollections(db: Database, cwd: string, env: NodeJS.ProcessEnv): CollectionService {
  const models = { device: 'cpu', list: async () => listModels(modelSearchPaths({ cwd, env })) };
  return new CollectionService(db, { models, cwd });
}

/** `groundwork collections create|add|search|list|remove|delete`: document collections for retrieve nodes, in the database file. */
export function collectionsCommand(context: CliContext, options: CollectionsCommandOptions = {}): Command {
  const env = options.env ?? process.env;
  const collections = new Command('collections').description(
    'create document collections, add documents to them and search them (what retrieve nodes search)',
  );
  const run = async (db: string | undefined, use: (service: CollectionService, label: string) => Promise<number>) => {
    const opened = openCommandDatabase(db, context, 'collections', env);
    if (!opened) {
      context.exitCode = EXIT_FAILED;
      return;
    }
    const service = commandCollections(opened.db, context.cwd, env);
    try {
      context.exitCode = await use(service, opened.label);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      context.stderr.write(`groundwork collections: ${error.message}\n`);
      context.exitCode = error.status === 400 ? EXIT_USAGE : EXIT_FAILED;
    } finally {
      await service.close();
      opened.db.close();
    }
  };
  const json = (value: unknown) => context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

  collections.addCommand(
    new Command('create')
      .description('create a collection (with an embedding model: vector and hybrid search too)')
      .argument('<name>', "the collection's name")
      .option('--embedding-model <name-or-path>', 'an ONNX sentence-embedding model folder, or a name under ./models')
      .option('--chunk-size <n>', 'characters per chunk (default 1000)', parsePositiveInteger)
      .option('--chunk-overlap <n>', 'characters repeated from the previous chunk (default 150)', parseWhole)
      .option('--json', 'print the collection as JSON')
      .option(...DB_OPTION)
      .action((name: string, flags: CreateFlags) =>
        run(flags.db, async (service, label) => {
          const collection = await service.create({
            name,
            ...(flags.embeddingModel ? { embeddingModel: flags.embeddingModel } : {}),
            ...(flags.chunkSize === undefined ? {} : { chunkSize: flags.chunkSize }),
            ...(flags.chunkOverlap === undefined ? {} : { chunkOverlap: flags.chunkOverlap }),
          });
          if (flags.json) json(collection);
          else
            context.stdout.write(
              `Created collection "${collection.name}" (${collection.id}) in ${label}: chunks of ${collection.chunkSize} characters, ${collection.chunkOverlap} overlap, ${collection.embeddingModel ? `embedding model ${collection.embeddingModel}` : 'keyword search (no embedding model)'}.\n`,
            );
          return EXIT_OK;
        }),
      ),
  );

  collections.addCommand(
    new Command('add')
      .description(
        'add files or folders (recursively: .md .markdown .txt .html .htm); a source added again with new content is replaced, with the same content left as it is',
      )
      .argument('<name>', 'the collection')
      .argument('<paths...>', 'files and folders; a file in a folder gets its path under the folder as its source')
      .option('--json', 'print each result as a JSON line')
      .option(...DB_OPTION)
      .action((name: string, paths: string[], flags: { db?: string; json?: boolean }) =>
        run(flags.db, (service) => addFiles(service, name, paths, flags, context)),
      ),
  );

  collections.addCommand(
    new Command('search')
      .description('search a collection and print the best passages, the query terms highlighted')
      .argument('<name>', 'the collection')
      .argument('<query>', 'what to look for')
      .option('--top-k <n>', 'how many passages (default 5)', parsePositiveInteger)
      .addOption(new Option('--mode <mode>', 'hybrid (default), keyword or vector').choices(SEARCH_MODES))
      .option('--source <source>', "only this document, or the folder ending in '/' (repeatable)", collect)
      .option('--vector-weight <w>', "the vector list's weight in hybrid search (0..1, default 0.5)", Number)
      .option('--json', 'print the result as JSON')
      .option(...DB_OPTION)
      .action((name: string, query: string, flags: SearchFlags) =>
        run(flags.db, async (service) => {
          const result = await service.search(
            name,
            {
              query,
              ...(flags.topK === undefined ? {} : { topK: flags.topK }),
              ...(flags.mode ? { mode: flags.mode } : {}),
              ...(flags.source ? { sources: flags.source } : {}),
              ...(flags.vectorWeight === undefined ? {} : { vectorWeight: flags.vectorWeight }),
            },
            context.signal,
          );
          if (flags.json) json(result);
          else if (result.passages.length === 0) context.stdout.write(`Nothing in "${name}" matches.\n`);
          else context.stdout.write(`${passageList(result.passages, painter(context.color))}(${result.mode} search)\n`);
          return EXIT_OK;
        }),
      ),
  );

  collections.addCommand(
    new Command('list')
      .description('list the collections: name, id, documents, chunks, chunk size, embedding model')
      .option('--json', 'print the list as JSON')
      .option(...DB_OPTION)
      .action((flags: { db?: string; json?: boolean }) =>
        run(flags.db, async (service, label) => {
          const list = service.list();
          if (flags.json) json(list);
          else if (list.length === 0)
            context.stdout.write(
              `No collections in ${label}. Create one with \`groundwork collections create NAME\`.\n`,
            );
          else context.stdout.write(collectionTable(list));
          return EXIT_OK;
        }),
      ),
  );
  collections.addCommand(
    new Command('remove')
      .description('remove documents (by source or id) and their chunks from a collection')
      .argument('<name>', 'the collection')
      .argument('<sources...>', 'the documents, as `collections add` named them (see the API or the editor)')
      .option(...DB_OPTION)
      .action((name: string, sources: string[], flags: { db?: string }) =>
        run(flags.db, async (service) => {
          // All or nothing: every source is looked up before anything is removed.
          const known = new Set(service.documents(name).flatMap((document) => [document.source, document.id]));
          const missing = sources.filter((source) => !known.has(source));
          if (missing.length > 0)
            throw HttpError.notFound(`document ${missing.map((s) => `"${s}"`).join(', ')} in "${name}"`);
          for (const source of sources) service.removeDocument(name, source);
          context.stdout.write(`Removed ${plural(sources.length, 'document')} from "${name}".
`);
          return EXIT_OK;
        }),
      ),
  );

  collections.addCommand(
    new Command('delete')
      .description('delete a collection with its documents and chunks')
      .argument('<name>', 'the collection')
      .option(...DB_OPTION)
      .action((name: string, flags: { db?: string }) =>
        run(flags.db, async (service, label) => {
          const { documentCount } = service.get(name);
          service.delete(name);
          context.stdout.write(`Deleted collection "${name}" (${plural(documentCount, 'document')}) from ${label}.
`);
          return EXIT_OK;
        }),
      ),
  );
  return collections;
}

interface CreateFlags {
  embeddingModel?: string;
  chunkSize?: number;
  chunkOverlap?: number;
  json?: boolean;
  db?: string;
}

interface SearchFlags {
  topK?: number;
  mode?: (typeof SEARCH_MODES)[number];
  source?: string[];
  vectorWeight?: number;
  json?: boolean;
  db?: string;
}

/** Adds each file in its own transaction, so one bad file (named on stderr) leaves the others added. */
async function addFiles(
  service: CollectionService,
  name: string,
  paths: string[],
  flags: { json?: boolean },
  context: CliContext,
): Promise<number> {
  const collection = service.get(name);
  let files: ReturnType<typeof documentFiles>;
  try {
    files = documentFiles(paths.map((path) => resolve(context.cwd, path)));
  } catch (error) {
    context.stderr.write(`groundwork collections add: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
  if (files.length === 0) {
    context.stderr.write(
      `groundwork collections add: no documents (${DOCUMENT_EXTENSIONS.join(' ')}) in ${paths.join(', ')}\n`,
    );
    return EXIT_FAILED;
  }
  const totals = { added: 0, replaced: 0, unchanged: 0, failed: 0, chunks: 0 };
  for (const file of files) {
    context.signal.throwIfAborted();
    try {
      const content = readFileSync(file.path, 'utf8');
      const { document, status } = await service.addDocument(
        collection.id,
        { source: file.source, content },
        context.signal,
      );
      totals[status]++;
      if (status !== 'unchanged') totals.chunks += document.chunkCount;
      if (flags.json) context.stdout.write(`${JSON.stringify({ source: file.source, status, document })}\n`);
      else context.stdout.write(`${status.padEnd(9)} ${file.source} (${plural(document.chunkCount, 'chunk')})\n`);
    } catch (error) {
      // The service's messages name the source; a file that cannot be read is named here.
      const reason = error instanceof HttpError ? error.message : `${file.source}: ${(error as Error).message}`;
      if (!(error instanceof HttpError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      totals.failed++;
      context.stderr.write(`groundwork collections add: ${reason}\n`);
    }
  }
  if (!flags.json) {
    const failed = totals.failed > 0 ? `, ${totals.failed} failed` : '';
    context.stdout.write(
      `${plural(files.length, 'file')} into "${collection.name}": ${totals.added} added, ${totals.replaced} replaced, ${totals.unchanged} unchanged${failed} (${plural(totals.chunks, 'chunk')} written).\n`,
    );
  }
  return totals.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function parseWhole(text: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new InvalidArgumentError('expected a whole number from 0');
  return Number(text);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
