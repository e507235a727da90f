import nodemailer from 'nodemailer';

/** One plain-text email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** The port modules send email through; absent when no SMTP server is configured. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * The SMTP adapter (the only IO to a mail server): null when `smtpUrl` is empty, so a module
 * without a mailer simply sends nothing.
 */
export function createMailer(options: { smtpUrl: string; from: string }): Mailer | null {
  if (!options.smtpUrl) return null;
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
