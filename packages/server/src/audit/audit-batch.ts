import type { RequestOrigin } from './audit.types.js';

/**
 * Queued read events, coalesced without loss. Under read load one caller reads the same folder from the same
 * client over and over (a service polling its secrets); a row per read made the audit insert the largest cost of
 * a cached read (bench/RESULTS.md) and millions of identical rows a day. So within a batch, the reads of one
 * template (who, what, where: everything but time and origin) from one origin become one event: its time is the
 * first read's, and when there was more than one read its metadata says how many (`reads`) and when each
 * happened (`readOffsetsMs`, milliseconds after the event's time). Every read is still recorded.
 */
export type AuditBatch = {
  /** Events (rows) so far; a read that joins an existing event adds none. */
  readonly size: number;
  add(atMs: number, templateJson: string, origin: RequestOrigin | undefined): void;
  /** The statement's parameters: PostgreSQL array literals and JSON arrays, one element per event. */
  parameters(newId: () => string): { ids: string; times: string; templates: string; origins: string; offsets: string; templateJson: string; originJson: string };
};

/** An event stops taking reads at this many; the next read starts a new one. */
export const maxReadsPerEvent = 1_000;

// PostgreSQL's jsonb refuses \u0000 and unpaired surrogates, which JSON.stringify writes as escapes. (A JSON
// escaped backslash followed by "u0000" matches too; that only costs a needless second pass.)
const jsonbUnsafeEscape = /\\u(?:0000|d[89a-f])/i;
const nulOrUnpairedSurrogate = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function jsonbSafeString(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(nulOrUnpairedSurrogate, '\ufffd') : value;
}

/** JSON that PostgreSQL's jsonb accepts: the characters it refuses become U+FFFD. */
export function jsonbJson(value: unknown): string {
  const json = JSON.stringify(value);
  return jsonbUnsafeEscape.test(json) ? JSON.stringify(value, jsonbSafeString) : json;
}

type QueuedEvent = { template: number; origin: number; firstMs: number; offsets: number[] };

export function createAuditBatch(): AuditBatch {
  const events: QueuedEvent[] = [];
  const templateJson: string[] = [];
  const templateIndex = new Map<string, number>();
  const originJson: string[] = [];
  const originIndex = new Map<string, number>();
  /** The open event of each template and origin, keyed `template:origin`. */
  const openEvents = new Map<string, QueuedEvent>();
  // The last origin and event, so that a client reading again and again costs no key and no lookup.
  let lastOrigin = { ip: null as string | null, userAgent: null as string | null, index: -1 };
  let lastEvent: QueuedEvent | undefined;

  function indexOfOrigin(origin: RequestOrigin | undefined): number {
    const ip = origin?.ip ?? null;
    const userAgent = origin?.userAgent ?? null;
    if (lastOrigin.index >= 0 && ip === lastOrigin.ip && userAgent === lastOrigin.userAgent) return lastOrigin.index;
    const json = jsonbJson([ip, userAgent]);
    let index = originIndex.get(json);
    if (index === undefined) {
      index = originJson.push(json) - 1;
      originIndex.set(json, index);
    }
    lastOrigin = { ip, userAgent, index };
    return index;
  }

  function indexOfTemplate(template: string): number {
    let index = templateIndex.get(template);
    if (index === undefined) {
      index = templateJson.push(template) - 1;
      templateIndex.set(template, index);
    }
    return index;
  }

  return {
    get size() {
      return events.length;
    },
    add(atMs, template, origin) {
      const templateAt = indexOfTemplate(template);
      const originAt = indexOfOrigin(origin);
      let event = lastEvent?.template === templateAt && lastEvent.origin === originAt ? lastEvent : openEvents.get(`${templateAt}:${originAt}`);
      if (event && event.offsets.length < maxReadsPerEvent) {
        // Times from the clock never go backwards by much; an offset below zero would only say "at the same time".
        event.offsets.push(Math.max(0, atMs - event.firstMs));
      } else {
        event = { template: templateAt, origin: originAt, firstMs: atMs, offsets: [0] };
        events.push(event);
        openEvents.set(`${templateAt}:${originAt}`, event);
      }
      lastEvent = event;
    },
    parameters(newId) {
      // Ids are uuids and the rest are integers: none needs quoting inside an array literal.
      return {
        ids: `{${events.map(() => newId()).join(',')}}`,
        times: `{${events.map((event) => event.firstMs).join(',')}}`,
        templates: `{${events.map((event) => event.template).join(',')}}`,
        origins: `{${events.map((event) => event.origin).join(',')}}`,
        offsets: `[${events.map((event) => `[${event.offsets.join(',')}]`).join(',')}]`,
        templateJson: `[${templateJson.join(',')}]`,
        originJson: `[${originJson.join(',')}]`,
      };
    },
  };
}
