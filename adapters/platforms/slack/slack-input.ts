// Turns the text Slack delivers back into the command line the person typed. Slack encodes &, <
// and > as entities (so `vram>=24` arrives as `vram&gt;=24`), wraps mentions and links in angle
// brackets (<@U123>, <https://x|x>), and phone keyboards turn quotes into curly ones; the argument
// grammar expects none of that.

/** The command line in a message, slash command text or mention, without the mention of the bot. */
export function slackCommandLine(text: string, botUserId?: string): string {
  const withoutBot = botUserId ? text.replaceAll(`<@${botUserId}>`, ' ') : text.replace(/^\s*<@[A-Z0-9]+(\|[^>]*)?>/, ' ');
  return withoutBot
    .replace(/<(?:mailto:)?([^<>|]+)\|([^<>]*)>/g, '$2')
    .replace(/<([^<>@#!][^<>]*)>/g, '$1')
    .replace(/[“”„]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
