#!/usr/bin/env node
// The installed `groundwork` command runs the compiled CLI; `npm run build` (or `npm start`/`npm test`) produces it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('groundwork: the CLI is not built yet. Run `npm run build` in the repository root first.\n');
  process.exit(2);
}
await import(main.href);
