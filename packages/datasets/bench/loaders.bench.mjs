// Loader throughput and memory: pnpm --filter @dtrn/datasets bench (or node bench/loaders.bench.mjs).
// Generates OTTO-format and Ali-CCP-format files in a temp dir, then measures (median of RUNS):
// - OTTO parse: line reading + JSON validation (events/s), and the full two-pass streamOtto (events/s);
// - Ali-CCP skeleton parse: line reading + row/feature decoding (rows/s), and the full streamAliCcp.
// Env: DTRN_BENCH_OTTO_MB (default 40), DTRN_BENCH_ALICCP_ROWS (default 200000), DTRN_BENCH_RUNS (3).
// The 2 GB streaming run: DTRN_BENCH_OTTO_MB=2048 DTRN_BENCH_RUNS=1 node --expose-gc bench/loaders.bench.mjs
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@dtrn/base';
import { median, timedAsync } from '@dtrn/tooling/bench';
import {
  fileSource,
  forEachRow,
  OttoSession,
  ParsedFeatures,
  parseOttoLine,
  parseSkeletonLine,
  RowLedger,
  streamAliCcp,
  streamOtto,
} from '../dist/node.js';

const OTTO_MB = Number(process.env.DTRN_BENCH_OTTO_MB ?? 40);
const ALICCP_ROWS = Number(process.env.DTRN_BENCH_ALICCP_ROWS ?? 200_000);
const RUNS = Number(process.env.DTRN_BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'dtrn-loaders-bench-'));
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);

async function writeLines(path, makeLine, until) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  let count = 0;
  while (!until(bytes, count)) {
    const line = makeLine(count++);
    bytes += line.length;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return count;
}

async function generateOtto(path) {
  const rng = createRng(1);
  const types = ['clicks', 'carts', 'orders'];
  let events = 0;
  const sessions = await writeLines(
    path,
    (session) => {
      const length = 2 + Math.floor(-Math.log(1 - rng.next()) * 15); // mean ~17 events
      let ts = 1659304800000 + session * 1000;
      const parts = [];
      for (let k = 0; k < length; k++) {
        ts += 1 + rng.int(600_000);
        const u = rng.next();
        const aid = Math.floor(1_855_603 * u * u); // skewed popularity
        const draw = rng.next();
        parts.push(`{"aid":${aid},"ts":${ts},"type":"${types[draw < 0.9 ? 0 : draw < 0.98 ? 1 : 2]}"}`);
      }
      events += length;
      return `{"session":${session},"events":[${parts.join(',')}]}\n`;
    },
    (bytes) => bytes >= OTTO_MB * 2 ** 20,
  );
  return { sessions, events };
}

function features(pairs) {
  return pairs.map(([field, id, value]) => `${field}\x02${id}\x03${value}`).join('\x01');
}

async function generateAliCcp(skeletonPath, commonPath, rows, profiles) {
  const rng = createRng(2);
  await writeLines(
    commonPath,
    (p) => {
      const pairs = [['101', 1_000_000 + p, 1]];
      for (const field of ['121', '122', '124', '125', '126', '127', '128', '129'])
        pairs.push([field, rng.int(100), 1]);
      for (const bag of ['109_14', '110_14', '127_14', '150_14']) {
        for (let k = 0; k < 30; k++) pairs.push([bag, rng.int(50_000), 1 + rng.int(20)]);
      }
      return `p${p.toString(16)},${pairs.length},${features(pairs)}\n`;
    },
    (_, count) => count >= profiles,
  );
  await writeLines(
    skeletonPath,
    (row) => {
      const pairs = [];
      for (const field of ['205', '206', '207', '210', '216', '508', '509', '702', '853', '301']) {
        pairs.push([field, rng.int(200_000), '1.0']);
      }
      const click = rng.next() < 0.04 ? 1 : 0;
      const conversion = click && rng.next() < 0.05 ? 1 : 0;
      return `${row},${click},${conversion},p${rng.int(profiles).toString(16)},${pairs.length},${features(pairs)}\n`;
    },
    (_, count) => count >= rows,
  );
}

