// Bolt and its Web API client log through this, into the process's pino logger (which scrubs
// secrets). Their debug lines include every outgoing request body, so they go to trace: visible
// when someone asks for everything, not in an ordinary debug log.
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '#src/log.ts';

function line(parts: unknown[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part instanceof Error ? part.message : JSON.stringify(part))).join(' ');
}

export function slackLogger(log: Logger): SlackLogger {
  const child = log.child({ platform: 'slack' });
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...parts) => child.trace(line(parts)),
    info: (...parts) => child.info(line(parts)),
    warn: (...parts) => child.warn(line(parts)),
    error: (...parts) => child.error(line(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
