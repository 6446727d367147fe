// A loopback stand-in for Discord: the REST API (under /api/v10) and the gateway (a ws server on
// the same port), enough for the real discord.js to log in, register slash commands, receive
// interactions and answer them. It enforces what the real Discord enforces where it matters: bot
// authentication, the 3-second interaction deadline, one acknowledgement per interaction, message
// and command limits. Every REST call is recorded for the tests to inspect.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { WebSocketServer, type WebSocket } from 'ws';
import { commandProblems, messageProblems, type UploadedFile } from './discord-limits.ts';

type Json = Record<string, any>;

export interface RecordedCall {
  method: string;
  /** Decoded path below /api/v10, e.g. /webhooks/1/abc/messages/@original. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, or the payload_json part of a multipart body. */
  body: any;
  files: UploadedFile[];
  /** The status the fake answered. */
  status: number;
}

export interface FakeUser {
  id: string;
  username: string;
}

interface PendingInteraction {
  id: string;
  token: string;
  type: number;
  dispatchedAt: number;
  acknowledged: boolean;
  channelId: string;
  /** The message @original stands for: the response's message, or the message a pressed button is on. */
  originalId?: string;
}

interface Failure {
  matches: (method: string, path: string) => boolean;
  status: number;
  remaining: number;
  refusal?: { code: number; message: string };
}

export interface Where {
  /** A server channel when given; a DM with the bot otherwise. */
  guildId?: string;
  channelId: string;
}

export const INTERACTION_DEADLINE_MS = 3_000;

class HttpError extends Error {
  constructor(readonly status: number, readonly code: number, message: string, readonly errors?: unknown) {
    super(message);
  }
}

let snowflake = 1_200_000_000_000_000_000n;
function nextId(): string {
  snowflake += 1n;
  return snowflake.toString();
}

