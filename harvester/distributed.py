"""A crawl shared by N workers on any number of hosts, on scrapy-redis (docs/scaling.md).

Every worker runs the same spiders with ``HARVESTER_REDIS_URL`` set (``harvester harvest
--distributed``); they share, per site, in one Redis:

* the **scheduler queue and dupefilter** (scrapy-redis' ``Scheduler`` and ``RFPDupeFilter``),
  seeded by every worker (a start request enters the queue once per run, claimed by its
  fingerprint in the same Redis step; no worker sees an empty queue before the run is seeded);
  a detail page is queued once per run by its canonical URL, whichever worker listed it;
  with a leased queue (:class:`LeasedQueue`): a popped request stays in ``<queue>:leases`` until
  the worker is done with it (its item stored, its callback finished). A worker killed mid-run
  loses nothing: its leases expire (``HARVESTER_LEASE_SECONDS``) and go back to the queue for
  the others. (scrapy-redis' own queues pop for good: a killed worker's in-flight requests would
  be lost.) A lease that keeps expiring is given up after ``HARVESTER_LEASE_ATTEMPTS``.
* **politeness per site** (:class:`SharedPolitenessMiddleware`): one request start per site per
  ``DOWNLOAD_DELAY`` across all workers (a Redis key with a millisecond expiry), so N workers do
  not hit one site N times harder;
* **one harvest run** (:class:`DistributedRun`): the first worker of a site takes the site's lock,
  opens the run and publishes it; the others adopt it (and the lock, whose heartbeat they all
  keep). Each worker adds its stats, the URLs it saw and whether its sweep was complete; the last
  worker to finish (the others' heartbeats gone) closes the run once for all: pages gone, counts,
  checks, lock released, the site's Redis keys cleared.

Stores go straight to the shared PostgreSQL (each worker's store pipeline batches as usual).
The add-on that turns a crawl into a worker (harvester.distributed_addon) is apart from this
module: a crawl of its own imports neither scrapy-redis nor redis.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy_redis.queue import Base as RedisQueueBase
from scrapy_redis.scheduler import Scheduler as RedisScheduler

log = logging.getLogger(__name__)

LEASE_META = "harvester_lease"
STATE_META = "harvester_spider_state"
SEED_META = "harvester_seed"

# Pop the best request and lease it in one step (no window in which a crash loses it).
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], ARGV[1], r[1])
return r[1]
"""
# Adopt the site's open run, only the very run the caller read (ARGV[1]): 1 adopted, 0 the run's
# info changed meanwhile (closing, or another run). One step, so that no worker joins a run whose
# closer has already merged the shares without it.
_ADOPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# Take the closing of a run: only if nobody took it and no worker still beats within the lease
# (ARGV[2] now, ARGV[3] lease), in one step with the check (a worker that adopted the run meanwhile
# keeps it open). The site's info becomes "closing" (ARGV[5]) for at most 300 s: workers starting
# meanwhile wait for the close instead of adopting the run or taking it for dead, and a closer killed
# mid-close holds nobody up for longer. The marker (KEYS[1]) outlives the run's other keys (ARGV[4]
# seconds): a worker that was judged killed and comes back finds its run closed, and neither adds
# its share nor closes the run a second time.
_TAKE_CLOSING = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for _, beat in ipairs(redis.call('HVALS', KEYS[2])) do
  if tonumber(ARGV[2]) - tonumber(beat) < tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[5], 'EX', 300)
