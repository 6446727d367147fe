// What went wrong talking to Slack, in words an operator can act on. The Web API answers most
// failures with HTTP 200 and {ok:false, error:"<code>"}; the client turns those into platform
// errors, and network or 5xx failures (after its retries) into request or HTTP errors.
import { scrubSecrets } from '#src/log.ts';

interface MaybeSlackError {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  message?: unknown;
}

/** Slack's own error code (invalid_auth, not_in_channel, …), when Slack answered at all. */
export function slackErrorCode(error: unknown): string | undefined {
  const candidate = error as MaybeSlackError | undefined;
  return typeof candidate?.data?.error === 'string' ? candidate.data.error : undefined;
}

/** One line for the log: the Slack code or HTTP status, and the message, with secrets removed. */
export function describeSlackError(error: unknown): string {
  const candidate = error as MaybeSlackError | undefined;
  const code = slackErrorCode(error);
  const message = typeof candidate?.message === 'string' ? candidate.message : String(error);
  return scrubSecrets(code ? `Slack answered ${code}: ${message}` : message);
}

/** Why start() failed, and what to change. */
export function explainStartError(error: unknown, apiUrl: string, token: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN'): string {
  const code = slackErrorCode(error);
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
    return token === 'SLACK_BOT_TOKEN'
      ? `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token (it starts with xoxb-) from your app's "OAuth & Permissions" page, reinstall the app to the workspace if it was revoked, and set SLACK_BOT_TOKEN.`
      : `Slack refused SLACK_APP_TOKEN (${code}). Create an app-level token with the connections:write scope (Basic Information → App-Level Tokens; it starts with xapp-) and set SLACK_APP_TOKEN, or unset it to use the HTTP receiver.`;
  }
  if (code) return `Slack refused to start the bot (${code}). Check the app's settings against docs/slack-manifest.yml.`;
  const candidate = error as MaybeSlackError | undefined;
  if (candidate?.code === 'EADDRINUSE') return `SLACK_PORT is already in use by another program. Choose a free port (SLACK_PORT=3001) and update the Request URLs in your Slack app to match.`;
  return `Could not reach Slack's Web API at ${apiUrl} (${describeSlackError(error)}). Check the network, or SLACK_API_URL if you set it (GovSlack uses https://slack-gov.com/api/).`;
}
