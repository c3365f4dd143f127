// Preload for `dtrn compare --jsonl` (docs/results/quick-preset.md): appends the process's CPU time
// (user + sys of every thread, so worker threads count) and wall seconds to each JSON-lines event
// that is not a step's progress, in the file named by CPU_TRACE.
//   CPU_TRACE=trace.log node --import ./docs/results/scripts/cpu-trace.mjs apps/cli/dist/bin.js \
//     compare --config probe.yaml --backend wasm --jsonl > events.jsonl
// bin.js runs itself once more with an allocator setting and passes `--import` on: the events are
// the child's; the parent only adds its own start and exit lines (under a second of CPU).
import { appendFileSync } from 'node:fs';

const file = process.env.CPU_TRACE ?? 'cpu-trace.log';
const started = Date.now();
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return ((usage.user + usage.system) / 1e6).toFixed(1);
};
const wallSeconds = () => ((Date.now() - started) / 1000).toFixed(1);
const write = process.stdout.write.bind(process.stdout);
appendFileSync(file, `start cpu=${cpuSeconds()} wall=0\n`);
process.stdout.write = (chunk, ...rest) => {
  for (const line of String(chunk).split('\n')) {
    if (!line || line.includes('"type":"progress"')) continue;
    appendFileSync(file, `cpu=${cpuSeconds()} wall=${wallSeconds()} ${line.slice(0, 4000)}\n`);
  }
  return write(chunk, ...rest);
};
process.on('exit', () => appendFileSync(file, `exit cpu=${cpuSeconds()} wall=${wallSeconds()}\n`));
