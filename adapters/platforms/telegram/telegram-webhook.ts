// Webhook mode: Telegram POSTs each update to a public URL instead of the bot polling for it. A local
// HTTP server serves that URL's path (behind the user's reverse proxy), and grammy rejects any
// request without the secret header, so only Telegram can feed the bot updates.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookCallback, type Bot } from 'grammy';
import type { Logger } from '#src/log.ts';

export interface WebhookOptions {
  url: string;
  secret: string;
  port: number;
  allowedUpdates: readonly ('message' | 'callback_query')[];
}

/** Telegram gives a webhook about a minute; answering well before that keeps it from retrying. */
const ANSWER_WITHIN_MS = 10_000;

export async function serveWebhook(bot: Bot, options: WebhookOptions, log: Logger): Promise<http.Server> {
  const path = new URL(options.url).pathname;
  const handle = webhookCallback(bot, 'http', { secretToken: options.secret, onTimeout: 'return', timeoutMilliseconds: ANSWER_WITHIN_MS });
  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://local').pathname !== path) {
      response.writeHead(404).end();
      return;
    }
    handle(request, response).catch((error: unknown) => {
      log.warn({ problem: error instanceof Error ? error.message : String(error) }, 'Telegram webhook request could not be handled');
      if (!response.headersSent) response.writeHead(400).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`Cannot listen on TELEGRAM_WEBHOOK_PORT ${options.port}: ${error.message}. Choose a free port.`)));
    server.listen(options.port, resolve);
  });
  try {
    await bot.api.setWebhook(options.url, { secret_token: options.secret, allowed_updates: [...options.allowedUpdates] });
  } catch (error) {
    // Free the port, so that starting again (main retries) can listen on it.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  log.info({ port: (server.address() as AddressInfo).port, path }, 'Telegram webhook listening');
  return server;
}
