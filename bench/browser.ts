// Launches Debian's headless Chromium (WebGPU enabled) against the local static server, for the benchmarks.
import { cpus, totalmem, platform, release } from 'node:os';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startStaticServer } from '../tools/static-server.ts';

/** Chromium flags: WebGPU on (SwiftShader where there is no GPU), and no background network traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];

/** Opens `path` of the repository in a fresh headless Chromium; call `close` when done. */
export async function openBenchPage(path: string): Promise<{ browser: Browser; page: Page; close: () => Promise<void> }> {
  const { server, url } = await startStaticServer(process.cwd(), 0);
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    // One software-WebGPU generation at 512x512 can take minutes; puppeteer's default gives up after 3.
    protocolTimeout: 30 * 60_000 });
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${url}/${path}`);
  await page.waitForFunction('window.benchReady === true', { timeout: 60_000 });
  return { browser, page, close: async () => { await browser.close(); server.close(); } };
}

/** One line naming the machine, OS and Node, for every benchmark's header. */
export function machineLine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}, Node ${process.version}`;
}
