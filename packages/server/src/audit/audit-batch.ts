import type { RequestOrigin } from './audit.types.js';

/**
 * Queued read events, column by column. Under read load one identity reads the same folder from the same
 * client over and over, so a batch keeps each distinct template (who, what, where: everything but time and
 * origin, as JSON) and each distinct origin once, and per event only its id, time and two indexes. Nothing per
 * event is an object for the garbage collector, and PostgreSQL parses each template once per batch instead of
 * a JSON document per event (measured: ~32 → ~20 µs of PostgreSQL CPU per read; bench/RESULTS.md).
 */
export type AuditBatch = {
  readonly size: number;
  add(id: string, atMs: number, templateJson: string, origin: RequestOrigin | undefined): void;
  /** The statement's parameters: PostgreSQL array literals and two JSON arrays. */
  parameters(): { ids: string; times: string; templates: string; origins: string; templateJson: string; originJson: string };
};

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

export function createAuditBatch(): AuditBatch {
  const ids: string[] = [];
  const times: number[] = [];
  const templates: number[] = [];
  const origins: number[] = [];
  const templateJson: string[] = [];
  const templateIndex = new Map<string, number>();
  const originJson: string[] = [];
  const originIndex = new Map<string, number>();
  // The last origin's index, so that a client reading again and again costs no key and no lookup.
  let last = { ip: null as string | null, userAgent: null as string | null, index: -1 };

  function indexOfOrigin(origin: RequestOrigin | undefined): number {
    const ip = origin?.ip ?? null;
    const userAgent = origin?.userAgent ?? null;
    if (last.index >= 0 && ip === last.ip && userAgent === last.userAgent) return last.index;
    const json = jsonbJson([ip, userAgent]);
    let index = originIndex.get(json);
    if (index === undefined) {
      index = originJson.push(json) - 1;
      originIndex.set(json, index);
    }
    last = { ip, userAgent, index };
    return index;
  }

  return {
    get size() {
      return ids.length;
    },
    add(id, atMs, template, origin) {
      let index = templateIndex.get(template);
      if (index === undefined) {
        index = templateJson.push(template) - 1;
        templateIndex.set(template, index);
      }
      ids.push(id);
      times.push(atMs);
      templates.push(index);
      origins.push(indexOfOrigin(origin));
    },
    parameters() {
      // Ids are uuids and the rest are integers: none needs quoting inside an array literal.
      return {
        ids: `{${ids.join(',')}}`,
        times: `{${times.join(',')}}`,
        templates: `{${templates.join(',')}}`,
        origins: `{${origins.join(',')}}`,
        templateJson: `[${templateJson.join(',')}]`,
        originJson: `[${originJson.join(',')}]`,
      };
    },
  };
}
