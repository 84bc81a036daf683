#!/usr/bin/env node
// Makes a fresh checkout ready for `npm start` and `npm test`: installs dependencies when package-lock.json
// changed since the last install, then builds what is out of date (TypeScript incrementally, the editor when its
// sources are newer than its build); with --for-tests, also makes sure Debian's Chromium is there for the browser
// tests. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  fail(`Groundwork needs Node.js 20.19 or newer; this is ${process.version}.`);
}

function fail(message) {
  process.stderr.write(`setup: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  process.stderr.write(`setup: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** The newest modification time of any file under the given paths. */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && entry !== 'dist') visit(join(path, entry));
    } else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

// `npm install`, not `npm ci`: it installs the lockfile's versions all the same, but tolerates optional platform
// packages that a registry mirror does not carry (Biome's non-Linux binaries here), which `npm ci` refuses.
const installed = join(root, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
  run('npm', ['install', '--no-fund', '--no-audit']);
}

run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);

// The browser tests drive Debian's Chromium through playwright-core (never a downloaded browser).
if (process.argv.includes('--for-tests') && !existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    fail(
      `the browser tests need Debian's Chromium at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\`, then run the tests again.`,
    );
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const editor = join(root, 'packages', 'editor');
const editorSources = newest([
  join(editor, 'src'),
  join(editor, 'index.html'),
  join(editor, 'vite.config.ts'),
  join(root, 'packages', 'runtime', 'src'),
]);
if (mtime(join(editor, 'dist', 'index.html')) < editorSources) {
  run('npm', ['run', 'build', '--workspace', '@groundwork/editor']);
}
