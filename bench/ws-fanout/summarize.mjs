// Median, min and max of the runs written by fanout.mjs.
import { readFileSync } from 'node:fs';

const runs = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, 'utf8')));
const stat = (pick) => {
  const values = runs.map(pick).sort((a, b) => a - b);
  return { median: values[Math.floor((values.length - 1) / 2)], min: values[0], max: values[values.length - 1] };
};
const rows = [
  ['delivery min (ms)', stat((r) => r.latencyMs.min)],
  ['delivery p50 (ms)', stat((r) => r.latencyMs.p50)],
  ['delivery p99 (ms)', stat((r) => r.latencyMs.p99)],
  ['delivery max (ms)', stat((r) => r.latencyMs.max)],
  ['heap per idle connection (KiB)', stat((r) => r.heapPerConnectionKiB)],
  ['RSS per idle connection (KiB)', stat((r) => r.rssPerConnectionKiB)],
  ['API CPU during delivery (ms)', stat((r) => r.cpuMs.api)],
  ['load generator CPU during delivery (ms)', stat((r) => r.cpuMs.loadGenerator)],
  ['connect all (s)', stat((r) => r.connectSeconds)],
];
console.log(`${runs.length} runs, ${runs.map((r) => `${r.received}/${r.clients}`).join(', ')} received; load average at each: ${runs.map((r) => r.loadAverage).join(' | ')}`);
console.log('| figure | median | min | max |\n|---|---|---|---|');
for (const [name, s] of rows) console.log(`| ${name} | ${s.median} | ${s.min} | ${s.max} |`);