export class FakeDiscord {
  readonly calls: RecordedCall[] = [];
  readonly botUser: FakeUser = { id: '900000000000000001', username: 'computehub' };
  /** Gateway handshakes seen: fresh sessions and resumed ones. */
  identifies = 0;
  resumes = 0;
  /** Slash commands as last registered, per scope ('global' or a guild id). */
  readonly commands = new Map<string, Json[]>();
  readonly channels = new Map<string, Json>();
  private readonly interactions = new Map<string, PendingInteraction>();
  private readonly messages = new Map<string, Json>();
  private readonly attachmentBytes = new Map<string, Buffer>();
  private readonly failures: Failure[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly sessions = new Set<string>();
  private socket: WebSocket | undefined;
  private sequence = 0;
  private readonly server: http.Server;
  private readonly gateway: WebSocketServer;

  private constructor(readonly token: string, readonly applicationId: string) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.gateway = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.gateway.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(options: { token: string; applicationId: string }): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options.token, options.applicationId);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  private get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What DISCORD_API_URL (discord.js's rest.api) is set to. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }

  async close(): Promise<void> {
    for (const client of this.gateway.clients) client.terminate();
    await new Promise<void>((resolve) => this.gateway.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` calls matching method and path answer `status` (an outage, or a refusal with Discord's code and message). */
  failNext(method: string, path: RegExp, status: number, count: number, refusal?: { code: number; message: string }): void {
    this.failures.push({ matches: (m, p) => m === method && path.test(p), status, remaining: count, ...(refusal ? { refusal } : {}) });
  }

  /** Resolves when `condition` holds, re-checked after every call and gateway event. */
  async until<T>(condition: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const met = condition();
    if (met) return met;
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = condition();
        if (!value) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`The fake Discord never saw: ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Every call matching, once at least `count` of them arrived. */
  async callsTo(method: string, path: string | RegExp, count = 1): Promise<RecordedCall[]> {
    const matching = () => this.calls.filter((call) => call.method === method && (typeof path === 'string' ? call.path === path : path.test(call.path)));
    return this.until(() => (matching().length >= count ? matching() : undefined), `${count} × ${method} ${path}`);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // ---- gateway -------------------------------------------------------------------------------

  private onConnection(socket: WebSocket): void {
    this.socket = socket;
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 } }));
    socket.on('message', (raw) => this.onGatewayMessage(socket, JSON.parse(String(raw))));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.notify();
    });
  }

  private onGatewayMessage(socket: WebSocket, packet: Json): void {
    if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
    if (packet.op === 2) {
      if (packet.d?.token !== this.token) {
        socket.close(4004, 'Authentication failed.');
        return;
      }
      const sessionId = randomBytes(8).toString('hex');
      this.sessions.add(sessionId);
      this.identifies += 1;
      this.send(socket, 'READY', {
        v: 10,
        user: { ...this.botUser, discriminator: '0', bot: true, global_name: null, avatar: null },
        guilds: [],
        session_id: sessionId,
        resume_gateway_url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway`,
        application: { id: this.applicationId, flags: 0 },
      });
    }
    if (packet.op === 6) {
      if (packet.d?.token !== this.token || !this.sessions.has(packet.d?.session_id)) {
        socket.send(JSON.stringify({ op: 9, d: false }));
        return;
      }
      this.resumes += 1;
      this.send(socket, 'RESUMED', {});
    }
    this.notify();
  }

  private send(socket: WebSocket, event: string, data: Json): void {
    this.sequence += 1;
    socket.send(JSON.stringify({ op: 0, t: event, s: this.sequence, d: data }));
  }

  /** Drops the gateway connection, as a network blip or a Discord restart would. */
  closeGateway(code = 4000): void {
    this.socket?.close(code, 'fake outage');
  }

  /** The bot holds a live, identified gateway session. */
  get connected(): boolean {
    return this.socket?.readyState === 1 && this.identifies > 0;
  }

  private async dispatch(event: string, data: Json): Promise<void> {
    const socket = await this.until(() => (this.connected ? this.socket : undefined), 'a live gateway session');
    this.send(socket!, event, data);
  }

  // ---- interactions --------------------------------------------------------------------------

  private registered(name: string): Json {
    for (const list of this.commands.values()) {
      const found = list.find((command) => command.name === name);
      if (found) return found;
    }
    throw new Error(`The test used /${name}, which the bot never registered`);
  }

  /** Typed options as Discord's client would send them, from what the bot registered. */
  private typedOptions(definitions: Json[], values: Record<string, string | number | boolean>, focused?: string): Json[] {
    return Object.entries(values).map(([name, value]) => {
      const definition = definitions.find((option) => option.name === name);
      if (!definition) throw new Error(`The bot registered no option '${name}' (it has: ${definitions.map((option) => option.name).join(', ')})`);
      return { name, type: definition.type, value, ...(focused === name ? { focused: true } : {}) };
    });
  }

  private commandData(name: string, subcommand: string | undefined, values: Record<string, string | number | boolean>, focused?: string): Json {
    const command = this.registered(name);
    if (!subcommand) return { id: command.id, name, type: 1, options: this.typedOptions(command.options ?? [], values, focused) };
    const sub = (command.options ?? []).find((option: Json) => option.type === 1 && option.name === subcommand);
    if (!sub) throw new Error(`/${name} has no subcommand ${subcommand}`);
    return { id: command.id, name, type: 1, options: [{ name: subcommand, type: 1, options: this.typedOptions(sub.options ?? [], values, focused) }] };
  }

  private async interact(type: number, user: FakeUser, where: Where, data: Json, extra: Json = {}): Promise<PendingInteraction> {
    const pending: PendingInteraction = {
      id: nextId(),
      token: `itok_${randomBytes(12).toString('hex')}`,
      type,
      dispatchedAt: Date.now(),
      acknowledged: false,
      channelId: where.channelId,
      originalId: extra.message?.id,
    };
    this.interactions.set(pending.id, pending);
    const discordUser = { ...user, discriminator: '0', global_name: null, avatar: null };
    const who = where.guildId
      ? { guild_id: where.guildId, member: { user: discordUser, roles: [], permissions: '0', joined_at: new Date().toISOString(), deaf: false, mute: false }, guild_locale: 'en-US', context: 0 }
      : { user: discordUser, context: 1 };
    await this.dispatch('INTERACTION_CREATE', {
      id: pending.id,
      application_id: this.applicationId,
      type,
      token: pending.token,
      version: 1,
      // Discord sends the channel both ways; discord.js reads the partial channel object.
      channel_id: where.channelId,
      channel: { id: where.channelId, type: where.guildId ? 0 : 1 },
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: where.guildId ? { '0': where.guildId } : { '1': user.id },
      data,
      ...who,
      ...extra,
    });
    return pending;
  }

  /** Someone runs a slash command; option values are typed as the bot registered them. */
  slashCommand(user: FakeUser, where: Where, name: string, values: Record<string, string | number | boolean> = {}, subcommand?: string): Promise<PendingInteraction> {
    return this.interact(2, user, where, this.commandData(name, subcommand, values));
  }

  /** Someone types into an autocomplete option. */
  autocomplete(user: FakeUser, where: Where, name: string, values: Record<string, string | number | boolean>, focused: string, subcommand?: string): Promise<PendingInteraction> {
    return this.interact(4, user, where, this.commandData(name, subcommand, values, focused));
  }

  /** Someone presses a button on a message the bot sent (found by its label). */
  pressButton(user: FakeUser, where: Where, label: string): Promise<PendingInteraction> {
    for (const message of [...this.messages.values()].reverse()) {
      for (const row of message.components ?? []) {
        const button = (row.components ?? []).find((candidate: Json) => candidate.label === label);
        if (button) return this.interact(3, user, where, { custom_id: button.custom_id, component_type: 2 }, { message });
      }
    }
    throw new Error(`No message from the bot has a button labelled '${label}'`);
  }

  /** A press carrying any custom_id, e.g. one from a message sent before the bot restarted. */
  pressCustomId(user: FakeUser, where: Where, customId: string): Promise<PendingInteraction> {
    const message = this.createMessage(where.channelId, { content: 'an old message', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Old', custom_id: customId }] }] }, []);
    return this.interact(3, user, where, { custom_id: customId, component_type: 2 }, { message });
  }

  /** Calls made to answer one interaction: its callback and its webhook (edits, follow-ups). */
  answers(interaction: PendingInteraction): RecordedCall[] {
    return this.calls.filter((call) => call.path.includes(interaction.token) || call.path.startsWith(`/interactions/${interaction.id}/`));
  }

  async answer(interaction: PendingInteraction, count = 1): Promise<RecordedCall[]> {
    return this.until(() => (this.answers(interaction).length >= count ? this.answers(interaction) : undefined), `${count} answer(s) to interaction ${interaction.id}`);
  }

  // ---- REST --------------------------------------------------------------------------------

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    // discord.js percent-encodes the @ of @original; Discord routes on the decoded path.
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = request.method ?? 'GET';
    let status = 200;
    let body: any;
    let files: UploadedFile[] = [];
    let result: unknown;
    try {
      ({ body, files } = await readBody(request));
      const failure = this.failures.find((candidate) => candidate.remaining > 0 && candidate.matches(method, path));
      if (failure) {
        failure.remaining -= 1;
        throw new HttpError(failure.status, failure.refusal?.code ?? 0, failure.refusal?.message ?? `fake outage (${failure.status})`);
      }
      result = this.route(method, path, request.headers, body ?? {}, files);
      status = result === undefined ? 204 : 200;
    } catch (error) {
      const problem = error instanceof HttpError ? error : new HttpError(500, 0, `fake Discord crashed: ${(error as Error).message}`);
      status = problem.status;
      result = { message: problem.message, code: problem.code, ...(problem.errors ? { errors: problem.errors } : {}) };
    }
    this.calls.push({ method, path, query: url.searchParams, headers: request.headers, body, files, status });
    if (status === 204) {
      // A 204 must carry no content-type: discord.js would try to parse an empty JSON body.
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result));
    }
    this.notify();
  }

  private requireBot(headers: http.IncomingHttpHeaders): void {
    if (headers.authorization !== `Bot ${this.token}`) throw new HttpError(401, 0, '401: Unauthorized');
  }

  private route(method: string, path: string, headers: http.IncomingHttpHeaders, body: Json, files: UploadedFile[]): unknown {
    let match: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      this.requireBot(headers);
      return { url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } };
    }
    if (method === 'PUT' && (match = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      this.requireBot(headers);
      if (match[1] !== this.applicationId) throw new HttpError(403, 50001, 'Missing Access');
      const problems = commandProblems(body, Boolean(match[2]));
      if (problems.length) throw new HttpError(400, 50035, 'Invalid Form Body', { _errors: problems.map((message) => ({ code: 'INVALID', message })) });
      const stored = (body as unknown as Json[]).map((command) => ({ ...command, id: nextId(), application_id: this.applicationId, version: nextId(), ...(match![2] ? { guild_id: match![2] } : {}) }));
      this.commands.set(match[2] ?? 'global', stored);
      return stored;
    }
    if (method === 'POST' && (match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) return this.callback(match[1]!, match[2]!, body, files);
    if ((match = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(.+))?$/.exec(path))) return this.webhook(method, match[1]!, match[2]!, match[3], body, files);
    if (method === 'GET' && (match = /^\/channels\/(\d+)$/.exec(path))) {
      this.requireBot(headers);
      const channel = this.channels.get(match[1]!);
      if (!channel) throw new HttpError(404, 10003, 'Unknown Channel');
      return channel;
    }
    if (method === 'POST' && (match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      this.requireBot(headers);
      if (!this.channels.has(match[1]!)) throw new HttpError(404, 10003, 'Unknown Channel');
      return this.createMessage(match[1]!, body, files);
    }
    if ((method === 'PATCH' || method === 'DELETE') && (match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      this.requireBot(headers);
      const message = this.messages.get(match[2]!);
      if (!message || message.channel_id !== match[1]) throw new HttpError(404, 10008, 'Unknown Message');
      if (message.author.id !== this.botUser.id) throw new HttpError(403, 50005, 'Cannot edit a message authored by another user');
      if (method === 'DELETE') return void this.messages.delete(message.id);
      return this.editMessage(message.id, body, files);
    }
    throw new HttpError(404, 0, '404: Not Found');
  }

  private validMessage(data: Json, files: UploadedFile[], creating: boolean): void {
    const problems = messageProblems(data, files, creating);
    if (problems.length) throw new HttpError(400, 50035, 'Invalid Form Body', { _errors: problems.map((message) => ({ code: 'INVALID', message })) });
  }

  private createMessage(channelId: string, data: Json, files: UploadedFile[]): Json {
    this.validMessage(data, files, true);
    const message = {
      id: nextId(),
      channel_id: channelId,
      type: 0,
      content: data.content ?? '',
      author: { ...this.botUser, discriminator: '0', bot: true, global_name: null, avatar: null },
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      attachments: files.map((file) => this.attachment(file, nextId())),
      flags: data.flags ?? 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** A message as the channel shows it now. */
  message(id: string): Json | undefined {
    return this.messages.get(id);
  }

  /** Messages the bot posted in a channel, oldest first. */
  channelMessages(channelId: string): Json[] {
    return [...this.messages.values()].filter((message) => message.channel_id === channelId);
  }

  /** The bytes of an attachment, by its id. */
  attachmentData(id: string): Buffer | undefined {
    return this.attachmentBytes.get(id);
  }

  private attachment(file: UploadedFile, id: string): Json {
    this.attachmentBytes.set(id, file.data);
    return { id, filename: file.filename, size: file.data.length, url: `${this.origin}/attachments/${file.filename}` };
  }

  /**
   * API v10: `attachments` lists every attachment the message keeps (existing ids) or gains (the
   * index of a files[n] part); left out, the old ones stay and new files are added. An embed's
   * attachment:// image must name one of the attachments the message ends up with.
   */
  private editMessage(id: string, data: Json, files: UploadedFile[]): Json {
    const message = this.messages.get(id);
    if (!message) throw new HttpError(404, 10008, 'Unknown Message');
    const old: Json[] = message.attachments ?? [];
    const listed: Json[] | undefined = data.attachments;
    const kept = listed ? old.filter((attachment) => listed.some((entry) => String(entry.id) === attachment.id)) : old;
    const added = files.map((file) => this.attachment(file, nextId()));
    const fresh = listed?.filter((entry) => !old.some((attachment) => attachment.id === String(entry.id))) ?? [];
    this.validMessage({ ...data, attachments: fresh }, files, false);
    const attachments = [...kept, ...added];
    for (const embed of (data.embeds ?? message.embeds ?? []) as Json[]) {
      const image: string | undefined = embed.image?.url;
      if (image?.startsWith('attachment://') && !attachments.some((attachment) => attachment.filename === image.slice('attachment://'.length))) {
        throw new HttpError(400, 50035, 'Invalid Form Body', { _errors: [{ code: 'INVALID', message: `embeds.image: ${image} is not an attachment of the message` }] });
      }
    }
    const { attachments: _listed, ...changes } = data;
    Object.assign(message, changes, { attachments, edited_timestamp: new Date().toISOString() });
    return message;
  }

  private callback(id: string, token: string, body: Json, files: UploadedFile[]): undefined {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) throw new HttpError(404, 10062, 'Unknown interaction');
    if (Date.now() - interaction.dispatchedAt > INTERACTION_DEADLINE_MS) throw new HttpError(404, 10062, 'Unknown interaction');
    if (interaction.acknowledged) throw new HttpError(400, 40060, 'Interaction has already been acknowledged.');
    const data: Json = body.data ?? {};
    switch (body.type) {
      case 4:
        interaction.originalId = this.createMessage(interaction.channelId, data, files).id;
        break;
      case 5:
        break;
      case 6:
      case 7:
        if (interaction.type !== 3) throw new HttpError(400, 40043, 'Interaction response type is only valid for message components');
        if (body.type === 7) this.editMessage(interaction.originalId!, data, files);
        break;
      case 8: {
        if (interaction.type !== 4) throw new HttpError(400, 40043, 'Autocomplete results only answer autocomplete interactions');
        const choices: Json[] = data.choices ?? [];
        if (choices.length > 25 || choices.some((choice) => !choice.name || String(choice.name).length > 100 || String(choice.value).length > 100)) {
          throw new HttpError(400, 50035, 'Invalid Form Body');
        }
        break;
      }
      default:
        throw new HttpError(400, 50035, `Invalid interaction response type ${body.type}`);
    }
    if (interaction.type === 4 && body.type !== 8) throw new HttpError(400, 40043, 'Autocomplete interactions take only autocomplete results');
    interaction.acknowledged = true;
    return undefined;
  }

  private webhook(method: string, applicationId: string, token: string, message: string | undefined, body: Json, files: UploadedFile[]): Json | undefined {
    const interaction = [...this.interactions.values()].find((candidate) => candidate.token === token);
    // An interaction's webhook exists only once the interaction was acknowledged.
    if (applicationId !== this.applicationId || !interaction?.acknowledged) throw new HttpError(404, 10015, 'Unknown Webhook');
    if (method === 'POST' && message === undefined) return this.createMessage(interaction.channelId, body, files);
    if (message !== '@original') throw new HttpError(404, 10008, 'Unknown Message');
    // After a deferral @original is the "thinking" placeholder, which the first edit turns into a message.
    const originalId = (interaction.originalId ??= this.createMessage(interaction.channelId, { content: '…' }, []).id);
    if (method === 'DELETE') {
      this.messages.delete(originalId);
      return undefined;
    }
    if (method === 'PATCH') return this.editMessage(originalId, body, files);
    throw new HttpError(405, 0, '405: Method Not Allowed');
  }
}

/** JSON bodies, or multipart with a payload_json part and files[n] parts (read with busboy). */
async function readBody(request: http.IncomingMessage): Promise<{ body: any; files: UploadedFile[] }> {
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return { body: text ? JSON.parse(text) : undefined, files: [] };
  }
  return new Promise((resolve, reject) => {
    let body: any;
    const files: UploadedFile[] = [];
    const parser = busboy({ headers: request.headers });
    parser.on('field', (name, value) => {
      if (name === 'payload_json') body = JSON.parse(value);
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => files.push({ field, filename: info.filename ?? '', contentType: info.mimeType, data: Buffer.concat(chunks) }));
    });
    parser.on('close', () => resolve({ body, files }));
    parser.on('error', reject);
    request.pipe(parser);
  });
}
