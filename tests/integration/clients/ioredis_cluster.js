// ioredis Cluster client for the integration tests.
//   node ioredis_cluster.js PORT PASSWORD write-read N       writes N keys across all slots, reads them back
//   node ioredis_cluster.js PORT PASSWORD loop SECONDS        writes and reads until SECONDS pass (live reshard)
//   node ioredis_cluster.js PORT PASSWORD resume STOPFILE     writes and reads until STOPFILE exists (at most
//                                                            300 s) through failovers: errors are counted, not
//                                                            fatal; ok when it kept working after its last error
// RCS_USERNAME in the environment: authenticate as that ACL user (with PASSWORD) on every node.
// Prints one JSON line {ok, errors, ...}; exits non-zero on any error.
const Redis = require("ioredis");

const [port, password, mode, arg] = process.argv.slice(2);
const cluster = new Redis.Cluster([{ host: "127.0.0.1", port: Number(port) }], {
  redisOptions: process.env.RCS_USERNAME ? { username: process.env.RCS_USERNAME, password } : { password },
  maxRedirections: 64,
  retryDelayOnMoved: 10,
  slotsRefreshTimeout: 5000,
});

async function writeRead(n) {
  let errors = 0;
  // Batches of concurrent commands (a cluster pipeline must stay within one slot, so no pipeline here).
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) batch.push(cluster.set(`io:${j}`, `v${j}`).catch(() => { errors++; }));
    await Promise.all(batch);
  }
  let wrong = 0;
  for (let i = 0; i < n; i++) if ((await cluster.get(`io:${i}`)) !== `v${i}`) wrong++;
  return { ok: errors === 0 && wrong === 0, errors, wrong, keys: n };
}

async function loop(seconds) {
  const end = Date.now() + seconds * 1000;
  let ops = 0, errors = 0, wrong = 0, i = 0;
  const messages = new Set();
  while (Date.now() < end) {
    const k = `live:${i % 5000}`;
    try {
      await cluster.set(k, String(i));
      if ((await cluster.get(k)) !== String(i)) wrong++;
      ops += 2;
    } catch (e) {
      errors++;
      messages.add(String(e.message).slice(0, 120));
    }
    i++;
  }
  return { ok: errors === 0 && wrong === 0, ops, errors, wrong, messages: [...messages].slice(0, 5) };
}

// Through kill -9 failovers: the same client object must find the new masters by itself.
async function resume(stopFile) {
  const fs = require("fs");
  const end = Date.now() + 300 * 1000;
  let ops = 0, errors = 0, opsAfterLastError = 0, i = 0;
  const messages = new Set();
  while (Date.now() < end && !fs.existsSync(stopFile)) {
    const k = `resume:{r${i % 64}}:${i}`;
    try {
      await cluster.set(k, String(i));
      await cluster.get(k);
      ops += 2;
      opsAfterLastError += 2;
    } catch (e) {
      errors++;
      opsAfterLastError = 0;
      messages.add(String(e.message).slice(0, 120));
      await new Promise((r) => setTimeout(r, 20));
    }
    i++;
  }
  return { ok: ops > 0 && opsAfterLastError >= 20, ops, errors, opsAfterLastError, messages: [...messages].slice(0, 5) };
}

(async () => {
  const guard = setTimeout(() => { console.log(JSON.stringify({ ok: false, error: "timeout" })); process.exit(3); },
                           (mode === "loop" ? Number(arg) + 60 : mode === "resume" ? 360 : 120) * 1000);
  try {
    const r = mode === "loop" ? await loop(Number(arg)) : mode === "resume" ? await resume(arg) : await writeRead(Number(arg));
    console.log(JSON.stringify(r));
    clearTimeout(guard);
    cluster.disconnect();
    process.exit(r.ok ? 0 : 1);
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e) }));
    process.exit(2);
  }
})();