async function timed(fn) {
  globalThis.gc?.();
  const { wall, result } = await timedAsync(fn);
  return { seconds: wall / 1000, result };
}

const ottoPath = join(dir, 'otto.jsonl');
const generated = await timed(() => generateOtto(ottoPath));
const { sessions, events } = generated.result;
const ottoBytes = statSync(ottoPath).size;
console.log(
  `OTTO file: ${mib(ottoBytes)} MiB, ${sessions} sessions, ${events} events (generated in ${generated.seconds.toFixed(1)} s)`,
);

const parseRates = [];
const loadRates = [];
for (let run = 0; run < RUNS; run++) {
  const parse = await timed(async () => {
    const ledger = new RowLedger('otto.jsonl', 'error');
    const session = new OttoSession();
    let parsedEvents = 0;
    await forEachRow(
      fileSource(ottoPath),
      ledger,
      { rowDescription: 'sessions' },
      undefined,
      (line, n, open) => {
        if (parseOttoLine(line, n, open, 'otto.jsonl', ledger, session)) parsedEvents += session.length;
        ledger.rowsUsed++;
      },
    );
    return parsedEvents;
  });
  parseRates.push(parse.result / parse.seconds);
  const load = await timed(() => streamOtto(fileSource(ottoPath), { batchSize: 4096 }, () => {}));
  loadRates.push(events / load.seconds);
}
console.log(
  `OTTO parse (read + validate):      ${Math.round(median(parseRates)).toLocaleString('en-US')} events/s`,
);
console.log(
  `OTTO streamOtto (2 passes + samples): ${Math.round(median(loadRates)).toLocaleString('en-US')} events/s of file`,
);
rmSync(ottoPath);

const skeletonPath = join(dir, 'sample_skeleton.csv');
const commonPath = join(dir, 'common_features.csv');
const profiles = Math.max(100, Math.floor(ALICCP_ROWS / 50));
await generateAliCcp(skeletonPath, commonPath, ALICCP_ROWS, profiles);
console.log(
  `Ali-CCP skeleton: ${ALICCP_ROWS} rows, ${mib(statSync(skeletonPath).size)} MiB; ${profiles} profiles`,
);
const skeletonRates = [];
const aliLoadRates = [];
for (let run = 0; run < RUNS; run++) {
  const parse = await timed(async () => {
    const ledger = new RowLedger('skeleton', 'error');
    const row = { click: 0, conversion: 0, commonFeatureIndex: '', sampleId: '' };
    const parsed = new ParsedFeatures();
    await forEachRow(fileSource(skeletonPath), ledger, { rowDescription: 'rows' }, undefined, (line, n) => {
      if (parseSkeletonLine(line, { file: 'skeleton', line: n, ledger }, row, parsed)) ledger.rowsUsed++;
    });
    return ledger.rowsUsed;
  });
  skeletonRates.push(parse.result / parse.seconds);
  const load = await timed(() =>
    streamAliCcp(
      {
        trainSkeleton: fileSource(skeletonPath),
        trainCommonFeatures: fileSource(commonPath),
        testSkeleton: fileSource(skeletonPath),
        testCommonFeatures: fileSource(commonPath),
      },
      { minFrequency: 10 },
      () => {},
    ),
  );
  aliLoadRates.push((2 * ALICCP_ROWS) / load.seconds);
}
console.log(
  `Ali-CCP skeleton parse:            ${Math.round(median(skeletonRates)).toLocaleString('en-US')} rows/s`,
);
console.log(
  `Ali-CCP streamAliCcp (6 passes):   ${Math.round(median(aliLoadRates)).toLocaleString('en-US')} sample rows/s`,
);
rmSync(dir, { recursive: true, force: true });
const peak = process.resourceUsage().maxRSS * 1024;
console.log(
  `peak RSS of this process: ${mib(peak)} MiB (node ${process.version}, runs ${RUNS}, median reported)`,
);
