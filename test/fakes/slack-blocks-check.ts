// The Block Kit rules the fake Slack enforces, as Slack itself answers them: a message that breaks
// one is refused with invalid_blocks and a JSON pointer to the culprit. Written from Slack's
// reference (docs.slack.dev/reference/block-kit), independently of the renderer under test.

type Json = Record<string, unknown>;

const MAX_BLOCKS = 50;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textObject(value: unknown, where: string, max: number, types: readonly string[], errors: string[]): void {
  if (!isObject(value)) return void errors.push(`must provide an object [json-pointer:${where}]`);
  if (!types.includes(String(value.type))) errors.push(`must be one of ${types.join(', ')} [json-pointer:${where}/type]`);
  if (typeof value.text !== 'string' || value.text.length === 0) return void errors.push(`must be more than 0 characters [json-pointer:${where}/text]`);
  if (value.text.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${where}/text]`);
}

function checkButton(element: Json, where: string, actionIds: Set<string>, errors: string[]): void {
  textObject(element.text, `${where}/text`, 75, ['plain_text'], errors);
  const actionId = element.action_id;
  if (typeof actionId === 'string') {
    if (actionId.length > 255) errors.push(`must be less than 256 characters [json-pointer:${where}/action_id]`);
    if (actionIds.has(actionId)) errors.push(`action_id already exists in this message [json-pointer:${where}/action_id]`);
    actionIds.add(actionId);
  }
  if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000)) errors.push(`must be less than 2001 characters [json-pointer:${where}/value]`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') errors.push(`must be one of primary, danger [json-pointer:${where}/style]`);
}

/** Slack's answer to a blocks argument: the list of problems, empty when Slack would accept it. */
export function checkBlocks(blocks: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
  if (blocks.length > MAX_BLOCKS) errors.push(`must contain at most ${MAX_BLOCKS} items [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block: unknown, index) => {
    const where = `/blocks/${index}`;
    if (!isObject(block)) return void errors.push(`must provide an object [json-pointer:${where}]`);
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) errors.push(`block_id already exists [json-pointer:${where}/block_id]`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'header':
        textObject(block.text, `${where}/text`, 150, ['plain_text'], errors);
        break;
      case 'section':
        if (block.text === undefined && block.fields === undefined) errors.push(`must provide text or fields [json-pointer:${where}]`);
        if (block.text !== undefined) textObject(block.text, `${where}/text`, 3000, ['mrkdwn', 'plain_text'], errors);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10) errors.push(`must contain 1 to 10 items [json-pointer:${where}/fields]`);
          else block.fields.forEach((field: unknown, at) => textObject(field, `${where}/fields/${at}`, 2000, ['mrkdwn', 'plain_text'], errors));
        }
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
          errors.push(`must contain 1 to 25 items [json-pointer:${where}/elements]`);
          break;
        }
        block.elements.forEach((element: unknown, at) => {
          if (!isObject(element) || element.type !== 'button') return void errors.push(`unsupported element [json-pointer:${where}/elements/${at}]`);
          checkButton(element, `${where}/elements/${at}`, actionIds, errors);
        });
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
          errors.push(`must contain 1 to 10 items [json-pointer:${where}/elements]`);
          break;
        }
        block.elements.forEach((element: unknown, at) => textObject(element, `${where}/elements/${at}`, 3000, ['mrkdwn', 'plain_text'], errors));
        break;
      case 'divider':
        break;
      case 'image':
        if (typeof block.image_url !== 'string' && !isObject(block.slack_file)) errors.push(`must provide image_url or slack_file [json-pointer:${where}]`);
        if (typeof block.alt_text !== 'string' || !block.alt_text) errors.push(`must provide alt_text [json-pointer:${where}/alt_text]`);
        break;
      default:
        errors.push(`unsupported type: ${String(block.type)} [json-pointer:${where}/type]`);
    }
  });
  return errors;
}
