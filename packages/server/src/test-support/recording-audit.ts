import type { AuditEvent, AuditLog, AuditTemplate } from '../audit/audit.types.js';

/** An audit log that keeps every event in `events`, queued or not, for tests of services that audit. */
export function recordingAuditLog(events: AuditEvent[]): AuditLog {
  return {
    record: async (event) => {
      events.push(event);
    },
    enqueue: (event) => {
      events.push(event);
    },
    template: (event) => JSON.stringify(event) as AuditTemplate,
    enqueueFromTemplate: (template, origin) => {
      events.push({ ...(JSON.parse(template) as AuditEvent), ...(origin ? { origin } : {}) });
    },
    flush: async () => undefined,
  };
}
