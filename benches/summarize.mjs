// Reads the JSON records of one run_rounds.sh run and prints medians per (server, scenario,
// transport, connections), and the ratios the goals of docs/benchmarks.md are stated in.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const records = fs.readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const groups = new Map();
for (const r of records) {
  const key = `${r.label}|${r.scenario}|${r.transport}|${r.connections}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const cell = new Map();
console.log('| server | scenario | transport | conns | runs | req/s (median) | p50 µs | p99 µs | server CPU µs/req | RSS/session KiB |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [key, rs] of [...groups].sort()) {
  const [label, scenario, transport, conns] = key.split('|');
  const m = {
    rps: median(rs.map((r) => r.throughput_rps)),
    p50: median(rs.map((r) => r.latency_us.p50)),
    p99: median(rs.map((r) => r.latency_us.p99)),
    cpu: median(rs.map((r) => r.server_cpu_us_per_request ?? NaN)),
    rss: median(rs.map((r) => r.rss_per_connection_kb ?? NaN)),
    anon: median(rs.map((r) => r.anon_per_connection_kb ?? NaN)),
  };
  cell.set(key, m);
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '');
  console.log(`| ${label} | ${scenario} | ${transport} | ${conns} | ${rs.length} | ${f(m.rps)} | ${f(m.p50)} | ${f(m.p99)} | ${f(m.cpu, 1)} | ${f(m.rss, 2)} |`);
}
const get = (k) => cell.get(k);
const ratio = (name, a, b, field, goal, higherBetter = true) => {
  const x = get(a)?.[field];
  const y = get(b)?.[field];
  if (!Number.isFinite(x) || !Number.isFinite(y) || y === 0) return;
  const r = x / y;
  const met = higherBetter ? r >= goal : r <= goal;
  console.log(`| ${name} | ${r.toFixed(2)} | ${higherBetter ? '≥' : '≤'} ${goal} | ${met ? 'met' : 'not met'} |`);
};
console.log('\n| ratio | value | goal | |');
console.log('|---|---|---|---|');
ratio('mcprt http c64 req/s ÷ TS v1 stateless', 'mcprt|rpc|http|64', 'ts-v1-stateless|rpc|http-stateless|64', 'rps', 30);
ratio('mcprt http c64 req/s ÷ TS v2', 'mcprt|rpc|http|64', 'ts-v2|rpc|http|64', 'rps', 30);
ratio('mcprt http c64 req/s ÷ ceiling', 'mcprt|rpc|http|64', 'ceiling|rpc|http|64', 'rps', 0.6);
ratio('mcprt http-session c64 req/s ÷ TS v1 stateful', 'mcprt|rpc|http-session|64', 'ts-v1-stateful|rpc|http-session|64', 'rps', 20);
ratio('mcprt c1 p50 ÷ ceiling c1 p50', 'mcprt|rpc|http|1', 'ceiling|rpc|http|1', 'p50', 1.5, false);
ratio('mcprt c64 p99 ÷ ceiling c64 p99', 'mcprt|rpc|http|64', 'ceiling|rpc|http|64', 'p99', 2, false);
ratio('mcprt-actor http c64 req/s ÷ ceiling', 'mcprt-actor|rpc|http|64', 'ceiling|rpc|http|64', 'rps', 0.6);
ratio('mcprt-actor c1 p50 ÷ ceiling c1 p50', 'mcprt-actor|rpc|http|1', 'ceiling|rpc|http|1', 'p50', 1.5, false);
// An A/B against another build (run_rounds.sh ... base): mcprt ÷ base, no goal but "no worse".
for (const [t, c] of [['http', 64], ['http-session', 64], ['http', 1]]) {
  const x = get(`mcprt|rpc|${t}|${c}`);
  const y = get(`base|rpc|${t}|${c}`);
  if (x && y) {
    console.log(`| mcprt ÷ base ${t} c${c}: req/s ${(x.rps / y.rps).toFixed(3)}, p50 ${(x.p50 / y.p50).toFixed(3)}, CPU/req ${(x.cpu / y.cpu).toFixed(3)} | | | |`);
  }
}
const idle = get('mcprt|idle|http|' + (records.find((r) => r.scenario === 'idle' && r.label === 'mcprt')?.connections));
if (idle) console.log(`| mcprt RSS per idle 2025 session (KiB; anonymous ${idle.anon.toFixed(2)}) | ${idle.rss.toFixed(2)} | ≤ 4 | ${idle.rss <= 4 ? 'met' : 'not met'} |`);
