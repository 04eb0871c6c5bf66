import type { Transporter } from 'nodemailer';

export type MailMessage = { to: string; subject: string; text: string };
export type Mailer = { send(message: MailMessage): Promise<void> };

/** Sends through the SMTP server in REKEY_SMTP_URL (smtp:// with STARTTLS when offered, or smtps://). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = lazySmtpTransport(url);
  return {
    async send(message) {
      await (await transport()).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}

/** nodemailer is loaded with the first message: most starts send none, and it is a sizeable module graph. */
export function lazySmtpTransport(url: string): () => Promise<Transporter> {
  let transport: Promise<Transporter> | undefined;
  return () => {
    transport ??= import('nodemailer').then((nodemailer) => nodemailer.default.createTransport(url));
    return transport;
  };
}
