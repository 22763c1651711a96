// ioredis defineCommand (EVALSHA, falling back to EVAL on NOSCRIPT) on a Cluster client.
//   node ioredis_scripts.js PORT N
// Defines a command that increments a counter key and appends to a list in the same slot, runs it on N keys
// spread over all slots, and checks the results. Prints one JSON line {ok, ...}; exits non-zero on error.
const Redis = require("ioredis");

const [port, n] = process.argv.slice(2);
const cluster = new Redis.Cluster([{ host: "127.0.0.1", port: Number(port) }], { maxRedirections: 64 });
cluster.defineCommand("bump", {
  numberOfKeys: 2,
  lua: "local v = redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], v) return {v, redis.call('LLEN', KEYS[2])}",
});

(async () => {
  const guard = setTimeout(() => { console.log(JSON.stringify({ ok: false, error: "timeout" })); process.exit(3); }, 120000);
  let wrong = 0, errors = 0;
  const messages = new Set();
  try {
    for (let round = 1; round <= 2; round++) {
      for (let i = 0; i < Number(n); i++) {
        try {
          const r = await cluster.bump(`{s${i}}:count`, `{s${i}}:log`, 5);
          if (r[0] !== 5 * round || r[1] !== round) wrong++;
        } catch (e) {
          errors++;
          messages.add(String(e.message).slice(0, 120));
        }
      }
    }
    console.log(JSON.stringify({ ok: errors === 0 && wrong === 0, errors, wrong, messages: [...messages] }));
    clearTimeout(guard);
    await cluster.quit();
    process.exit(errors === 0 && wrong === 0 ? 0 : 1);
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e) }));
    process.exit(2);
  }
})();
