/**
 * `groundwork serve` refusing what it cannot serve, as a real process (build first: tsc -b).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../http/server-process.js';

function serve(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'serve', '--port', '0', ...args],
      { cwd: ROOT, timeout: 20_000 },
      (error, _stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stderr });
      },
    );
  });
}

describe('groundwork serve', () => {
  it('refuses a database written by a newer Groundwork, saying so (exit 1)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'groundwork-db-')), 'newer.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const result = await serve(['--db', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^groundwork serve: .*newer\.db: this database was written by a newer Groundwork \(schema 99;/,
    );
  });

  it('refuses a device that does not exist and a port out of range (exit 2)', async () => {
    const device = await serve(['--device', 'tpu']);
    expect(device).toEqual({
      code: 2,
      stderr: 'groundwork serve: --device: device "tpu" is not one of auto, cpu, webgpu, cuda\n',
    });
    const port = await serve(['--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain(
      "option '--port <port>' argument '70000' is invalid. must be a port number from 0 to 65535",
    );
  });
});
