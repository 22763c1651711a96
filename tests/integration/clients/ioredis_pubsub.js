// ioredis cluster pub/sub for the integration tests.
//   node ioredis_pubsub.js PORT1,PORT2,...    (every node's port)
// A Cluster subscriber to a channel hears one PUBLISH sent to each node exactly once; a Cluster SSUBSCRIBE
// hears an SPUBLISH sent through a second Cluster client (routed to the channel's shard).
// Prints one JSON line {ok, ...}; exits non-zero when not ok.
const Redis = require("ioredis");
const { ports, waitFor, run } = require("./pubsub_common");

const opts = { maxRedirections: 16, slotsRefreshTimeout: 5000 };
// shardedSubscribers: one subscriber connection per master, so SSUBSCRIBE goes to the channel's shard.
const sub = new Redis.Cluster([{ host: "127.0.0.1", port: ports[0] }], { ...opts, shardedSubscribers: true });
const pub = new Redis.Cluster([{ host: "127.0.0.1", port: ports[0] }], opts);

async function main() {
  const got = [];
  const sgot = [];
  sub.on("message", (ch, msg) => { if (ch === "io-news") got.push(msg); });
  sub.on("smessage", (ch, msg) => { if (ch === "io-shard") sgot.push(msg); });
  await sub.subscribe("io-news");
  for (const p of ports) {
    const r = new Redis({ host: "127.0.0.1", port: p });
    await r.publish("io-news", `via-${p}`);
    r.disconnect();
  }
  await waitFor(() => got.length >= ports.length, 10000);
  await new Promise((r) => setTimeout(r, 300));  // any duplicate would have arrived by now
  const plainOk = got.length === ports.length && new Set(got).size === ports.length;

  await sub.ssubscribe("io-shard");
  const receivers = await pub.spublish("io-shard", "s1");
  await waitFor(() => sgot.length >= 1, 10000);
  const shardOk = sgot.length === 1 && sgot[0] === "s1" && receivers === 1;
  return { ok: plainOk && shardOk, plain: got.sort(), sharded: sgot, spublish_receivers: receivers };
}

run(main, () => { sub.disconnect(); pub.disconnect(); });
