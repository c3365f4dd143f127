/**
 * Parses and validates one OTTO JSON line,
 * `{"session": int, "events": [{"aid": int, "ts": unix ms, "type": "clicks"|"carts"|"orders"}, ...]}`,
 * into reusable typed arrays. Problems go to the RowLedger with file:line:column.
 */
import type { DtrnErrorDetails } from '@dtrn/base';
import type { RowLedger, SkipReason } from '../bad-input.js';

/** Event types in OTTO's spelling, in behavior order (click, cart, order). */
export const OTTO_EVENT_TYPES = ['clicks', 'carts', 'orders'] as const;
export type OttoEventType = (typeof OTTO_EVENT_TYPES)[number];

/** One parsed session; arrays are reused between lines (valid up to `length`). */
export class OttoSession {
  session = 0;
  length = 0;
  aids = new Float64Array(256);
  timestamps = new Float64Array(256);
  /** 0 = clicks, 1 = carts, 2 = orders. */
  types = new Uint8Array(256);

  reserve(length: number): void {
    if (length <= this.aids.length) return;
    const capacity = Math.max(length, this.aids.length * 2);
    this.aids = new Float64Array(capacity);
    this.timestamps = new Float64Array(capacity);
    this.types = new Uint8Array(capacity);
  }
}

/** Column (1-based) of `"key"` inside the `eventIndex`-th event object, best effort (error path only). */
function eventColumn(line: string, eventIndex: number, key: string | undefined): number {
  let position = line.indexOf('"events"');
  if (position < 0) return 1;
  for (let k = 0; k <= eventIndex; k++) {
    position = line.indexOf('{', position + 1);
    if (position < 0) return 1;
  }
  if (key === undefined) return position + 1;
  const keyPosition = line.indexOf(`"${key}"`, position);
  const objectEnd = line.indexOf('}', position);
  return keyPosition >= 0 && (objectEnd < 0 || keyPosition < objectEnd) ? keyPosition + 1 : position + 1;
}

function jsonErrorColumn(error: unknown): number {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  return match ? Number(match[1]) + 1 : 1;
}

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Parses a line into `out`; returns false (after recording the rejection) when the row is bad. */
export function parseOttoLine(
  line: string,
  lineNumber: number,
  unterminated: boolean,
  file: string,
  ledger: RowLedger,
  out: OttoSession,
): boolean {
  const reject = (
    reason: SkipReason,
    message: string,
    column: number | string,
    details: DtrnErrorDetails,
  ) => {
    ledger.reject(reason, message, { ...details, where: { file, line: lineNumber, column } });
    return false;
  };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return reject(
      unterminated ? 'truncated' : 'malformed',
      unterminated ? 'the last line is cut off (no newline, not valid JSON)' : 'the line is not valid JSON',
      jsonErrorColumn(error),
      { expected: 'one JSON object per line', found: line.length > 60 ? `${line.slice(0, 57)}...` : line },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('malformed', 'a session line must be a JSON object', 1, {
      expected: '{"session": ..., "events": [...]}',
      found: value,
    });
  }
  const record = value as { session?: unknown; events?: unknown };
  const sessionColumn = Math.max(1, line.indexOf('"session"') + 1);
  if (typeof record.session !== 'number') {
    return reject('malformed', 'missing or non-numeric "session"', sessionColumn, {
      expected: 'an integer session id',
      found: record.session,
    });
  }
  if (!Number.isFinite(record.session)) {
    return reject('non-finite', '"session" is not finite', sessionColumn, {
      expected: 'a finite integer',
      found: record.session,
    });
  }
  if (!isId(record.session)) {
    return reject('id-out-of-range', '"session" is out of range', sessionColumn, {
      expected: `an integer in [0, ${Number.MAX_SAFE_INTEGER}]`,
      found: record.session,
    });
  }
  const events = record.events;
  if (!Array.isArray(events) || events.length === 0) {
    return reject(
      'malformed',
      '"events" must be a non-empty array',
      Math.max(1, line.indexOf('"events"') + 1),
      {
        expected: 'a non-empty array of events',
        found: events,
      },
    );
  }
  out.reserve(events.length);
  out.session = record.session;
  let previousTime = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < events.length; k++) {
    const event = events[k] as { aid?: unknown; ts?: unknown; type?: unknown } | null;
    const where = `events[${k}]`;
    if (typeof event !== 'object' || event === null) {
      return reject('malformed', `${where} is not an object`, eventColumn(line, k, undefined), {
        expected: '{"aid", "ts", "type"}',
        found: event,
      });
    }
    const { aid, ts, type } = event;
    if (typeof aid !== 'number' || typeof ts !== 'number') {
      const key = typeof aid !== 'number' ? 'aid' : 'ts';
      return reject('malformed', `${where}.${key} is missing or not a number`, eventColumn(line, k, key), {
        expected: 'a number',
        found: event[key],
      });
    }
    if (!Number.isFinite(aid) || !Number.isFinite(ts)) {
      const key = !Number.isFinite(aid) ? 'aid' : 'ts';
      return reject('non-finite', `${where}.${key} is not finite`, eventColumn(line, k, key), {
        expected: 'a finite number',
        found: event[key],
      });
    }
    if (!isId(aid)) {
      return reject('id-out-of-range', `${where}.aid is out of range`, eventColumn(line, k, 'aid'), {
        expected: `an integer in [0, ${Number.MAX_SAFE_INTEGER}]`,
        found: aid,
      });
    }
    const typeIndex = type === 'clicks' ? 0 : type === 'carts' ? 1 : type === 'orders' ? 2 : -1;
    if (typeIndex < 0) {
      return reject('malformed', `${where}.type is unknown`, eventColumn(line, k, 'type'), {
        expected: '"clicks", "carts" or "orders"',
        found: type,
      });
    }
    if (ts < previousTime) {
      return reject('malformed', `${where}.ts goes back in time`, eventColumn(line, k, 'ts'), {
        expected: `events in time order (ts >= ${previousTime})`,
        found: ts,
      });
    }
    previousTime = ts;
    out.aids[k] = aid;
    out.timestamps[k] = ts;
    out.types[k] = typeIndex;
  }
  out.length = events.length;
  return true;
}
