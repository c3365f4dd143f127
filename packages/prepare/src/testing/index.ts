/**
 * `@dtrn/prepare/testing`: a small seeded table data set written as CSV, JSON lines and Parquet
 * (samples with a list column) plus an event log, and dataset configs for it. Made-up ids; used by
 * this package's tests, the app's tests and as a worked example.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '@dtrn/base';
import { DuckSession } from '../duckdb/session.js';
import { literal } from '../duckdb/sql.js';

export interface FixtureEvent {
  readonly user: string;
  readonly item: string;
  readonly type: 'click' | 'cart' | 'order';
  readonly ts: number;
}

export interface FixtureSample {
  readonly user: string;
  readonly item: string;
  readonly category: string;
  readonly price: number;
  readonly ts: number;
  /** The user's last (up to) 8 clicked items before `ts`, oldest first. */
  readonly history: readonly string[];
  readonly click: 0 | 1;
  readonly buy: 0 | 1;
}

export interface TableFixture {
  readonly dir: string;
  readonly files: {
    readonly csv: string;
    readonly jsonl: string;
    readonly parquet: string;
    readonly events: string;
  };
  readonly samples: readonly FixtureSample[];
  readonly events: readonly FixtureEvent[];
}

const TYPES = ['click', 'cart', 'order'] as const;

function generate(samples: number, events: number, seed: number, items: number) {
  const rng = createRng(seed);
  const users = 40;
  const categoryOf = (item: number) => `c${(item % 6) + 1}`;
  const favorite = Array.from({ length: users }, () => Math.floor(rng.next() * 6) + 1);
  const eventList: FixtureEvent[] = [];
  for (let e = 0; e < events; e++) {
    const user = Math.floor(rng.next() * users);
    const draw = rng.next();
    const type = TYPES[draw < 0.7 ? 0 : draw < 0.9 ? 1 : 2]!;
    eventList.push({
      user: `u${user + 1}`,
      item: `i${Math.floor(rng.next() * items) + 1}`,
      type,
      ts: 1 + Math.floor(rng.next() * 10_000),
    });
  }
  const sampleList: FixtureSample[] = [];
  for (let s = 0; s < samples; s++) {
    const user = Math.floor(rng.next() * users);
    const itemIndex = Math.floor(rng.next() * items);
    // Every fifth sample sits exactly at one of its user's event times: ties must stay out.
    const own = eventList.filter((event) => event.user === `u${user + 1}`);
    const ts =
      s % 5 === 0 && own.length > 0
        ? own[Math.floor(rng.next() * own.length)]!.ts
        : 1 + Math.floor(rng.next() * 10_000);
    const history = own
      .filter((event) => event.type === 'click' && event.ts < ts)
      .sort((a, b) => a.ts - b.ts)
      .slice(-8)
      .map((event) => event.item);
    const match = (itemIndex % 6) + 1 === favorite[user] ? 1 : 0;
    const click = rng.next() < 0.15 + 0.6 * match ? 1 : 0;
    const buy = click === 1 && rng.next() < 0.5 ? 1 : 0;
    sampleList.push({
      user: `u${user + 1}`,
      item: `i${itemIndex + 1}`,
      category: categoryOf(itemIndex),
      price: Math.round((5 + rng.next() * 95) * 100) / 100,
      ts,
      history,
      click,
      buy,
    });
  }
  return { samples: sampleList, events: eventList };
}

/** Writes `samples.{csv,jsonl,parquet}` and `events.csv` into `dir` (`items`: distinct item ids, default 60). */
export async function writeTableFixture(
  dir: string,
  options: { samples?: number; events?: number; seed?: number; items?: number } = {},
): Promise<TableFixture> {
  await mkdir(dir, { recursive: true });
  const { samples, events } = generate(
    options.samples ?? 600,
    options.events ?? 2000,
    options.seed ?? 7,
    options.items ?? 60,
  );
  const files = {
    csv: join(dir, 'samples.csv'),
    jsonl: join(dir, 'samples.jsonl'),
    parquet: join(dir, 'samples.parquet'),
    events: join(dir, 'events.csv'),
  };
  const header = 'user,item,category,price,ts,history,click,buy';
  const lines = samples.map((s) =>
    [s.user, s.item, s.category, s.price, s.ts, s.history.join('|'), s.click, s.buy].join(','),
  );
  await writeFile(files.csv, `${[header, ...lines].join('\n')}\n`);
  await writeFile(files.jsonl, `${samples.map((s) => JSON.stringify(s)).join('\n')}\n`);
  await writeFile(
    files.events,
    `user,item,type,ts\n${events.map((e) => `${e.user},${e.item},${e.type},${e.ts}`).join('\n')}\n`,
  );
  const session = await DuckSession.open({ memoryLimit: undefined, tempDirectory: undefined, threads: 1 });
  try {
    await session.run(
      `COPY (SELECT "user", item, category, price, ts, list_filter(string_split(history, '|'), x -> x <> '') AS history, click, buy FROM read_csv(${literal(files.csv)}, header = true, columns = {'user': 'VARCHAR', 'item': 'VARCHAR', 'category': 'VARCHAR', 'price': 'DOUBLE', 'ts': 'BIGINT', 'history': 'VARCHAR', 'click': 'INTEGER', 'buy': 'INTEGER'})) TO ${literal(files.parquet)} (FORMAT parquet)`,
    );
  } finally {
    session.close();
  }
  return { dir, files, samples, events };
}

/** A dataset config for the fixture: a list-column sequence, or sequences built from the event log. */
export function fixtureConfig(
  fixture: TableFixture,
  options: {
    format: 'csv' | 'jsonl' | 'parquet';
    sequences: 'list' | 'events' | 'none';
    badInput?: 'error' | 'skip';
  },
): Record<string, unknown> {
  const sequences =
    options.sequences === 'list'
      ? { target: 'item', behaviors: [{ name: 'click', column: 'history', separator: '|', maxLength: 8 }] }
      : options.sequences === 'events'
        ? {
            target: 'item',
            time: 'ts',
            events: { file: fixture.files.events, user: 'user', item: 'item', behavior: 'type', time: 'ts' },
            behaviors: [
              { name: 'click', maxLength: 8 },
              { name: 'cart', maxLength: 4 },
              { name: 'order', maxLength: 2 },
            ],
          }
        : undefined;
  return {
    name: `fixture-${options.format}-${options.sequences}`,
    file: fixture.files[options.format],
    split: { by: 'user', validation: 0.2, test: 0.2, seed: 3 },
    fields: [
      { name: 'item', type: 'categorical', oov: 'reserved' },
      { name: 'category', type: 'categorical' },
      { name: 'price', type: 'numeric', transform: 'standardize' },
    ],
    ...(sequences ? { sequences } : {}),
    tasks: [
      { name: 'click', positive: ['1'], negative: ['0'] },
      { name: 'buy', positive: ['1'], negative: ['0'], sampleSpace: 'click' },
    ],
    group: 'user',
    labels: 'strict',
    badInput: options.badInput ?? 'error',
  };
}
