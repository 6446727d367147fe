// A loopback fake of Slack's side of a Slack app: the Web API (POST /api/<method>, form-encoded,
// Bearer token), the file upload URLs that files.getUploadURLExternal hands out, and response_url
// endpoints. It keeps conversations and messages, refuses what Slack refuses (bad tokens, invalid
// blocks, posting where the bot is not a member, deleting other people's messages, editing unknown
// messages), warns when a message has blocks but no text, and can play an outage (5xx, 429).
// Socket Mode: apps.connections.open (app-level token) hands out a WebSocket URL on the same port,
// where the fake says hello and delivers envelopes the app must acknowledge.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkBlocks } from './slack-blocks-check.ts';

type Json = Record<string, any>;

export interface ApiCall {
  method: string;
  args: Json;
  /** What the fake answered. */
  result: Json;
}

export interface ResponseUrlPost {
  /** Which response_url (see responseUrl()). */
  id: string;
  body: Json;
  status: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  /** 'bot' for the app's own messages, else the user id. */
  author: string;
  text: string;
  blocks?: Json[];
  threadTs?: string;
  /** How many times chat.update changed it. */
  edits: number;
}

export interface SharedFile {
  id: string;
  filename: string;
  title?: string;
  altText?: string;
  /** Where it was shared; none: private to the bot (an image block may still show it). */
  channel?: string;
  threadTs?: string;
  bytes: Buffer;
  /** When Slack has processed it (Date.now() ms): an image block naming it earlier is refused. */
  readyAt: number;
}

interface Conversation {
  /** The bot is a member (or, for an IM, it is the bot's own IM). */
  member: boolean;
}

