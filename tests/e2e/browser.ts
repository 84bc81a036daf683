/**
 * Debian's Chromium driven by playwright-core, headless, for the editor's browser tests. Never a downloaded browser:
 * `npm test` installs Chromium through apt when it is missing (scripts/setup.mjs).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ServerProcess, startServer } from '../http/server-process.js';

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

/** A real `groundwork serve` and a headless Chromium page on it, shared by the tests of one file. */
export interface BrowserSession {
  server: ServerProcess;
  browser: Browser;
  page: Page;
  /** What the page logged as errors (see pageErrors). */
  errors: string[];
}

/** Starts the server, lets `prepare` store what the tests need through the API, then opens the page. */
export async function openBrowserSession(
  viewport: { width: number; height: number },
  prepare?: (server: ServerProcess) => Promise<unknown>,
): Promise<BrowserSession> {
  const server = await startServer();
  await prepare?.(server);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  return { server, browser, page, errors: pageErrors(page) };
}

export async function closeBrowserSession(session: BrowserSession | undefined): Promise<void> {
  await session?.browser.close();
  await session?.server.stop();
}

/** A JSON call of the server's API; a status other than 2xx throws with the body. */
export async function api<T>(server: ServerProcess, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${server.url}${path}`, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
