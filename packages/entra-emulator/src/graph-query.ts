import type { EmulatorContext } from './context.js';
import { graphErrors } from './graph-errors.js';
import { comparisons, type FilterNode, FilterSyntaxError, parseFilter } from './graph-filter.js';
import { APPLICATION_PROPERTIES } from './graph-format.js';
import { header, type EmulatorRequest, type EmulatorResponse } from './http.js';

export interface ListQuery {
  top: number;
  offset: number;
  select: string[] | null;
  filter: FilterNode | null;
  count: boolean;
  search: string | null;
  orderBy: { property: 'displayName'; descending: boolean } | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; response: EmulatorResponse };

const DEFAULT_PAGE_SIZE = 100;
const PROPERTY_BY_LOWER = new Map(APPLICATION_PROPERTIES.map((name) => [name.toLowerCase(), name]));

/** Which filter operators each property supports (Graph docs for `application`). */
const FILTERABLE: Record<string, Set<string>> = {
  id: new Set(['eq', 'in']),
  appId: new Set(['eq', 'in']),
  displayName: new Set(['eq', 'ne', 'in', 'startswith']),
  signInAudience: new Set(['eq', 'ne', 'in']),
  publisherDomain: new Set(['eq', 'ne', 'in', 'startswith']),
};

const ADVANCED_OPERATORS = new Set(['ne']);

export function isEventual(request: EmulatorRequest): boolean {
  return (header(request.headers, 'consistencylevel') ?? '').toLowerCase() === 'eventual';
}

const unknownProperty = (name: string): string => `Could not find a property named '${name}' on type 'microsoft.graph.application'.`;

export function parseSelect(ctx: EmulatorContext, request: EmulatorRequest): Parsed<string[] | null> {
  const raw = request.query.get('$select');
  if (raw === null) return { ok: true, value: null };
  const names: string[] = [];
  for (const part of raw.split(',').map((value) => value.trim()).filter(Boolean)) {
    const canonical = PROPERTY_BY_LOWER.get(part.toLowerCase());
    if (!canonical) return { ok: false, response: graphErrors.badRequest(ctx, request, unknownProperty(part)) };
    if (!names.includes(canonical)) names.push(canonical);
  }
  return { ok: true, value: names.length > 0 ? names : null };
}

export function parseFilterOption(ctx: EmulatorContext, request: EmulatorRequest, isAdvanced: boolean): Parsed<FilterNode | null> {
  const raw = request.query.get('$filter');
  if (raw === null || raw.trim() === '') return { ok: true, value: null };
  let tree: FilterNode;
  try {
    tree = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      return { ok: false, response: graphErrors.badRequest(ctx, request, `Invalid filter clause: ${error.message}`, 'BadRequest') };
    }
    throw error;
  }
  for (const { node, negated } of comparisons(tree)) {
    const canonical = PROPERTY_BY_LOWER.get(node.property.toLowerCase());
    if (!canonical) return { ok: false, response: graphErrors.badRequest(ctx, request, unknownProperty(node.property)) };
    node.property = canonical;
    const operators = FILTERABLE[canonical];
    if (!operators?.has(node.kind)) {
      return {
        ok: false,
        response: graphErrors.unsupportedQuery(
          ctx,
          request,
          `Unsupported or invalid query filter clause specified for property '${canonical}' of resource 'Application'.`,
        ),
      };
    }
    const operator = negated ? 'not' : ADVANCED_OPERATORS.has(node.kind) ? node.kind : null;
    if (operator && !isAdvanced) {
      return {
        ok: false,
        response: graphErrors.unsupportedQuery(
          ctx,
          request,
          `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count with a value of true and ConsistencyLevel header with a value of eventual.`,
        ),
      };
    }
  }
  return { ok: true, value: tree };
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url');
}

function decodeSkipToken(token: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; o?: unknown };
    return parsed.v === 1 && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : null;
  } catch {
    return null;
  }
}

/** Query options of `GET /applications`, validated in the order Graph reports them (reference §2.3). */
export function parseListQuery(ctx: EmulatorContext, request: EmulatorRequest): Parsed<ListQuery> {
  const { query } = request;
  const eventual = isEventual(request);
  const rawTop = query.get('$top');
  let top = DEFAULT_PAGE_SIZE;
  if (rawTop !== null) {
    const value = /^\d+$/.test(rawTop) ? Number(rawTop) : Number.NaN;
    if (!(value >= 1 && value <= 999)) {
      return {
        ok: false,
        response: graphErrors.unsupportedQuery(ctx, request, `Invalid page size specified: '${rawTop}'. Must be between 1 and 999 inclusive.`),
      };
    }
    top = value;
  }
  const select = parseSelect(ctx, request);
  if (!select.ok) return select;
  const rawCount = query.get('$count');
  if (rawCount !== null && rawCount !== 'true' && rawCount !== 'false') {
    return { ok: false, response: graphErrors.badRequest(ctx, request, `Invalid value '${rawCount}' for $count. Use true or false.`, 'BadRequest') };
  }
  const count = rawCount === 'true';
  if (count && !eventual) {
    return {
      ok: false,
      response: graphErrors.unsupportedQuery(
        ctx,
        request,
        "Count is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
      ),
    };
  }
  const filter = parseFilterOption(ctx, request, eventual && count);
  if (!filter.ok) return filter;
  const search = query.get('$search');
  if (search !== null && !eventual) {
    return {
      ok: false,
      response: graphErrors.unsupportedQuery(
        ctx,
        request,
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      ),
    };
  }
  let orderBy: ListQuery['orderBy'] = null;
  const rawOrder = query.get('$orderby');
  if (rawOrder !== null) {
    const match = /^\s*displayName(?:\s+(asc|desc))?\s*$/i.exec(rawOrder);
    if (!match) return { ok: false, response: graphErrors.unsupportedQuery(ctx, request, 'Sorting not supported for current query.') };
    orderBy = { property: 'displayName', descending: match[1]?.toLowerCase() === 'desc' };
  }
  if (query.get('$expand') !== null) {
    return { ok: false, response: graphErrors.badRequest(ctx, request, 'The emulator does not support $expand on applications.') };
  }
  let offset = 0;
  const skipToken = query.get('$skiptoken');
  if (skipToken !== null) {
    const decoded = decodeSkipToken(skipToken);
    if (decoded === null) return { ok: false, response: graphErrors.badRequest(ctx, request, 'Invalid syntax for skip token.') };
    offset = decoded;
  }
  return { ok: true, value: { top, offset, select: select.value, filter: filter.value, count, search, orderBy } };
}

/** `$search="displayName:word"`: tokenized prefix match, as directory search behaves. */
export function searchMatcher(search: string): ((displayName: string) => boolean) | null {
  const match = /^"\s*displayName\s*:\s*([^"]*)"$/i.exec(search.trim());
  if (!match) return null;
  const term = (match[1] ?? '').toLowerCase();
  return (displayName) => displayName.toLowerCase().split(/[\s\-_.]+/).some((word) => word.startsWith(term));
}
