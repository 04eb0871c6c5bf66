import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.js';
import { lazySmtpTransport } from '../organizations/mailer.js';
import { causeSummary, failureCause } from './lifecycle-events.js';

export type AlertMessage = { to: string; subject: string; text: string };
export type AlertMailer = { send(message: AlertMessage): Promise<void>; close(): void };

/** Sends through REKEY_SMTP_URL (smtp:// upgrades with STARTTLS when offered; smtps:// is TLS from the start). */
export function createSmtpAlertMailer(url: string, from: string): AlertMailer {
  const transport = lazySmtpTransport(url);
  let isUsed = false;
  return {
    async send(message) {
      isUsed = true;
      await (await transport()).sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => {
      if (isUsed) void transport().then((opened) => opened.close());
    },
  };
}

/** What an alert is about, as the module has it after looking the rotation up. */
export type AlertContext = {
  rotation: { id: string; name: string; type: string; secretPath: string };
  project: { id: string; orgId: string; name: string };
  environment: { slug: string; name: string } | null;
};

export type FailureAlert = AlertContext & {
  category: string | undefined;
  message: string | undefined;
  consecutiveFailures: number;
  isCircuitOpen: boolean;
  occurredAt: Date;
};

export type ExpiryAlert = AlertContext & { keyId: string; expiresAt: Date; daysLeft: number; marginDays: number };

/**
 * Email alerts to a project's administrators: a rotation that has finally failed (the circuit breaker opened,
 * or an error that waiting cannot fix) and a credential close to its end date. Sending is best effort: a
 * failure is logged and never affects the rotation; webhooks and the audit log carry the same events.
 */
export function createEmailAlerts(deps: { db: Db; mailer: AlertMailer; logger: FastifyBaseLogger; publicUrl: string | undefined }) {
  /** Project admins (members holding the admin role); with none, the organization's admins, so someone hears of it. */
  async function recipients(projectId: string, orgId: string): Promise<string[]> {
    const projectAdmins = await deps.db
      .selectFrom('project_membership_roles as r')
      .innerJoin('project_memberships as m', 'm.id', 'r.membership_id')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .innerJoin('org_memberships as om', (join) => join.onRef('om.user_id', '=', 'u.id').on('om.org_id', '=', orgId))
      .select('u.email')
      .distinct()
      .where('m.project_id', '=', projectId)
      .where('r.role', '=', 'admin')
      .where('om.status', '=', 'accepted')
      .execute();
    if (projectAdmins.length > 0) return projectAdmins.map((row) => row.email).sort();
    const orgAdmins = await deps.db
      .selectFrom('org_memberships as om')
      .innerJoin('users as u', 'u.id', 'om.user_id')
      .select('u.email')
      .where('om.org_id', '=', orgId)
      .where('om.role', '=', 'admin')
      .where('om.status', '=', 'accepted')
      .execute();
    return orgAdmins.map((row) => row.email).sort();
  }

  function where(context: AlertContext): string[] {
    const environment = context.environment ? `${context.environment.name} (${context.environment.slug})` : 'unknown';
    const link = deps.publicUrl ? [`Open it: ${deps.publicUrl}/projects/${context.project.id}/rotations/${context.rotation.id}`] : [];
    return [
      `Project:     ${context.project.name}`,
      `Environment: ${environment}`,
      `Secret path: ${context.rotation.secretPath}`,
      `Rotation:    ${context.rotation.name} (${context.rotation.type})`,
      ...link,
    ];
  }

  async function sendToAdmins(context: AlertContext, subject: string, text: string): Promise<number> {
    const to = await recipients(context.project.id, context.project.orgId);
    let sent = 0;
    for (const address of to) {
      try {
        await deps.mailer.send({ to: address, subject, text });
        sent++;
      } catch (error) {
        deps.logger.warn({ err: error, rotationId: context.rotation.id }, 'could not send an alert email');
      }
    }
    return sent;
  }

  return {
    recipients,

    async rotationFailed(alert: FailureAlert): Promise<number> {
      const cause = failureCause(alert.category);
      const state = alert.isCircuitOpen
        ? `failed ${alert.consecutiveFailures} times in a row, so Rekey has stopped retrying it automatically.`
        : 'failed with an error that will not go away by retrying, so Rekey is not retrying it automatically.';
      const text = [
        `The secret rotation "${alert.rotation.name}" ${state}`,
        'Consumers keep the credential that is published now: nothing has changed for them yet.',
        '',
        ...where(alert),
        `Last attempt: ${alert.occurredAt.toISOString()}`,
        '',
        `Cause: ${cause}: ${causeSummary[cause]}.`,
        ...(alert.message ? [`Error: ${alert.message}`] : []),
        '',
        'What to do: fix the cause, then choose "Rotate now" (or edit the rotation) to resume automatic rotation.',
        '',
        '-- Rekey',
      ].join('\n');
      return sendToAdmins(alert, `Secret rotation failed: ${alert.rotation.name}`, text);
    },

    async credentialExpiring(alert: ExpiryAlert): Promise<number> {
      const left = alert.daysLeft <= 0 ? 'has expired' : `expires in ${alert.daysLeft} day${alert.daysLeft === 1 ? '' : 's'}`;
      const text = [
        `The active credential of the secret rotation "${alert.rotation.name}" ${left} (${alert.expiresAt.toISOString()}).`,
        `Rekey flags a credential with less than ${alert.marginDays} day${alert.marginDays === 1 ? '' : 's'} left: rotations should have replaced it long before.`,
        '',
        ...where(alert),
        `Client secret keyId: ${alert.keyId}`,
        '',
        'What to do: look at the rotation history for failed attempts, fix the cause and choose "Rotate now".',
        'When the credential expires, applications using it can no longer sign in.',
        '',
        '-- Rekey',
      ].join('\n');
      return sendToAdmins(alert, `Credential expiring: ${alert.rotation.name}`, text);
    },
  };
}

export type EmailAlerts = ReturnType<typeof createEmailAlerts>;
