// Renders a Reply as Discord messages: an embed (title, description, inline fields, colour by kind,
// footer, image), tables and code as ``` blocks in the description, buttons as components, the image
// as an attachment. Discord rejects a message over its limits instead of truncating it, so long
// replies become several messages: the first can replace an interaction's answer, the rest follow.
import { ButtonStyle, ComponentType, escapeMarkdown, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Button, Reply } from '#core/reply.ts';
import type { ButtonCommands } from '../buttons.ts';
import { splitBlocks, textLines, type Block, type Markup } from '../chunks.ts';
import { renderTable } from '../text.ts';

/** Discord's message limits (https://discord.com/developers/docs/resources/message#create-message). */
export const MESSAGE_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  /** Sum of every embed's title, description, field names and values, footer and author. */
  embedTotal: 6000,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  customId: 100,
} as const;

export const KIND_COLOUR: Record<Reply['kind'], number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
  confirm: 0xe67e22,
};

export interface DiscordFile {
  attachment: Buffer;
  name: string;
  description?: string;
}

/** One message, in the shape discord.js's reply / editReply / followUp / send accept. */
export interface DiscordMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files: DiscordFile[];
}

/**
 * What pressing a button does to the message it sits on. A confirmation prompt is replaced by the
 * outcome (so Confirm cannot be pressed twice); any other button answers with a new message.
 */
export type ButtonEffect = 'update' | 'reply';

const EFFECT_MARK: Record<ButtonEffect, string> = { update: 'u', reply: 'r' };
/** `u3|cmd:...`: the effect, the button's index (custom ids must be unique within a message), the command. */
const CUSTOM_ID = /^([ur])(\d+)\|(.*)$/s;
const CUSTOM_ID_PREFIX = 'u24|'.length;
export const BUTTON_PAYLOAD_LIMIT = MESSAGE_LIMITS.customId - CUSTOM_ID_PREFIX;

export function decodeCustomId(buttons: ButtonCommands, customId: string): { effect: ButtonEffect; command: string | undefined } {
  const match = CUSTOM_ID.exec(customId);
  if (!match) return { effect: 'reply', command: undefined };
  return { effect: match[1] === 'u' ? 'update' : 'reply', command: buttons.decode(match[3]!) };
}

// Plain text is escaped up front, so the splitter's own escape only has to keep code fences whole.
const MARKUP: Markup = {
  escape: (text) => text,
  style: (style, escaped) => (style === 'bold' ? `**${escaped}**` : `*${escaped}*`),
  openMonospace: '```\n',
  closeMonospace: '\n```',
};

