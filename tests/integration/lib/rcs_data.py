"""Reading a key's whole value through redis-py, for tests that compare data between servers."""


def key_contents(client, key):
    """(type, value) of `key` in an order-free form: GET, LRANGE, sorted SMEMBERS, ZRANGE WITHSCORES, sorted
    HGETALL items; None for other types."""
    t = client.type(key).decode()
    if t == "string":
        v = client.get(key)
    elif t == "list":
        v = client.lrange(key, 0, -1)
    elif t == "set":
        v = sorted(client.smembers(key))
    elif t == "zset":
        v = client.zrange(key, 0, -1, withscores=True)
    elif t == "hash":
        v = sorted(client.hgetall(key).items())
    else:
        v = None
    return t, v
