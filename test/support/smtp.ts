// A real SMTP server on loopback (the smtp-server package) for the email tests.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { TEST_SECRETS } from './secrets.ts';

export const SMTP_USER = 'alerts@example.test';

/** The SMTP_URL that logs in to a server started here. */
export function smtpUrl(port: number): string {
  return `smtp://${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(TEST_SECRETS.smtpPassword)}@127.0.0.1:${port}`;
}

/** A real SMTP server on loopback that wants a login and keeps what it receives, parsed. */
export function startSmtpServer(received: { envelopeTo: string[]; mail: ParsedMail }[], reject?: { code: number; message: string }) {
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === TEST_SECRETS.smtpPassword) return callback(null, { user: SMTP_USER });
      return callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream, { keepCidLinks: true })
        .then((mail) => {
          if (reject) return callback(Object.assign(new Error(reject.message), { responseCode: reject.code }));
          received.push({ envelopeTo: session.envelope.rcptTo.map((to) => to.address), mail });
          callback();
        })
        .catch(callback);
    },
  });
  return new Promise<{ server: SMTPServer; port: number }>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, port: ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port }));
  });
}