/** A ``` inside a code block would end it early; a zero-width space keeps it literal. */
function fenceSafe(text: string): string {
  return text.replaceAll('```', '`\u200b``');
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** Discord resolves attachment:// only for plain file names. */
function fileName(name: string): string {
  return name.replace(/[^\w.-]/g, '_') || 'image.png';
}

function monospace(text: string): Block {
  return { monospace: true, lines: textLines(fenceSafe(text)) };
}

function descriptionBlocks(message: Reply): Block[] {
  const blocks: Block[] = [];
  if (message.text) blocks.push({ monospace: false, lines: textLines(escapeMarkdown(message.text)) });
  if (message.table) blocks.push(monospace(renderTable(message.table)));
  if (message.code) blocks.push(monospace(message.code));
  return blocks;
}

function fieldsOf(message: Reply): APIEmbedField[] {
  return (message.fields ?? []).map((field) => ({
    name: clip(escapeMarkdown(field.name) || '\u200b', MESSAGE_LIMITS.fieldName),
    value: clip(escapeMarkdown(field.value) || '-', MESSAGE_LIMITS.fieldValue),
    inline: field.inline ?? false,
  }));
}

function embedSize(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

function buttonStyle(button: Button): ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger {
  if (button.style === 'danger') return ButtonStyle.Danger;
  if (button.style === 'secondary') return ButtonStyle.Secondary;
  return ButtonStyle.Primary;
}

function buttonRows(buttons: readonly Button[], effect: ButtonEffect, commands: ButtonCommands): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  buttons.forEach((button, index) => {
    if (index % MESSAGE_LIMITS.buttonsPerRow === 0) rows.push({ type: ComponentType.ActionRow, components: [] });
    rows.at(-1)!.components.push({
      type: ComponentType.Button,
      style: buttonStyle(button),
      label: clip(button.label, MESSAGE_LIMITS.buttonLabel),
      custom_id: `${EFFECT_MARK[effect]}${index}|${commands.encode(button.command)}`,
    });
  });
  return rows;
}

/** Footers are one short line; capping them keeps title + full description + footer under the 6000 total. */
const FOOTER_LIMIT = 1024;

/** Splits the content into embeds that each respect the per-embed limits and the 6000-character total. */
function buildEmbeds(message: Reply): APIEmbed[] {
  const color = KIND_COLOUR[message.kind];
  const descriptions = splitBlocks(descriptionBlocks(message), MARKUP, MESSAGE_LIMITS.description);
  const embeds: APIEmbed[] = descriptions.map((description) => ({ color, description }));
  if (embeds.length === 0) embeds.push({ color });
  if (message.title) embeds[0]!.title = clip(escapeMarkdown(message.title), MESSAGE_LIMITS.title);
  // Fields follow the text, starting a new embed whenever the count or the size would overflow.
  for (const field of fieldsOf(message)) {
    const last = embeds.at(-1)!;
    const size = field.name.length + field.value.length;
    if ((last.fields?.length ?? 0) < MESSAGE_LIMITS.fields && embedSize(last) + size <= MESSAGE_LIMITS.embedTotal) (last.fields ??= []).push(field);
    else embeds.push({ color, fields: [field] });
  }
  if (message.footer) {
    const footer = { text: clip(message.footer, FOOTER_LIMIT) };
    if (embedSize(embeds.at(-1)!) + footer.text.length > MESSAGE_LIMITS.embedTotal) embeds.push({ color });
    embeds.at(-1)!.footer = footer;
  }
  if (message.image) embeds.at(-1)!.image = { url: `attachment://${fileName(message.image.filename)}` };
  for (const embed of embeds) if (!embed.title && !embed.description && !embed.fields?.length && !embed.image && !embed.footer) embed.description = '\u200b';
  return embeds;
}

/** Packs embeds into messages under the per-message embed count and 6000-character total. */
function packEmbeds(embeds: APIEmbed[]): APIEmbed[][] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const next = embedSize(embed);
    if (current.length > 0 && (current.length === MESSAGE_LIMITS.embedsPerMessage || size + next > MESSAGE_LIMITS.embedTotal)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += next;
  }
  messages.push(current);
  return messages;
}

/** The messages that show a Reply, in order. Buttons and the image ride on the last one. */
export function renderDiscord(message: Reply, commands: ButtonCommands): DiscordMessage[] {
  const messages: DiscordMessage[] = packEmbeds(buildEmbeds(message)).map((embeds) => ({ embeds, components: [], files: [] }));
  const last = messages.at(-1)!;
  if (message.image) last.files.push({ attachment: Buffer.from(message.image.png), name: fileName(message.image.filename), description: clip(message.image.alt, 1024) });
  const effect: ButtonEffect = message.kind === 'confirm' ? 'update' : 'reply';
  const perMessage = MESSAGE_LIMITS.buttonsPerRow * MESSAGE_LIMITS.rows;
  const buttons = message.buttons ?? [];
  for (let start = 0; start < buttons.length; start += perMessage) {
    const rows = buttonRows(buttons.slice(start, start + perMessage), effect, commands);
    if (start === 0) last.components = rows;
    else messages.push({ embeds: [{ color: KIND_COLOUR[message.kind], description: 'More choices:' }], components: rows, files: [] });
  }
  return messages;
}
