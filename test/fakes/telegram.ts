// A loopback fake of the Telegram Bot API (https://core.telegram.org/bots/api) for the real grammy
// client: POST /bot<token>/<method>, JSON or multipart bodies, long-polled getUpdates, and the checks
// the real API makes that matter to us (text and caption lengths after HTML parsing, HTML that must
// parse, callback_data ≤ 64 bytes, editing only existing messages (a photo's caption and picture
// with editMessageCaption / editMessageMedia, never a text's), "message is not modified",
// deleting only where the bot may, bots not starting private conversations, command menu rules).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import busboy from 'busboy';
import { parseTelegramHtml } from './telegram-html.ts';

export interface ApiCall {
  method: string;
  payload: Record<string, any>;
  /** Files of a multipart call, by part name. */
  files: Record<string, { filename: string; bytes: Buffer }>;
  /** What the fake answered. */
  response: { ok: boolean; error_code?: number; description?: string; result?: unknown };
}

export interface StoredMessage {
  id: number;
  fromBot: boolean;
  kind: 'text' | 'photo';
  /** The text, or a photo's caption (as sent, HTML included). */
  text: string;
  /** The inline keyboard as JSON ('' when none). */
  markup: string;
  /** A photo's bytes, as last sent or replaced. */
  photo?: Buffer;
}

export interface FakeUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
}

type Failure = { error_code: number; description: string; parameters?: { retry_after?: number } };

class ApiFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.description);
  }
}

