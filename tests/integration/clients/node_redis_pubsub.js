// The npm `redis` package (node-redis 4) cluster client, for the integration tests.
//   node node_redis_pubsub.js PORT1,PORT2,...    (every node's port)
// sSubscribe on the cluster client (node-redis routes it to the channel's shard) hears an sPublish sent
// through a second cluster client once; subscribe hears a PUBLISH sent to each node once.
// Prints one JSON line {ok, ...}; exits non-zero when not ok.
const { createCluster, createClient } = require("redis");
const { ports, waitFor, run } = require("./pubsub_common");

const rootNodes = [{ url: `redis://127.0.0.1:${ports[0]}` }];

async function main() {
  const sub = createCluster({ rootNodes });
  const pub = createCluster({ rootNodes });
  sub.on("error", () => {});
  pub.on("error", () => {});
  await sub.connect();
  await pub.connect();
  const sgot = [];
  const got = [];
  await sub.sSubscribe("nr-shard", (msg) => sgot.push(msg));
  await sub.subscribe("nr-news", (msg) => got.push(msg));
  const receivers = await pub.sPublish("nr-shard", "s1");
  for (const p of ports) {
    const c = createClient({ url: `redis://127.0.0.1:${p}` });
    c.on("error", () => {});
    await c.connect();
    await c.publish("nr-news", `via-${p}`);
    await c.quit();
  }
  await waitFor(() => sgot.length >= 1 && got.length >= ports.length, 10000);
  await new Promise((r) => setTimeout(r, 300));  // any duplicate would have arrived by now
  const ok = receivers === 1 && sgot.length === 1 && sgot[0] === "s1" && got.length === ports.length &&
             new Set(got).size === ports.length;
  await sub.quit();
  await pub.quit();
  return { ok, sharded: sgot, spublish_receivers: receivers, plain: got.sort() };
}

run(main);
