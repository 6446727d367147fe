// Helpers for the chart tests: decode PNGs to pixels, capture log lines, and a QuickChart stand-in.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import vm from 'node:vm';
import { Writable } from 'node:stream';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { pino, type Logger } from 'pino';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export async function decodePng(png: Uint8Array): Promise<Pixels> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return { width: image.width, height: image.height, data };
}

/** A region as fractions of the image, so checks hold at any pixel ratio. */
export interface Region {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function* pixelsIn(pixels: Pixels, region: Region) {
  const x0 = Math.floor(region.left * pixels.width);
  const x1 = Math.ceil(region.right * pixels.width);
  const y0 = Math.floor(region.top * pixels.height);
  const y1 = Math.ceil(region.bottom * pixels.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * pixels.width + x) * 4;
      yield [pixels.data[i]!, pixels.data[i + 1]!, pixels.data[i + 2]!, pixels.data[i + 3]!] as const;
    }
  }
}

/**
 * Pixels of dark neutral grey, i.e. the charts' text colour (#222) and its anti-aliased edges.
 * Coloured bars and lines and the light grid lines do not count.
 */
export function textPixels(pixels: Pixels, region: Region): number {
  let count = 0;
  for (const [r, g, b] of pixelsIn(pixels, region)) {
    if (Math.max(r, g, b) < 140 && Math.max(r, g, b) - Math.min(r, g, b) < 24) count++;
  }
  return count;
}

export function colourPixels(pixels: Pixels, hex: string, region: Region = { left: 0, top: 0, right: 1, bottom: 1 }): number {
  const want = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  let count = 0;
  for (const [r, g, b] of pixelsIn(pixels, region)) {
    if (Math.abs(r - want[0]!) + Math.abs(g - want[1]!) + Math.abs(b - want[2]!) <= 24) count++;
  }
  return count;
}

export function pixelAt(pixels: Pixels, x: number, y: number): number[] {
  const i = (y * pixels.width + x) * 4;
  return Array.from(pixels.data.slice(i, i + 4));
}

/** A logger whose lines the test can read. */
export function memoryLogger(): { log: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  return { log, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line)) };
}

export interface QuickChartRequest {
  path: string;
  body: { width: number; height: number; devicePixelRatio: number; version?: string; backgroundColor?: string; format?: string };
  /** The `chart` field evaluated: quickchart-js sends a JavaScript literal, not JSON, as QuickChart expects. */
  chart: unknown;
}

export type QuickChartBehaviour = 'png' | 'error500' | 'html' | 'hang';

/** A loopback stand-in for QuickChart's POST /chart: answers with a solid-colour PNG of the requested size. */
export async function fakeQuickChart(behaviour: QuickChartBehaviour = 'png') {
  const requests: QuickChartRequest[] = [];
  const state: { behaviour: QuickChartBehaviour; lastPng: Buffer } = { behaviour, lastPng: Buffer.alloc(0) };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      requests.push({ path: req.url ?? '', body, chart: vm.runInNewContext(`(${body.chart})`) });
      if (state.behaviour === 'hang') return;
      if (state.behaviour === 'error500') {
        res.writeHead(500, { 'x-quickchart-error': 'Chart render failed' }).end();
        return;
      }
      if (state.behaviour === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>captive portal</html>');
        return;
      }
      const canvas = createCanvas(body.width * body.devicePixelRatio, body.height * body.devicePixelRatio);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ff00ff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      state.lastPng = await canvas.encode('png');
      res.writeHead(200, { 'content-type': 'image/png' }).end(state.lastPng);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    state,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on which nothing listens: the port was just freed. */
export async function refusingUrl(): Promise<string> {
  const fake = await fakeQuickChart();
  await fake.close();
  return fake.url;
}
