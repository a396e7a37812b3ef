#!/usr/bin/env node
// Renders build/icon.svg to the PNGs electron-builder wants (build/icon.png for Windows, build/icons/NxN.png for
// Linux). Run by hand after editing the SVG; the PNGs are committed. Needs a Chromium (CHROMIUM or /usr/bin/chromium).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(root, 'build', 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  mkdirSync(join(root, 'build', 'icons'), { recursive: true });
  for (const size of [16, 32, 48, 64, 128, 256, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0">${svg.replace('width="512" height="512"', `width="${size}" height="${size}"`)}</body></html>`);
    await page.evaluate(() => document.fonts.ready);
    const out = join(root, 'build', 'icons', `${size}x${size}.png`);
    await page.screenshot({ path: out, omitBackground: true });
    if (size === 512) await page.screenshot({ path: join(root, 'build', 'icon.png'), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write('✓ build/icon.png, build/icons/*.png\n');
