import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on localhost that keeps what it receives, parsed with mailparser. */
export class Mailbox {
  readonly mails: ParsedMail[] = [];
  private server?: SMTPServer;

  constructor(private readonly refuse: (address: string) => boolean = () => false) {}

  async start(port = 0): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (!this.refuse(address.address)) return callback();
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
        callback(error);
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then((mail) => {
          this.mails.push(mail);
          callback();
        }, callback);
      },
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ParsedMail[] {
    return this.mails.filter((mail) =>
      (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.text.includes(address)),
    );
  }
}