export const FAKE_BOT = { userId: 'UBOT0001', botId: 'BBOT0001', teamId: 'T0FAKE01', name: 'computehub' };

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** POSTs to upload URLs: Slack's client sends one multipart file part named `body`. */
  readonly uploads: { fileId: string; bytes: Buffer; field: string; authorized: boolean }[] = [];
  readonly files: SharedFile[] = [];
  readonly messages: StoredMessage[] = [];
  /** Warnings Slack attaches to accepted calls (a message with blocks but no text fallback). */
  readonly warnings: string[] = [];
  /** Conversations by id; user ids (U…) open the bot's IM with them (D…). */
  readonly conversations = new Map<string, Conversation>();
  readonly users = new Map<string, { name: string; display_name: string }>();
  /** While true every request gets HTTP 503, as during a Slack incident. */
  down = false;
  /**
   * How long Slack takes to process an upload before an image block may show it: a message naming
   * it sooner is refused with invalid_blocks "invalid slack file", as the real Slack does.
   */
  fileProcessingMs = 0;
  private rateLimited: { count: number; retryAfter: number } = { count: 0, retryAfter: 0 };
  private readonly changed = new EventEmitter();
  private readonly pendingUploads = new Map<string, { filename: string; length: number; altText?: string; bytes?: Buffer }>();
  private server: Server | undefined;
  private readonly sockets = new WebSocketServer({ noServer: true });
  /** Envelope ids the app acknowledged over Socket Mode. */
  readonly socketAcks: string[] = [];
  private clock = 1_700_000_000;
  private sequence = 0;

  constructor(private readonly botToken: string, private readonly appToken?: string) {
    this.changed.setMaxListeners(100);
    this.sockets.on('connection', (socket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string };
        if (message.envelope_id) this.socketAcks.push(message.envelope_id);
        this.changed.emit('change');
      });
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKE01' }, debug_info: { host: 'fake' } }));
    });
  }

  /** Delivers a Socket Mode envelope (slash_commands, interactive, events_api) to every connected app. */
  sendEnvelope(type: string, payload: Json): string {
    const envelopeId = `env-${++this.sequence}`;
    for (const socket of this.sockets.clients as Set<WebSocket>) socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api' }));
    return envelopeId;
  }

  get socketClients(): number {
    return this.sockets.clients.size;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`fake slack crashed: ${String(error)}`);
      });
    });
    this.server.on('upgrade', (request, socket, head) => {
      if (request.url !== '/socket' || this.down) return void socket.destroy();
      this.sockets.handleUpgrade(request, socket, head, (client) => this.sockets.emit('connection', client, request));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets.clients) socket.terminate();
    this.sockets.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** What SLACK_API_URL points at. */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A fresh response_url, as Slack puts in each slash command and interaction. */
  responseUrl(): string {
    return `${this.origin}/respond/R${++this.sequence}`;
  }

  /** The next `count` Web API calls get 429 with this Retry-After (seconds). */
  rateLimit(count: number, retryAfter: number): void {
    this.rateLimited = { count, retryAfter };
  }

  /** A message a person wrote (so mentions have something to point at, and deletes something to refuse). */
  userMessage(channel: string, user: string, text: string): StoredMessage {
    const message: StoredMessage = { channel, ts: this.nextTs(), author: user, text, edits: 0 };
    this.messages.push(message);
    return message;
  }

  private readonly refusals: { method: string; error: string }[] = [];

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Resolves once `check` holds for what the fake has received; fails with a list of calls if it never does. */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const immediate = check();
    if (immediate) return immediate;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.changed.off('change', listener);
        const seen = this.calls.map((call) => call.method).concat(this.responses.map((post) => `response_url ${post.id}`));
        reject(new Error(`fake Slack never saw ${what}; it saw: ${seen.join(', ') || 'nothing'}`));
      }, timeoutMs);
      const listener = () => {
        const result = check();
        if (!result) return;
        clearTimeout(timer);
        this.changed.off('change', listener);
        resolve(result);
      };
      this.changed.on('change', listener);
    });
  }

  private nextTs(): string {
    this.clock += 1;
    return `${this.clock}.${String(++this.sequence).padStart(6, '0')}`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    if (this.down) {
      await readBody(request);
      response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (url.pathname.startsWith('/api/')) return this.api(url.pathname.slice(5), request, response);
    if (url.pathname.startsWith('/upload/')) return this.upload(url.pathname.slice(8), request, response);
    if (url.pathname.startsWith('/respond/')) return this.respond(url.pathname.slice(9), request, response);
    response.writeHead(404).end();
  }

  private async api(method: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = (await readBody(request)).toString('utf8');
    if (this.rateLimited.count > 0) {
      this.rateLimited.count -= 1;
      response.writeHead(429, { 'retry-after': String(this.rateLimited.retryAfter), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const args = parseArgs(raw, request.headers['content-type'] ?? '');
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? args.token;
    // apps.connections.open takes the app-level token (xapp-); everything else the bot token (xoxb-).
    const expected = method === 'apps.connections.open' ? this.appToken : this.botToken;
    const result = token && token === expected ? this.dispatch(method, args) : { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
    this.calls.push({ method, args, result });
    // Slack's Web API answers 200 even for errors; the error is in the JSON.
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    this.changed.emit('change');
  }

  /** The next call of `method` answers Slack's error `error` (e.g. files.completeUploadExternal → file_too_large). */
  failNext(method: string, error: string): void {
    this.refusals.push({ method, error });
  }

  private dispatch(method: string, args: Json): Json {
    const refusal = this.refusals.findIndex((candidate) => candidate.method === method);
    if (refusal >= 0) return { ok: false, error: this.refusals.splice(refusal, 1)[0]!.error };
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: `${this.origin.replace('http:', 'ws:')}/socket` };
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake', user: FAKE_BOT.name, team_id: FAKE_BOT.teamId, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.postEphemeral': {
        const problem = this.messageProblem(args) ?? this.membership(args.channel).problem;
        if (problem) return problem;
        if (!args.user) return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: this.nextTs(), ...this.warning(args) };
      }
      case 'chat.update': {
        const problem = this.messageProblem(args);
        if (problem) return problem;
        const message = this.messages.find((candidate) => candidate.channel === args.channel && candidate.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        if (message.author !== 'bot') return { ok: false, error: 'cant_update_message' };
        Object.assign(message, { text: args.text ?? '', blocks: args.blocks, edits: message.edits + 1 });
        return { ok: true, channel: args.channel, ts: args.ts, text: message.text, ...this.warning(args) };
      }
      case 'chat.delete': {
        const index = this.messages.findIndex((candidate) => candidate.channel === args.channel && candidate.ts === args.ts);
        if (index < 0) return { ok: false, error: 'message_not_found' };
        // A bot token may delete only the bot's own messages.
        if (this.messages[index]!.author !== 'bot') return { ok: false, error: 'cant_delete_message' };
        this.messages.splice(index, 1);
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'users.info': {
        const user = this.users.get(args.user);
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: args.user, name: user.name, real_name: user.display_name, profile: { display_name: user.display_name } } };
      }
      case 'files.getUploadURLExternal': {
        if (!args.filename || !Number(args.length)) return { ok: false, error: 'invalid_arguments' };
        const fileId = `F${++this.sequence}`;
        this.pendingUploads.set(fileId, { filename: args.filename, length: Number(args.length), altText: args.alt_text ?? args.alt_txt });
        return { ok: true, upload_url: `${this.origin}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files: { id: string; title?: string }[] = Array.isArray(args.files) ? args.files : [];
        if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
        if (args.channel_id) {
          const problem = this.membership(args.channel_id).problem;
          if (problem) return problem;
        }
        for (const file of files) {
          const pending = this.pendingUploads.get(file.id);
          if (!pending?.bytes) return { ok: false, error: 'file_not_found' };
          if (pending.bytes.length !== pending.length) return { ok: false, error: 'file_upload_size_mismatch' };
        }
        for (const file of files) {
          const pending = this.pendingUploads.get(file.id)!;
          this.pendingUploads.delete(file.id);
          this.files.push({ id: file.id, filename: pending.filename, title: file.title, altText: pending.altText, channel: args.channel_id, threadTs: args.thread_ts, bytes: pending.bytes!, readyAt: Date.now() + this.fileProcessingMs });
        }
        return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(args: Json): Json {
    const problem = this.messageProblem(args);
    if (problem) return problem;
    const { channel, problem: notMember } = this.membership(args.channel);
    if (notMember) return notMember;
    const message: StoredMessage = { channel, ts: this.nextTs(), author: 'bot', text: args.text ?? '', blocks: args.blocks, threadTs: args.thread_ts, edits: 0 };
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: { type: 'message', text: message.text, ts: message.ts, bot_id: FAKE_BOT.botId }, ...this.warning(args) };
  }

  /** What Slack says about the content of a message: missing channel, invalid blocks, too long. */
  private messageProblem(args: Json): Json | undefined {
    if (!args.channel) return { ok: false, error: 'channel_not_found' };
    if (args.blocks === undefined && !args.text) return { ok: false, error: 'no_text' };
    if (typeof args.text === 'string' && args.text.length > 40_000) return { ok: false, error: 'msg_too_long' };
    if (args.blocks !== undefined) {
      const errors = [...checkBlocks(args.blocks), ...this.imageFileProblems(args.blocks)];
      if (errors.length) return { ok: false, error: 'invalid_blocks', errors, response_metadata: { messages: errors.map((error) => `[ERROR] ${error}`) } };
    }
    return undefined;
  }

  /** An image block's slack_file must name one file by id, uploaded (by the bot), and processed. */
  private imageFileProblems(blocks: unknown): string[] {
    if (!Array.isArray(blocks)) return [];
    return blocks.flatMap((block: Json, index) => {
      if (block?.type !== 'image' || block.slack_file === undefined) return [];
      const where = `[json-pointer:/blocks/${index}/slack_file]`;
      const { id, url } = block.slack_file as { id?: string; url?: string };
      if ((id === undefined) === (url === undefined)) return [`must provide exactly one of url or id ${where}`];
      const file = this.files.find((candidate) => candidate.id === id);
      return file && Date.now() >= file.readyAt ? [] : [`invalid slack file ${where}`];
    });
  }

  private membership(id: string): { channel: string; problem?: Json } {
    const channel = /^[UW]/.test(id) ? `D${id.slice(1)}` : id;
    if (/^[UW]/.test(id) && !this.conversations.has(channel)) this.conversations.set(channel, { member: true });
    const conversation = this.conversations.get(channel);
    if (!conversation) return { channel, problem: { ok: false, error: 'channel_not_found' } };
    if (!conversation.member) return { channel, problem: { ok: false, error: 'not_in_channel' } };
    return { channel };
  }

  private warning(args: Json): Json {
    if (args.blocks === undefined || args.text) return {};
    this.warnings.push('missing_text_or_fallback_or_attachments');
    return { warning: 'missing_text_or_fallback_or_attachments', response_metadata: { warnings: ['missing_text_or_fallback_or_attachments'] } };
  }

  private async upload(fileId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const pending = this.pendingUploads.get(fileId);
    const authorized = request.headers.authorization === `Bearer ${this.botToken}`;
    const part = await readMultipartFile(request);
    this.uploads.push({ fileId, bytes: part?.bytes ?? Buffer.alloc(0), field: part?.field ?? '', authorized });
    if (!pending || !part || !authorized) {
      response.writeHead(pending ? 403 : 404, { 'content-type': 'text/plain' }).end('upload refused');
    } else {
      pending.bytes = part.bytes;
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${part.bytes.length}`);
    }
    this.changed.emit('change');
  }

  private async respond(id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Json = {};
    let status = 200;
    try {
      body = JSON.parse((await readBody(request)).toString('utf8')) as Json;
    } catch {
      status = 400;
    }
    const used = this.responses.filter((post) => post.id === id && post.status === 200).length;
    const errors = body.blocks === undefined ? [] : checkBlocks(body.blocks);
    if (status === 200 && (used >= 5 || errors.length || (!body.text && !body.blocks && !body.delete_original))) status = used >= 5 ? 404 : 400;
    this.responses.push({ id, body, status });
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status === 200 ? { ok: true } : { ok: false, error: used >= 5 ? 'used_url' : 'invalid_blocks', errors }));
    this.changed.emit('change');
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The Web API client sends form fields; objects (blocks, files) are JSON strings inside them. */
function parseArgs(raw: string, contentType: string): Json {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Json) : {};
  const args: Json = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = (key === 'blocks' || key === 'files' || key === 'attachments') && /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}

async function readMultipartFile(request: IncomingMessage): Promise<{ bytes: Buffer; filename: string; field: string } | undefined> {
  if (!String(request.headers['content-type']).startsWith('multipart/form-data')) {
    await readBody(request);
    return undefined;
  }
  return new Promise((resolve, reject) => {
    let found: { bytes: Buffer; filename: string; field: string } | undefined;
    const parser = busboy({ headers: request.headers });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (found = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', field }));
    });
    parser.on('close', () => resolve(found));
    parser.on('error', reject);
    request.pipe(parser);
  });
}