const bad = (description: string) => new ApiFailure({ error_code: 400, description: `Bad Request: ${description}` });
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const FAKE_BOT = { id: 777000111, is_bot: true as const, first_name: 'ComputeHub', username: 'computehub_test_bot' };

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  /** Users who opened a private chat with the bot: it may write to them. */
  readonly startedUsers = new Set<number>();
  /** Groups where the bot lacks the "Delete messages" admin right. */
  readonly cannotDeleteIn = new Set<number>();
  private readonly messages = new Map<number, Map<number, StoredMessage>>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly updates: { update_id: number }[] = [];
  private readonly pendingQueries = new Set<string>();
  private readonly failures: { method: string; failure: Failure }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;
  private lastUpdateId = 0;
  private queryCounter = 0;
  private port = 0;
  menu: { command: string; description: string }[] = [];
  /** The update types the bot asked for, as its first getUpdates (or setWebhook) said. */
  allowedUpdates: string[] | undefined;
  /** Set by setWebhook: updates are then POSTed to the bot instead of waiting for getUpdates. */
  webhook: { url: string; secret?: string } | undefined;
  /** HTTP statuses the bot's webhook answered, in order. */
  readonly webhookStatuses: number[] = [];

  constructor(private readonly token: string) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** An outage: the server stops listening and drops every open connection (long polls included). */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Back after an outage, on the same address. */
  async up(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.down();
  }

  /** The next call to `method` fails with this Bot API error. */
  failNext(method: string, failure: Failure): void {
    this.failures.push({ method, failure });
  }

  /** A user writes in a chat (positive id: private chat with that user; negative: a supergroup). */
  userSays(chatId: number, from: FakeUser, text: string): { message_id: number } {
    if (chatId > 0) this.startedUsers.add(from.id);
    const id = this.store(chatId, { fromBot: false, kind: 'text', text, markup: '' });
    const command = /^\/\S+/.exec(text);
    this.push({
      message: {
        message_id: id,
        date: now(),
        chat: this.chat(chatId),
        from: { ...from, is_bot: false },
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    });
    return { message_id: id };
  }

  /** A user presses an inline button under one of the bot's messages. */
  press(chatId: number, messageId: number, from: FakeUser, data: string): string {
    const message = this.messages.get(chatId)?.get(messageId);
    if (!message) throw new Error(`No message ${messageId} in chat ${chatId} to press a button on`);
    const id = `q${++this.queryCounter}`;
    this.pendingQueries.add(id);
    this.push({
      callback_query: {
        id,
        from: { ...from, is_bot: false },
        chat_instance: `ci${chatId}`,
        data,
        message: { message_id: messageId, date: now(), chat: this.chat(chatId), from: FAKE_BOT, text: message.text },
      },
    });
    return id;
  }

  messageExists(chatId: number, messageId: number): boolean {
    return Boolean(this.messages.get(chatId)?.has(messageId));
  }

  /** A message as the chat shows it now. */
  message(chatId: number, messageId: number): StoredMessage | undefined {
    return this.messages.get(chatId)?.get(messageId);
  }

  /** Resolves with the first call (from index `from` on) that matches, waiting for it if needed. */
  async waitFor(method: string, match: (call: ApiCall) => boolean = () => true, options: { from?: number; timeoutMs?: number } = {}): Promise<ApiCall> {
    const find = () => this.calls.slice(options.from ?? 0).find((call) => call.method === method && match(call));
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.calls.slice(options.from ?? 0).map((call) => `${call.method}${call.response.ok ? '' : ` (${call.response.description})`}`);
        throw new Error(`The fake Telegram never received a matching ${method}. Calls seen: ${seen.join(', ') || 'none'}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  callsOf(method: string, from = 0): ApiCall[] {
    return this.calls.slice(from).filter((call) => call.method === method);
  }

  private chat(chatId: number) {
    return chatId > 0 ? { id: chatId, type: 'private' as const, first_name: 'user' } : { id: chatId, type: 'supergroup' as const, title: 'GPU team' };
  }

  private push(update: Record<string, unknown>): void {
    const numbered = { update_id: ++this.lastUpdateId, ...update };
    if (this.webhook) void this.postToWebhook(numbered, this.webhook.secret);
    else this.updates.push(numbered);
    this.notify();
  }

  /** What Telegram does in webhook mode: POST the update with the secret header. Returns the status. */
  async postToWebhook(update: unknown, secret: string | undefined): Promise<number> {
    const response = await fetch(this.webhook!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    this.webhookStatuses.push(response.status);
    this.notify();
    return response.status;
  }

  private notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private store(chatId: number, message: Omit<StoredMessage, 'id'>): number {
    const id = this.nextMessageId.get(chatId) ?? 1;
    this.nextMessageId.set(chatId, id + 1);
    if (!this.messages.has(chatId)) this.messages.set(chatId, new Map());
    this.messages.get(chatId)!.set(id, { id, ...message });
    return id;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
    const send = (status: number, body: ApiCall['response'] & { parameters?: unknown }) => {
      if (response.destroyed) return;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || !match) return send(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const { payload, files } = await readBody(request);
    const call: ApiCall = { method, payload, files, response: { ok: true } };
    try {
      const injected = this.failures.findIndex((failure) => failure.method === method);
      if (injected >= 0) throw new ApiFailure(this.failures.splice(injected, 1)[0]!.failure);
      const result = await this.dispatch(method, payload, files, request);
      if (result === undefined) return; // the client went away during a long poll
      call.response = { ok: true, result };
      if (method !== 'getUpdates' || (result as unknown[]).length > 0) this.calls.push(call);
      send(200, call.response);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      call.response = { ok: false, error_code: error.failure.error_code, description: error.failure.description };
      this.calls.push(call);
      send(error.failure.error_code, { ...call.response, ...(error.failure.parameters ? { parameters: error.failure.parameters } : {}) });
    }
    this.notify();
  }

  private async dispatch(method: string, payload: Record<string, any>, files: ApiCall['files'], request: http.IncomingMessage): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return FAKE_BOT;
      case 'deleteWebhook':
        this.webhook = undefined;
        return true;
      case 'setWebhook':
        return this.setWebhook(payload);
      case 'getUpdates':
        if (this.webhook) throw new ApiFailure({ error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
        return this.getUpdates(payload, request);
      case 'setMyCommands':
        return this.setMyCommands(payload);
      case 'sendMessage':
        return this.sendMessage(payload);
      case 'sendPhoto':
        return this.sendPhoto(payload, files);
      case 'editMessageText':
        return this.editMessageText(payload);
      case 'editMessageCaption':
        return this.editMessageCaption(payload);
      case 'editMessageMedia':
        return this.editMessageMedia(payload, files);
      case 'deleteMessage':
        return this.deleteMessage(payload);
      case 'answerCallbackQuery':
        return this.answerCallbackQuery(payload);
      default:
        throw new ApiFailure({ error_code: 404, description: 'Not Found' });
    }
  }

  private async getUpdates(payload: Record<string, any>, request: http.IncomingMessage): Promise<unknown[] | undefined> {
    if (payload.allowed_updates !== undefined) this.allowedUpdates = payload.allowed_updates;
    const offset = Number(payload.offset ?? 0);
    // Asking from an offset confirms every update before it: Telegram forgets them.
    while (this.updates.length && this.updates[0]!.update_id < offset) this.updates.shift();
    const deadline = Date.now() + Number(payload.timeout ?? 0) * 1000;
    while (this.updates.length === 0 && Date.now() < deadline) {
      const gone = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => finish(false), deadline - Date.now());
        const onClose = () => finish(true);
        const finish = (closed: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          request.socket.off('close', onClose);
          resolve(closed);
        };
        const wake = () => finish(false);
        this.waiters.add(wake);
        request.socket.once('close', onClose);
      });
      if (gone) return undefined;
    }
    const limit = Number(payload.limit ?? 100);
    return this.updates.slice(0, limit);
  }

  private setWebhook(payload: Record<string, any>): true {
    const url = String(payload.url ?? '');
    if (!/^https?:\/\//.test(url)) throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = payload.secret_token === undefined ? undefined : String(payload.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw bad('bad webhook: secret token contains unallowed characters');
    this.webhook = { url, secret };
    this.allowedUpdates = payload.allowed_updates;
    return true;
  }

  private setMyCommands(payload: Record<string, any>): true {
    const commands = payload.commands as { command: string; description: string }[];
    if (!Array.isArray(commands) || commands.length > 100) throw bad('too many commands');
    for (const entry of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(entry.command)) throw bad('BOT_COMMAND_INVALID');
      if (typeof entry.description !== 'string' || entry.description.length < 1 || entry.description.length > 256) throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    this.menu = commands;
    return true;
  }

  private checkChat(payload: Record<string, any>): number {
    const chatId = Number(payload.chat_id);
    if (!Number.isFinite(chatId)) throw bad('chat not found');
    if (chatId > 0 && !this.startedUsers.has(chatId)) throw new ApiFailure({ error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" });
    return chatId;
  }

  private checkText(html: string, parseMode: unknown, limit: number, tooLong: string): string {
    let visible = html;
    if (parseMode === 'HTML') {
      const parsed = parseTelegramHtml(html);
      if ('error' in parsed) throw bad(parsed.error.replace(/^Bad Request: /, ''));
      visible = parsed.text;
    }
    if (visible.length > limit) throw bad(tooLong);
    return visible;
  }

  private checkMarkup(markup: unknown): string {
    if (markup === undefined) return '';
    const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (!Array.isArray(keyboard)) throw bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array of Arrays of InlineKeyboardButton");
    const buttons = keyboard.flat() as { text?: string; callback_data?: string }[];
    if (buttons.length > 100) throw bad('reply markup is too long');
    for (const button of buttons) {
      if (!button.text) throw bad('text buttons are unallowed in the inline keyboard');
      const bytes = Buffer.byteLength(button.callback_data ?? '');
      if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
    }
    return JSON.stringify(markup);
  }

  private checkReplyTo(chatId: number, payload: Record<string, any>): void {
    const target = payload.reply_parameters as { message_id?: number; allow_sending_without_reply?: boolean } | undefined;
    if (target && !this.messageExists(chatId, Number(target.message_id)) && !target.allow_sending_without_reply) throw bad('message to be replied not found');
  }

  private sendMessage(payload: Record<string, any>) {
    const chatId = this.checkChat(payload);
    const text = String(payload.text ?? '');
    const visible = this.checkText(text, payload.parse_mode, 4096, 'message is too long');
    if (!visible.trim()) throw bad('message text is empty');
    const markup = this.checkMarkup(payload.reply_markup);
    this.checkReplyTo(chatId, payload);
    const id = this.store(chatId, { fromBot: true, kind: 'text', text, markup });
    return { message_id: id, date: now(), chat: this.chat(chatId), from: FAKE_BOT, text: visible };
  }

  /** The uploaded photo an `attach://<name>` reference names: a PNG, or Telegram cannot process it. */
  private attachedPhoto(reference: unknown, files: ApiCall['files']): Buffer {
    const name = /^attach:\/\/(.+)$/.exec(String(reference ?? ''));
    const file = name ? files[name[1]!] : undefined;
    if (!file) throw bad('there is no photo in the request');
    if (!file.bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw bad('IMAGE_PROCESS_FAILED');
    return file.bytes;
  }

  private sendPhoto(payload: Record<string, any>, files: ApiCall['files']) {
    const chatId = this.checkChat(payload);
    const photo = this.attachedPhoto(payload.photo, files);
    const caption = payload.caption === undefined ? '' : String(payload.caption);
    this.checkText(caption, payload.parse_mode, 1024, 'message caption is too long');
    const markup = this.checkMarkup(payload.reply_markup);
    this.checkReplyTo(chatId, payload);
    const id = this.store(chatId, { fromBot: true, kind: 'photo', text: caption, markup, photo });
    return { message_id: id, date: now(), chat: this.chat(chatId), from: FAKE_BOT, photo: [{ file_id: `photo${id}`, file_unique_id: `u${id}`, width: 800, height: 400 }] };
  }

  private editMessageText(payload: Record<string, any>) {
    const chatId = Number(payload.chat_id);
    const message = this.messages.get(chatId)?.get(Number(payload.message_id));
    if (!message || !message.fromBot) throw bad('message to edit not found');
    if (message.kind !== 'text') throw bad('there is no text in the message to edit');
    const text = String(payload.text ?? '');
    const visible = this.checkText(text, payload.parse_mode, 4096, 'MESSAGE_TOO_LONG');
    if (!visible.trim()) throw bad('message text is empty');
    const markup = this.checkMarkup(payload.reply_markup);
    if (text === message.text && markup === message.markup) {
      throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    message.text = text;
    message.markup = markup;
    return { message_id: message.id, date: now(), chat: this.chat(chatId), from: FAKE_BOT, text: visible };
  }

  /** A bot's photo message to edit (editMessageCaption, editMessageMedia). */
  private photoToEdit(payload: Record<string, any>): StoredMessage {
    const message = this.messages.get(Number(payload.chat_id))?.get(Number(payload.message_id));
    if (!message || !message.fromBot) throw bad('message to edit not found');
    if (message.kind !== 'photo') throw bad('there is no caption in the message to edit');
    return message;
  }

  private editMessageCaption(payload: Record<string, any>) {
    const message = this.photoToEdit(payload);
    const caption = payload.caption === undefined ? '' : String(payload.caption);
    this.checkText(caption, payload.parse_mode, 1024, 'message caption is too long');
    const markup = this.checkMarkup(payload.reply_markup);
    if (caption === message.text && markup === message.markup) {
      throw bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    Object.assign(message, { text: caption, markup });
    return { message_id: message.id, date: now(), chat: this.chat(Number(payload.chat_id)), from: FAKE_BOT, caption };
  }

  private editMessageMedia(payload: Record<string, any>, files: ApiCall['files']) {
    const message = this.photoToEdit(payload);
    const media = payload.media as { type?: string; media?: string; caption?: string; parse_mode?: string } | undefined;
    if (media?.type !== 'photo') throw bad("can't parse InputMedia: media type must be photo here");
    const photo = this.attachedPhoto(media.media, files);
    const caption = media.caption === undefined ? '' : String(media.caption);
    this.checkText(caption, media.parse_mode, 1024, 'message caption is too long');
    const markup = this.checkMarkup(payload.reply_markup);
    Object.assign(message, { text: caption, markup, photo });
    return { message_id: message.id, date: now(), chat: this.chat(Number(payload.chat_id)), from: FAKE_BOT, caption, photo: [{ file_id: `photo${message.id}`, file_unique_id: `u${message.id}`, width: 800, height: 400 }] };
  }

  private deleteMessage(payload: Record<string, any>): true {
    const chatId = Number(payload.chat_id);
    const messageId = Number(payload.message_id);
    const message = this.messages.get(chatId)?.get(messageId);
    if (!message) throw bad('message to delete not found');
    if (!message.fromBot && chatId < 0 && this.cannotDeleteIn.has(chatId)) throw bad("message can't be deleted");
    this.messages.get(chatId)!.delete(messageId);
    return true;
  }

  private answerCallbackQuery(payload: Record<string, any>): true {
    const id = String(payload.callback_query_id ?? '');
    if (!this.pendingQueries.delete(id)) throw bad('query is too old and response timeout expired or query ID is invalid');
    if (payload.text !== undefined && String(payload.text).length > 200) throw bad('MESSAGE_TOO_LONG');
    return true;
  }
}

const OBJECT_FIELDS = new Set(['reply_markup', 'reply_parameters', 'caption_entities', 'link_preview_options', 'media']);

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** JSON keeps types; multipart (grammy's, with non-canonical part headers) is read with busboy. */
async function readBody(request: http.IncomingMessage): Promise<{ payload: Record<string, any>; files: ApiCall['files'] }> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return { payload: text ? JSON.parse(text) : {}, files: {} };
  }
  return new Promise((resolve, reject) => {
    const payload: Record<string, any> = {};
    const files: ApiCall['files'] = {};
    const parser = busboy({ headers: request.headers });
    parser.on('field', (name, value) => {
      // Objects arrive as JSON strings; scalars stay strings, as the real API receives them.
      payload[name] = OBJECT_FIELDS.has(name) ? JSON.parse(value) : value;
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (files[name] = { filename: info.filename ?? '', bytes: Buffer.concat(chunks) }));
    });
    parser.on('close', () => resolve({ payload, files }));
    parser.on('error', reject);
    request.pipe(parser);
  });
}
