// Renders a Reply as Slack Block Kit: a header, mrkdwn sections, field sections, tables and code in
// preformatted sections, buttons in actions blocks and the footer in a context block, always with a
// plain-text fallback (Slack shows it in notifications and warns when it is missing). Slack rejects
// a message whose blocks break its limits (invalid_blocks), so everything is cut to fit here, and a
// Reply larger than one message becomes several.
import type { types as SlackTypes } from '@slack/bolt';
import type { Reply } from '#core/reply.ts';
import type { ButtonCommands } from '../buttons.ts';
import { splitBlocks, textLines, type Block, type Markup } from '../chunks.ts';
import { renderTable, renderText } from '../text.ts';

type KnownBlock = SlackTypes.KnownBlock;

/** Slack's published Block Kit limits (docs.slack.dev/reference/block-kit). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  /** An image block's alt_text. */
  imageAltText: 2000,
  /** The top-level text is the notification fallback; Slack truncates beyond 40 000, we keep it readable. */
  fallbackText: 3000,
} as const;

/** Every ComputeHub button's action_id starts with this; the index after it keeps them unique. */
export const ACTION_PREFIX = 'computehub:';

/** One chat.postMessage / chat.update / response_url body. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Slack mrkdwn treats only &, < and > as control characters (docs: "Escaping text"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const SLACK_MARKUP: Markup = {
  escape: escapeMrkdwn,
  style: (style, escaped) => (style === 'bold' ? `*${escaped}*` : `_${escaped}_`),
  openMonospace: '```\n',
  closeMonospace: '\n```',
};

/** Slack shows emoji in headers; they tell success, warning and error apart at a glance. */
const KIND_EMOJI: Record<Reply['kind'], string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '❌ ', confirm: '❓ ' };

function truncate(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

/** Cuts an escaped string to `max` characters without leaving half an entity (&amp;) at the end. */
function truncateEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

function sections(block: Block): KnownBlock[] {
  return splitBlocks([block], SLACK_MARKUP, SLACK_LIMITS.sectionText).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

function monospace(text: string): Block {
  return { monospace: true, lines: text.split('\n').map((line) => [{ text: line }]) };
}

function fieldSections(fields: NonNullable<Reply['fields']>): KnownBlock[] {
  const result: KnownBlock[] = [];
  for (let start = 0; start < fields.length; start += SLACK_LIMITS.fieldsPerSection) {
    result.push({
      type: 'section',
      fields: fields.slice(start, start + SLACK_LIMITS.fieldsPerSection).map((field) => ({
        type: 'mrkdwn' as const,
        text: truncateEscaped(`*${escapeMrkdwn(field.name)}*\n${escapeMrkdwn(field.value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  return result;
}

function actionBlocks(buttons: NonNullable<Reply['buttons']>, encoder: ButtonCommands): KnownBlock[] {
  const result: KnownBlock[] = [];
  for (let start = 0; start < buttons.length; start += SLACK_LIMITS.actionsElements) {
    result.push({
      type: 'actions',
      block_id: `computehub-actions-${start / SLACK_LIMITS.actionsElements}`,
      elements: buttons.slice(start, start + SLACK_LIMITS.actionsElements).map((button, offset) => ({
        type: 'button' as const,
        action_id: `${ACTION_PREFIX}${start + offset}`,
        text: { type: 'plain_text' as const, text: truncate(button.label, SLACK_LIMITS.buttonText), emoji: true },
        value: encoder.encode(button.command),
        // Slack has two styles; 'secondary' is its default look, so it sends none.
        ...(button.style === 'primary' || button.style === 'danger' ? { style: button.style } : {}),
      })),
    });
  }
  return result;
}

/** The notification text: the plain rendering, escaped, short enough to read in a notification. */
export function fallbackText(message: Reply): string {
  const plain = renderText({ ...message, buttons: undefined, image: undefined }) || message.image?.alt || 'ComputeHub';
  return truncateEscaped(escapeMrkdwn(plain), SLACK_LIMITS.fallbackText);
}

/**
 * The Block Kit rendering of a Reply, as one message or (when it exceeds Slack's limits) several.
 * `imageFileId`: the Reply's image, uploaded to Slack, shown in an image block above the buttons.
 */
export function renderSlack(message: Reply, encoder: ButtonCommands, imageFileId?: string): SlackMessage[] {
  const blocks: KnownBlock[] = [];
  if (message.title) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${KIND_EMOJI[message.kind]}${message.title}`, SLACK_LIMITS.headerText), emoji: true } });
  }
  if (message.text) {
    const lines = textLines(message.text);
    if (!message.title && KIND_EMOJI[message.kind]) lines[0]!.unshift({ text: KIND_EMOJI[message.kind] });
    blocks.push(...sections({ monospace: false, lines }));
  }
  if (message.fields?.length) blocks.push(...fieldSections(message.fields));
  if (message.table) blocks.push(...sections(monospace(renderTable(message.table))));
  if (message.code) blocks.push(...sections(monospace(message.code)));
  if (imageFileId && message.image) blocks.push({ type: 'image', slack_file: { id: imageFileId }, alt_text: truncate(message.image.alt || message.image.filename, SLACK_LIMITS.imageAltText) });
  if (message.buttons?.length) blocks.push(...actionBlocks(message.buttons, encoder));
  if (message.footer) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncateEscaped(escapeMrkdwn(message.footer), SLACK_LIMITS.contextText) }] });
  }
  if (blocks.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(message.image?.alt ?? 'Done.') } });

  const text = fallbackText(message);
  const messages: SlackMessage[] = [];
  for (let start = 0; start < blocks.length; start += SLACK_LIMITS.blocksPerMessage) {
    const part = blocks.slice(start, start + SLACK_LIMITS.blocksPerMessage);
    messages.push({ text: start === 0 ? text : `${escapeMrkdwn(message.title ?? 'ComputeHub')} (continued)`, blocks: part });
  }
  return messages;
}