return 1
"""
# Expired leases back into the queue, counting attempts; returns {requeued, given up}.
_RECLAIM = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
local back, dropped = 0, 0
for _, member in ipairs(expired) do
  redis.call('ZREM', KEYS[2], member)
  local n = redis.call('HINCRBY', KEYS[3], member, 1)
  if n <= tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[1], 0, member)
    back = back + 1
  else
    redis.call('HDEL', KEYS[3], member)
    dropped = dropped + 1
  end
end
return {back, dropped}
"""
# A request that enters the queue once per run, whichever worker gets there first (a start
# request, a detail page): claim it and queue it in one step (a worker killed in between cannot
# lose it).
_PUSH_ONCE = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  return 1
end
return 0
"""


class LeasedQueue(RedisQueueBase):
    """A scrapy-redis priority queue whose pops are leases (see the module docs)."""

    lease_seconds = 120.0
    max_attempts = 3

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.lease_seconds = settings.getfloat("HARVESTER_LEASE_SECONDS", self.lease_seconds)
        self.max_attempts = settings.getint("HARVESTER_LEASE_ATTEMPTS", self.max_attempts)
        self.leases_key = f"{key}:leases"
        self.attempts_key = f"{key}:attempts"
        self.seeds_key = f"{key}:seeds"
        #: canonical URLs of the detail pages requested in this run, by any worker
        self.pages_key = f"{key}:pages"
        self._pop = server.register_script(_POP)
        self._push_once = server.register_script(_PUSH_ONCE)
        #: url -> lease of the requests this worker holds (acks of errback items, which do not
        #: pass through spider middlewares)
        self.inflight: dict[str, bytes] = {}
        self._reclaim = server.register_script(_RECLAIM)

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def leased(self) -> int:
        return self.server.zcard(self.leases_key)

    def push(self, request) -> None:
        lease = request.meta.pop(LEASE_META, None)
        data = self._encode_request(request)
        pipe = self.server.pipeline()
        pipe.zadd(self.key, {data: -request.priority})
        if lease is not None:  # a retry or redirect replaces the request it came from
            pipe.zrem(self.leases_key, lease)
            pipe.hdel(self.attempts_key, lease)
        pipe.execute()

    def push_once(self, request, claim_key: str, claim: str) -> bool:
        """Queue ``request`` unless a worker of this run already added ``claim`` to the set
        ``claim_key``, in one Redis step; True if queued here."""
        data = self._encode_request(request)
        return bool(self._push_once(keys=[self.key, claim_key], args=[claim, -request.priority, data]))

    def pop(self, timeout: int = 0):
        data = self._pop(keys=[self.key, self.leases_key], args=[time.time() + self.lease_seconds])
        if data is None:
            return None
        request = self._decode_request(data)
        request.meta[LEASE_META] = data
        self.inflight[request.url] = data
        # an errback's item names the page by its canonical URL, which may differ from the
        # URL requested (a listing's link with tracking parameters): both find the lease
        page = request.meta.get("harvester_page_url")
        if page:
            self.inflight[page] = data
        return request

    def ack(self, lease: bytes, url: str | None = None) -> None:
        self._forget(lease, url)
        pipe = self.server.pipeline()
        pipe.zrem(self.leases_key, lease)
        pipe.hdel(self.attempts_key, lease)
        pipe.execute()

    def release(self, lease: bytes, url: str | None = None) -> None:
        """Give a lease up unfinished (its page was fetched but not stored): it expires now, so
        the next reclaim, by any worker, puts the request back in the queue (counting it as an
        attempt: a page no worker can store is given up after ``max_attempts``)."""
        self._forget(lease, url)  # no longer renewed
        self.server.zadd(self.leases_key, {lease: 0}, xx=True)

    def _forget(self, lease: bytes, url: str | None) -> None:
        if url is not None:
            self.inflight.pop(url, None)
        for held_url, held in list(self.inflight.items()):
            if held == lease:
                del self.inflight[held_url]

    def renew(self) -> None:
        """Extend the leases this worker holds: a lease only runs out when its worker stops
        (killed, frozen), not while a request waits for its politeness slot or its store batch."""
        held = set(self.inflight.values())
        if held:
            deadline = time.time() + self.lease_seconds
            self.server.zadd(self.leases_key, {lease: deadline for lease in held}, xx=True)

    def reclaim(self) -> tuple[int, int]:
        back, dropped = self._reclaim(keys=[self.key, self.leases_key, self.attempts_key],
                                      args=[time.time(), self.max_attempts])
        return int(back), int(dropped)

    def clear(self) -> None:
        self.server.delete(self.key, self.leases_key, self.attempts_key, self.seeds_key, self.pages_key)


class DistributedScheduler(RedisScheduler):
    """scrapy-redis' scheduler with the leased queue: pending while any worker holds a lease
    (so no worker closes while a killed one's requests may still come back), and expired leases
    reclaimed as it polls."""

    def open(self, spider):
        from twisted.internet import task

        super().open(spider)
        self.crawler = spider.crawler
        spider.crawler.harvester_queue = self.queue
        self._renewal = task.LoopingCall(self.queue.renew)
        self._renewal.start(self.queue.lease_seconds / 4, now=False)

    def close(self, reason):
        if getattr(self, "_renewal", None) is not None and self._renewal.running:
            self._renewal.stop()
        return super().close(reason)

    def enqueue_request(self, request):
        claim = self._claim(request)
        if claim is not None:
            # Queued once per run across all workers, claimed in the Redis step that queues it
            # (no window in which a worker killed in between loses it).
            key, value = claim
            if self.queue.push_once(request, key, value):
                self.stats.inc_value("scheduler/enqueued/redis")
                return True
            if key == self.queue.pages_key:
                self.stats.inc_value("harvester/duplicate_listing_entries")
            return False
        # as scrapy-redis', without the deprecated spider argument of the stats calls
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def _claim(self, request) -> tuple[str, str] | None:
        """(set, member) that makes ``request`` once per run, or None for a plain request.
        A start request (marked a seed) is claimed by its fingerprint: in the shared dupefilter
        as enqueue_request would, or, ``dont_filter``, in the queue's seeds set. A detail page
        found on a listing (the spiders dedupe those by canonical URL, not by Scrapy's
        dupefilter) by that URL; a retry or redirect carries its lease: it continues a claimed
        request."""
        if request.meta.pop(SEED_META, False):
            key = self.queue.seeds_key if request.dont_filter else self.df.key
            return key, self.df.request_fingerprint(request)
        page = request.meta.get("harvester_page_url")
        if page and LEASE_META not in request.meta:
            return self.queue.pages_key, page
        return None

    def next_request(self):
        back, dropped = self.queue.reclaim()
        if back:
            log.warning("%s: %d requests of a stopped worker back in the queue", self.spider.name, back)
            self.stats.inc_value("harvester/requests_reclaimed", back)
        if dropped:
            log.error("%s: %d requests given up after %d leases expired", self.spider.name, dropped,
                      self.queue.max_attempts)
            self.stats.inc_value("harvester/requests_given_up", dropped)
        request = self.queue.pop(self.idle_before_close)
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0 or self.queue.leased() > 0


class LeaseAckMiddleware:
    """Spider middleware of a distributed worker. Start requests go into the shared queue once per
    run, whoever comes first; requests carry the spider state their callbacks need; and a
    request's lease is acknowledged once the worker is done with it - when the items its
    callback produced are stored (item_scraped), or when its callback ended without items. A
    page whose store batch was lost in a crash was not acknowledged, so another worker fetches
    it again; one whose item was not stored (dropped: storage failed, the lock lost; or a
    pipeline error) gives its lease up instead, so another worker fetches it again now."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.pending: dict[bytes, int] = {}
        self.closed: set[bytes] = set()
        #: leases one of whose items was not stored
        self.unstored: set[bytes] = set()
        crawler.signals.connect(self.item_done, signal=signals.item_scraped)
        for signal in (signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_not_stored, signal=signal)

    @classmethod
    def from_crawler(cls, crawler) -> "LeaseAckMiddleware":
        if not crawler.settings.get("HARVESTER_REDIS_URL"):
            raise NotConfigured
        return cls(crawler)

    async def process_start(self, start):
        """The run is seeded once, by every worker: each start request is marked a seed, and the
        scheduler queues it unless another worker did already (DistributedScheduler.seed). So
        no worker finds the queue empty and closes while the run is still unseeded (its engine
        asks the scheduler only after its own seeds went in), and the seeds of a worker killed
        at the start are queued by the others."""
        from scrapy import Request

        async for value in start:
            if isinstance(value, Request):
                value.meta[SEED_META] = True  # DistributedScheduler.enqueue_request seeds it
            yield value

    def process_spider_input(self, response) -> None:
        """Restore what the spider learned on pages another worker crawled (see _carry)."""
        state = response.meta.get(STATE_META)
        if state:
            spider = self.crawler.spider
            for name, value in state.items():
                setattr(spider, name, value)

    def _carry(self, value: Any) -> None:
        """Requests carry the spider state their callbacks need (the platform's ``shared_state``
        names: a gkmlpt column's sid, a Hanweb column's form), because any worker may get them."""
        from scrapy import Request

        names = getattr(self.crawler.spider, "shared_state", ())
        if names and isinstance(value, Request) and STATE_META not in value.meta:
            spider = self.crawler.spider
            value.meta[STATE_META] = {n: getattr(spider, n) for n in names if hasattr(spider, n)}

    async def process_spider_output(self, response, result):
        lease = response.request.meta.get(LEASE_META)
        try:
            async for value in result:
                if lease is not None and _is_item(value):
                    value.lease = lease
                    self.pending[lease] = self.pending.get(lease, 0) + 1
                self._carry(value)
                yield value
        finally:
            if lease is not None:
                self.closed.add(lease)
                self._maybe_ack(lease)

    def item_done(self, item, **kwargs) -> None:
        self._finished(item, stored=True)

    def item_not_stored(self, item, **kwargs) -> None:
        self._finished(item, stored=False)

    def _finished(self, item: Any, stored: bool) -> None:
        lease = getattr(item, "lease", None)
        queue = getattr(self.crawler, "harvester_queue", None)
        if lease is None:
            # an errback's item (a failed fetch recorded): its request's lease, by URL
            if queue is not None and _is_item(item):
                lease = queue.inflight.get(item.url)
                if lease is not None:
                    (queue.ack if stored else queue.release)(lease, item.url)
            return
        if not stored:
            self.unstored.add(lease)
        self.pending[lease] = self.pending.get(lease, 1) - 1
        self._maybe_ack(lease)

    def _maybe_ack(self, lease: bytes) -> None:
        if lease in self.closed and self.pending.get(lease, 0) <= 0:
            self.closed.discard(lease)
            self.pending.pop(lease, None)
            queue = getattr(self.crawler, "harvester_queue", None)
            if lease in self.unstored:
                self.unstored.discard(lease)
                if queue is not None:
                    queue.release(lease)
                return
            if queue is not None:
                queue.ack(lease)


def _is_item(value: Any) -> bool:
    from .items import PageItem

    return isinstance(value, PageItem)


class LeaseReleaseMiddleware:
    """Downloader middleware (outermost): a request that ends in an exception no middleware
    handled (robots.txt refusal, retries exhausted) is finished: its lease is released, so the
    run does not wait for it to expire again and again."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "LeaseReleaseMiddleware":
        if not crawler.settings.get("HARVESTER_REDIS_URL"):
            raise NotConfigured
        return cls(crawler)

    def process_exception(self, request, exception, spider=None):
        lease = request.meta.get(LEASE_META)
        queue = getattr(self.crawler, "harvester_queue", None)
        if lease is not None and queue is not None:
            queue.ack(lease, request.url)
        return None


class SharedPolitenessMiddleware:
    """Downloader middleware: at most one request start per site (host) per DOWNLOAD_DELAY
    across every worker sharing the Redis server (a key that expires after the delay: whoever
    sets it may go, the others wait until it expires)."""

    def __init__(self, crawler, server) -> None:
        self.crawler = crawler
        self.server = server
        self.delay_ms = int(crawler.settings.getfloat("DOWNLOAD_DELAY", 0) * 1000)

    @classmethod
    def from_crawler(cls, crawler) -> "SharedPolitenessMiddleware":
        url = crawler.settings.get("HARVESTER_REDIS_URL")
        if not url or crawler.settings.getfloat("DOWNLOAD_DELAY", 0) <= 0:
            raise NotConfigured
        return cls(crawler, redis_client(url))

    async def process_request(self, request, spider=None):
        from urllib.parse import urlsplit

        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        from scrapy.utils.defer import maybe_deferred_to_future

        host = urlsplit(request.url).netloc
        key = f"harvester:polite:{host}"
        waited = 0.0
        while not self.server.set(key, "1", nx=True, px=self.delay_ms):
            wait = max(self.server.pttl(key), 1) / 1000.0
            waited += wait
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
            if waited > 600:
                raise IgnoreRequest(f"politeness slot for {host} not free for 10 minutes")
        if waited:
            self.crawler.stats.inc_value("harvester/politeness_waits")
        return None


def redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


# --- the run shared by the workers of one site -----------------------------------------------


#: How long a closed run's marker stays in Redis: a worker judged killed that comes back within it
#: does not close the run again with its share alone.
CLOSED_RUN_MEMORY_SECONDS = 7 * 24 * 3600


class DistributedRun:
    """Open/adopt the site's run at spider_opened; add this worker's share at spider_closed and
    close the run when this worker is the last one (see the module docs)."""

    def __init__(self, crawler, site: str, url: str) -> None:
        self.crawler = crawler
        self.site = site
        self.server = redis_client(url)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.prefix = f"harvester:run:{site}"
        #: A worker whose heartbeat is older than the lease was killed (by then its leases have
        #: expired too); it beats 8 times per lease.
        self.lease_seconds = crawler.settings.getfloat("HARVESTER_LEASE_SECONDS", 120.0)
        self.heartbeat_seconds = self.lease_seconds / 8
        self.run_id: int | None = None
        self.lock_token: str | None = None
        #: Names this run in Redis beside its id (see ``closing_key``).
        self.run_nonce: str | None = None

    def join(self, open_run) -> tuple[int, str | None, bool]:
        """(run id, lock token, True if this worker opened the run). ``open_run()`` takes the
        lock and opens the run (the first worker only), returning (run id, lock token)."""
        info_key = f"{self.prefix}:info"
        deadline = time.time() + 120
        while True:
            if self.server.set(info_key, json.dumps({"state": "opening", "by": self.worker}), nx=True, ex=300):
                try:
                    # The lock first: a run still alive keeps it, and its keys with it.
                    run_id, token = open_run()
                    # A new run: nothing of an earlier, killed run may linger in the shared queue.
                    self.server.delete(*self.site_keys(self.crawler.spider.name))
                except BaseException:
                    self.server.delete(info_key)
                    raise
                # the opener's heartbeat and the news in one step: a joiner never sees an open
                # run without a live worker (which would mean a dead run, below)
                pipe = self.server.pipeline(transaction=True)
                pipe.hset(f"{self.prefix}:workers", self.worker, time.time())
                nonce = uuid.uuid4().hex  # run ids repeat across archives that share a Redis
                pipe.set(info_key, json.dumps({"state": "open", "run_id": run_id, "token": token, "nonce": nonce}))
                pipe.execute()
                self.run_id, self.lock_token, self.run_nonce = run_id, token, nonce
                return run_id, token, True
            raw = self.server.get(info_key)
            info = json.loads(raw) if raw else {}
            if info.get("state") == "open" and self._dead():
                # Every worker of that run was killed long ago: do not adopt a dead run (its
                # queue and claims would make this harvest skip everything); open a new one. The
                # site lock decides whether the old run is really over (open_run above).
                if self._drop_info(info_key, raw):
                    log.warning("%s: run %s has no live worker left; opening a new run", self.site, info.get("run_id"))
                continue
            if info.get("state") == "open":
                if self.server.eval(_ADOPT, 2, info_key, f"{self.prefix}:workers", raw, self.worker, time.time()):
                    self.run_id, self.lock_token, self.run_nonce = int(info["run_id"]), info.get("token"), info.get("nonce")
                    return self.run_id, self.lock_token, False
                continue  # the info changed meanwhile: read it again
            # "opening" or "closing": once the run is open, or closed (its lock released), go on
            if time.time() > deadline:
                raise RuntimeError(f"{self.site}: no run opened by the first worker within 120 s")
            time.sleep(0.2)

    def _drop_info(self, info_key: str, raw: bytes) -> bool:
        """Delete the run's info if it still is ``raw`` (another worker may have replaced it)."""
        script = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
        return bool(self.server.eval(script, 1, info_key, raw))

    def site_keys(self, spider_name: str) -> list[str]:
        settings = self.crawler.settings
        queue = settings.get("SCHEDULER_QUEUE_KEY", "%(spider)s:requests") % {"spider": spider_name}
        dupes = settings.get("SCHEDULER_DUPEFILTER_KEY", "%(spider)s:dupefilter") % {"spider": spider_name}
        return [queue, f"{queue}:leases", f"{queue}:attempts", f"{queue}:seeds", f"{queue}:pages", dupes, f"{self.prefix}:workers",
                f"{self.prefix}:stats", f"{self.prefix}:seen", f"{self.prefix}:skipped", f"{self.prefix}:partial",
                f"{self.prefix}:left"]

    def beat(self) -> None:
        self.server.hset(f"{self.prefix}:workers", self.worker, time.time())

    def closing_key(self) -> str:
        """The marker of this worker's run being (or having been) closed by one of its workers: by
        the run's nonce too, as two archives sharing one Redis both have a run 1."""
        return f"{self.prefix}:closing:{self.run_id}:{self.run_nonce}"

    def leave(self, stats: dict[str, Any], seen: set[str], skipped: set[str], complete: bool) -> bool:
        """Add this worker's share (numeric stats summed, URLs seen, sweep) and leave. False if the
        run was closed without it: its heartbeat lapsed for a lease, the last worker counted it as
        killed and closed the run; its share would land in keys nobody reads again (or in the next
        run's), so it is not added. Its pages are stored all the same."""
        from redis.exceptions import WatchError

        closing = self.closing_key()
        with self.server.pipeline() as pipe:
            try:
                pipe.watch(closing)  # the share goes in only if nobody takes the closing meanwhile
                if not pipe.exists(closing):
                    pipe.multi()
                    for name, value in stats.items():
                        if isinstance(value, (int, float)) and not isinstance(value, bool):
                            pipe.hincrbyfloat(f"{self.prefix}:stats", name, value)
                    for chunk in _chunks(sorted(seen)):
                        pipe.sadd(f"{self.prefix}:seen", *chunk)
                    for chunk in _chunks(sorted(skipped)):
                        pipe.sadd(f"{self.prefix}:skipped", *chunk)
                    if not complete:
                        pipe.set(f"{self.prefix}:partial", 1)
                    pipe.hdel(f"{self.prefix}:workers", self.worker)
                    pipe.set(f"{self.prefix}:left", time.time())  # the run is not dead the moment its last worker leaves
                    pipe.execute()
                    return True
            except WatchError:  # the closing was taken between the check and the share
                pass
        self.server.hdel(f"{self.prefix}:workers", self.worker)
        return False

    def _dead(self) -> bool:
        """No worker of the run has beaten for three leases (a worker that only starts late
        must not take a live run whose opener just died for a dead one)."""
        beats = [float(t) for t in self.server.hvals(f"{self.prefix}:workers")]
        left = self.server.get(f"{self.prefix}:left")
        if left is not None:  # a worker that left lately: its run is being closed, or about to be
            beats.append(float(left))
        return not beats or time.time() - max(beats) > 3 * self.lease_seconds

    def others(self) -> tuple[int, int]:
        """(workers still beating, workers gone silent without leaving: killed)."""
        now = time.time()
        beats = [float(t) for t in self.server.hvals(f"{self.prefix}:workers")]
        alive = sum(1 for t in beats if now - t < self.lease_seconds)
        return alive, len(beats) - alive

    def take_closing(self) -> dict | None:
        """Called once no other worker is alive: the merged shares if this worker gets to close
        the run (one worker does, once: not when another worker adopted the run meanwhile, nor
        when the run was closed already), else None."""
        closing_info = json.dumps({"state": "closing", "run_id": self.run_id, "by": self.worker})
        if not self.server.eval(_TAKE_CLOSING, 3, self.closing_key(), f"{self.prefix}:workers", f"{self.prefix}:info",
                                self.worker, time.time(), self.lease_seconds, CLOSED_RUN_MEMORY_SECONDS, closing_info):
            return None
        _, killed = self.others()
        merged = {k.decode(): _number(v) for k, v in self.server.hgetall(f"{self.prefix}:stats").items()}
        return {
            "stats": merged,
            "seen": {u.decode() for u in self.server.smembers(f"{self.prefix}:seen")},
            "skipped": {u.decode() for u in self.server.smembers(f"{self.prefix}:skipped")},
            # a killed worker's listing URLs are unknown: this sweep cannot tell what is gone
            "complete": not killed and not self.server.exists(f"{self.prefix}:partial"),
            "workers_killed": killed,
        }

    def cleanup(self, spider_name: str) -> None:
        """Once the run is closed: its keys go (the closing marker stays, see ``take_closing``),
        and the next worker of the site opens a new run."""
        self.server.delete(*self.site_keys(spider_name), f"{self.prefix}:info")


def _number(raw: bytes) -> int | float:
    value = float(raw)
    return int(value) if value.is_integer() else value


def _chunks(values: list[str], size: int = 1000):
    for start in range(0, len(values), size):
        yield values[start:start + size]
