// ioredis Cluster consumer-group workers for the stream integration tests.
//   node ioredis_streams.js PORT GROUP ENTRIES WORKERS DEAD KEY...
// For each KEY (a stream, each on its own slot): XGROUP CREATE KEY GROUP $ MKSTREAM; DEAD entries read (and never
// acknowledged) by consumer "dead"; WORKERS workers per stream, each with its own Cluster object (a blocking read
// holds its connection), loop XREADGROUP COUNT 10 BLOCK 500 ... > + XACK, and when a read times out take over the
// dead consumer's entries with XAUTOCLAIM (min idle 3000 ms); meanwhile the producer adds the rest, up to ENTRIES
// entries per stream. Prints one JSON line: {processed: {KEY: [n of every entry processed, in order]},
// claimed, acked, errors, messages}; the caller checks exactly-once. Exits 0 when every entry was processed.
const Redis = require("ioredis");

const [port, group, entriesArg, workersArg, deadArg, ...keys] = process.argv.slice(2);
const ENTRIES = Number(entriesArg), WORKERS = Number(workersArg), DEAD = Number(deadArg);
const MIN_IDLE_MS = 3000;
const newCluster = () => new Redis.Cluster([{ host: "127.0.0.1", port: Number(port) }],
                                           { maxRedirections: 64, retryDelayOnMoved: 10, slotsRefreshTimeout: 5000 });

// XREADGROUP/XAUTOCLAIM entries: [id, [field, value, ...]] (XAUTOCLAIM gives null for a deleted entry).
const fieldN = (fields) => { for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "n") return Number(fields[i + 1]); return -1; };

async function main() {
  const producer = newCluster();
  const processed = {};
  let claimed = 0, acked = 0, errors = 0;
  const messages = new Set();
  for (const k of keys) {
    processed[k] = [];
    await producer.xgroup("CREATE", k, group, "$", "MKSTREAM");
    for (let i = 0; i < DEAD; i++) await producer.xadd(k, "*", "n", String(i), "by", "ioredis");
    const r = await producer.xreadgroup("GROUP", group, "dead", "COUNT", DEAD, "STREAMS", k, ">");
    if (!r || r[0][1].length !== DEAD) throw new Error(`dead consumer read ${JSON.stringify(r)}`);
  }
  const total = keys.length * ENTRIES;
  const count = () => keys.reduce((a, k) => a + processed[k].length, 0);
  const deadline = Date.now() + 40000;
  const done = () => count() >= total || Date.now() > deadline;

  async function worker(key, name) {
    const c = newCluster();
    const handle = async (entries) => {
      for (const [id, fields] of entries) {
        if (fields === null) continue;
        processed[key].push(fieldN(fields));
        const n = await c.xack(key, group, id);  // not `acked += await ...`: that reads acked before the await
        acked += n;
      }
    };
    while (!done()) {
      try {
        const r = await c.xreadgroup("GROUP", group, name, "COUNT", 10, "BLOCK", 500, "STREAMS", key, ">");
        if (r) { await handle(r[0][1]); continue; }
        const [, entries] = await c.xautoclaim(key, group, name, MIN_IDLE_MS, "0-0", "COUNT", 10);
        claimed += entries.filter((e) => e[1] !== null).length;
        await handle(entries);
      } catch (e) {
        errors++;
        messages.add(String(e.message).slice(0, 120));
        await new Promise((res) => setTimeout(res, 20));
      }
    }
    c.disconnect();
  }

  const workers = [];
  for (const k of keys) for (let w = 0; w < WORKERS; w++) workers.push(worker(k, `io-${w}`));
  // The workers are blocked (or about to be) while the rest is produced.
  for (let i = DEAD; i < ENTRIES; i++) {
    await Promise.all(keys.map((k) => producer.xadd(k, "*", "n", String(i), "by", "ioredis")));
  }
  await Promise.all(workers);
  producer.disconnect();
  return { ok: count() === total, processed, claimed, acked, errors, messages: [...messages].slice(0, 5) };
}

(async () => {
  const guard = setTimeout(() => { console.log(JSON.stringify({ ok: false, error: "timeout" })); process.exit(3); }, 55000);
  try {
    const r = await main();
    clearTimeout(guard);
    console.log(JSON.stringify(r));
    process.exit(r.ok ? 0 : 1);
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e && e.stack || e) }));
    process.exit(2);
  }
})();
