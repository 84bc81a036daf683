/**
 * Debian's Chromium driven by playwright-core, headless, for the editor's browser tests. Never a downloaded browser:
 * `npm test` installs Chromium through apt when it is missing (scripts/setup.mjs).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Debian's Chromium at ${CHROMIUM} (sudo apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // As root in a container Chromium needs --no-sandbox; the rest keep it from reaching out to Google's hosts.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects what the page logs as errors, so a test can assert the editor threw nothing. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/**
 * Where a test's screenshot goes: docs/ (the README's pictures) with `npm run screenshots`, which sets
 * GROUNDWORK_SCREENSHOTS, else a temporary folder, so a test run never changes tracked files.
 */
export function screenshotPath(name: string): string {
  const folder = process.env.GROUNDWORK_SCREENSHOTS;
  return folder ? resolve(folder, name) : join(tmpdir(), `groundwork-${name}`);
}
