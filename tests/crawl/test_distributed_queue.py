"""The leased queue on a real redis-server, and the scrapy-redis behaviour harvester.distributed
works around (these fail when upstream changes, so the shim can be revisited)."""

from __future__ import annotations

import inspect
import time

from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from harvester.distributed import LEASE_META, LeasedQueue, redis_client


class QueueSpider(Spider):
    name = "queue-test"

    def parse(self, response):
        pass


def make_queue(redis_url: str, key: str, **settings) -> LeasedQueue:
    crawler = get_crawler(QueueSpider, {"HARVESTER_LEASE_SECONDS": 60, **settings})
    spider = QueueSpider.from_crawler(crawler)
    server = redis_client(redis_url)
    server.delete(key, f"{key}:leases", f"{key}:attempts")
    return LeasedQueue(server, spider, key)


def test_pop_leases_and_ack_finishes(redis_url):
    queue = make_queue(redis_url, "t1")
    queue.push(Request("http://a.example/1", priority=1))
    queue.push(Request("http://a.example/2", priority=5))
    first = queue.pop()
    assert first.url == "http://a.example/2"  # higher priority first
    assert (len(queue), queue.leased()) == (1, 1)
    queue.ack(first.meta[LEASE_META], first.url)
    assert (len(queue), queue.leased()) == (1, 0)


def test_expired_lease_returns_to_the_queue_then_is_given_up(redis_url):
    queue = make_queue(redis_url, "t2", HARVESTER_LEASE_SECONDS=0.2, HARVESTER_LEASE_ATTEMPTS=2)
    queue.push(Request("http://a.example/lost"))
    for attempt in (1, 2):
        assert queue.pop().url == "http://a.example/lost"  # a worker takes it, then dies
        time.sleep(0.3)
        assert queue.reclaim() == (1, 0)
    queue.pop()
    time.sleep(0.3)
    assert queue.reclaim() == (0, 1)  # the third expiry: given up
    assert (len(queue), queue.leased()) == (0, 0)


def test_renewed_lease_does_not_expire(redis_url):
    queue = make_queue(redis_url, "t3", HARVESTER_LEASE_SECONDS=0.5)
    queue.push(Request("http://a.example/slow"))
    request = queue.pop()
    for _ in range(3):  # a worker alive but slow (waiting for its politeness slot)
        time.sleep(0.3)
        queue.renew()
        assert queue.reclaim() == (0, 0)
    queue.ack(request.meta[LEASE_META], request.url)
    queue.renew()  # an acknowledged lease is not brought back
    assert queue.leased() == 0


def test_a_retry_replaces_its_lease(redis_url):
    queue = make_queue(redis_url, "t4")
    queue.push(Request("http://a.example/retry"))
    request = queue.pop()
    queue.push(request.replace(dont_filter=True))  # what RetryMiddleware schedules
    assert (len(queue), queue.leased()) == (1, 0)
    again = queue.pop()
    assert again.url == request.url and queue.leased() == 1


def test_upstream_scrapy_redis_still_pops_for_good(redis_url):
    """scrapy-redis' own queues delete a request when it is popped: a killed worker's in-flight
    requests are lost - why LeasedQueue exists. If upstream adds acknowledgements, revisit."""
    from scrapy_redis.queue import PriorityQueue

    crawler = get_crawler(QueueSpider)
    spider = QueueSpider.from_crawler(crawler)
    server = redis_client(redis_url)
    server.delete("up")
    queue = PriorityQueue(server, spider, "up")
    queue.push(Request("http://a.example/x"))
    assert queue.pop() is not None
    assert len(queue) == 0 and server.keys("up*") == []


def test_upstream_hooks_the_shim_relies_on():
    """LeasedQueue uses scrapy-redis' request (de)serialisation and the scheduler's queue and
    dupefilter attributes; its stats calls still pass the deprecated spider argument (our
    scheduler overrides enqueue/next to drop it)."""
    from scrapy_redis import scheduler
    from scrapy_redis.queue import Base

    assert callable(Base._encode_request) and callable(Base._decode_request)
    source = inspect.getsource(scheduler.Scheduler)
    assert "self.queue = load_object(self.queue_cls)" in source
    assert 'inc_value("scheduler/enqueued/redis", spider=self.spider)' in source


def test_platforms_declare_the_state_their_callbacks_learn():
    """What a platform spider learns while crawling (``self.x = ...`` in a callback) must be
    in its ``shared_state``: in a distributed harvest the later listing pages go to workers that
    never saw the column page (a missing name lost a listing page once)."""
    import ast
    import textwrap

    from harvester.platforms.gkmlpt import GkmlptSpider
    from harvester.platforms.hanweb import HanwebSpider

    for cls in (GkmlptSpider, HanwebSpider):
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        for node in ast.walk(tree):  # callbacks only: what __init__ sets every worker has
            if isinstance(node, ast.ClassDef):
                node.body = [f for f in node.body if not (isinstance(f, ast.FunctionDef) and f.name == "__init__")]
        learned = {t.attr for node in ast.walk(tree) if isinstance(node, ast.Assign)
                   for target in node.targets for t in ast.walk(target)
                   if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"}
        assert learned and learned <= set(cls.shared_state), (cls.__name__, learned - set(cls.shared_state))


def test_push_once_queues_a_claimed_request_once(redis_url):
    """Seeds and detail pages: whichever worker comes first queues it, in one Redis step."""
    queue = make_queue(redis_url, "t5")
    redis_client(redis_url).delete("t5:pages")
    assert queue.push_once(Request("http://a.example/report"), "t5:pages", "http://a.example/report")
    assert not queue.push_once(Request("http://a.example/report"), "t5:pages", "http://a.example/report")
    assert len(queue) == 1 and queue.pop().url == "http://a.example/report"


def make_run(redis_url: str, site: str):
    from harvester.distributed import DistributedRun

    crawler = get_crawler(QueueSpider, {"HARVESTER_LEASE_SECONDS": 10})
    crawler.spider = QueueSpider.from_crawler(crawler)
    run = DistributedRun(crawler, site, redis_url)
    run.server.delete(f"{run.prefix}:info", f"{run.prefix}:workers", *run.site_keys(QueueSpider.name))
    return run


def test_a_run_whose_opener_just_died_is_adopted_a_long_dead_one_is_not(redis_url):
    import json

    run = make_run(redis_url, "t-site")
    server, info_key, workers = run.server, f"{run.prefix}:info", f"{run.prefix}:workers"
    queue_key = f"{QueueSpider.name}:requests"

    def opened_by(beat_age: float) -> tuple[int, bool]:
        server.set(info_key, json.dumps({"state": "open", "run_id": 7, "token": "old"}))
        server.delete(workers)
        server.hset(workers, "host:1:dead", time.time() - beat_age)
        server.zadd(f"{queue_key}:leases", {b"the dead opener's request": 1})
        run_id, _, opened = run.join(lambda: (8, "new"))
        return run_id, opened

    # silent for one lease: a late joiner must not take the live run for a dead one
    assert opened_by(10) == (7, False)
    assert server.zcard(f"{queue_key}:leases") == 1  # its requests stay for the reclaim
    # silent for more than three leases: a new run, the old run's keys cleared
    assert opened_by(31) == (8, True)
    assert server.zcard(f"{queue_key}:leases") == 0


def another_worker(run, redis_url: str):
    """A second worker of ``run``'s site (its own id), the shared keys left as they are."""
    from harvester.distributed import DistributedRun

    return DistributedRun(run.crawler, run.site, redis_url)


def test_a_worker_starting_while_the_run_closes_waits_then_opens_the_next(redis_url):
    """The last worker has merged the shares and is closing run 7: a worker starting then must not
    adopt run 7 (its share would be lost and it would close run 7 again with nothing), nor open a
    run while the lock is held; once run 7 is closed it opens the next."""
    import threading

    closer = make_run(redis_url, "t-closing")
    assert closer.join(lambda: (7, "token-7")) == (7, "token-7", True)
    assert closer.leave({"harvester/reports": 3}, {"http://a.example/1"}, set(), True)
    merged = closer.take_closing()
    assert merged is not None and merged["stats"]["harvester/reports"] == 3

    late = another_worker(closer, redis_url)
    joined: list = []
    thread = threading.Thread(target=lambda: joined.append(late.join(lambda: (8, "token-8"))))
    thread.start()
    thread.join(1.0)
    assert thread.is_alive() and not joined  # waiting for the close
    assert late.worker.encode() not in closer.server.hkeys(f"{closer.prefix}:workers")
    closer.cleanup(QueueSpider.name)
    thread.join(10)
    assert joined == [(8, "token-8", True)]


def test_take_closing_refuses_when_a_worker_adopted_the_run_meanwhile(redis_url):
    first = make_run(redis_url, "t-adopted")
    first.join(lambda: (7, "token-7"))
    assert first.leave({}, set(), set(), True)
    assert first.others() == (0, 0)
    second = another_worker(first, redis_url)
    assert second.join(lambda: (9, "never")) == (7, "token-7", False)  # before the closing was taken
    assert first.take_closing() is None  # the worker still at it closes the run
    assert second.leave({"harvester/reports": 2}, set(), set(), True)
    merged = second.take_closing()
    assert merged is not None and merged["stats"]["harvester/reports"] == 2 and merged["workers_killed"] == 0


def test_a_worker_counted_as_killed_that_comes_back_does_not_close_the_run_again(redis_url):
    """A worker silent for a lease (a stalled process) is counted as killed and the run closed
    without it. When it comes back and leaves, its share is not added to keys nobody reads, and
    it does not close the run a second time with its share alone."""
    first = make_run(redis_url, "t-revived")
    first.join(lambda: (7, "token-7"))
    stalled = another_worker(first, redis_url)
    assert stalled.join(lambda: (9, "never"))[0] == 7
    first.server.hset(f"{first.prefix}:workers", stalled.worker, time.time() - 3 * first.lease_seconds)
    assert first.leave({"harvester/reports": 4}, set(), set(), True)
    merged = first.take_closing()
    assert merged is not None and merged["workers_killed"] == 1 and merged["stats"]["harvester/reports"] == 4
    first.cleanup(QueueSpider.name)

    assert stalled.leave({"harvester/reports": 0, "harvester/listing_pages": 0}, set(), set(), True) is False
    assert not first.server.exists(f"{first.prefix}:stats")
    assert stalled.take_closing() is None


def test_a_closed_run_of_another_archive_with_the_same_id_closes_nothing(redis_url):
    """Two archives (two databases) sharing one Redis both have a run 7: the first one's closing
    marker must not make the second one's workers think their run closed."""
    for _archive in range(2):
        run = make_run(redis_url, "t-same-id")
        assert run.join(lambda: (7, "token-7"))[:2] == (7, "token-7")
        assert run.leave({"harvester/reports": 1}, set(), set(), True)
        merged = run.take_closing()
        assert merged is not None and merged["stats"]["harvester/reports"] == 1
        run.cleanup(QueueSpider.name)


def test_a_new_run_refused_its_lock_clears_nothing(redis_url):
    import json

    run = make_run(redis_url, "t-site2")
    server, info_key = run.server, f"{run.prefix}:info"
    server.set(info_key, json.dumps({"state": "open", "run_id": 7, "token": "old"}))  # no worker left
    server.zadd(f"{QueueSpider.name}:requests:leases", {b"in flight": 1})

    def locked():
        raise RuntimeError("another harvest holds the lock")

    try:
        run.join(locked)
    except RuntimeError:
        pass
    else:
        raise AssertionError("join must raise when the lock is refused")
    assert server.zcard(f"{QueueSpider.name}:requests:leases") == 1


def _lease_run(redis_url: str, key: str, signal) -> LeasedQueue:
    """A worker pops a detail page, its callback yields the page's item, and the store pipeline
    ends with ``signal`` for that item; returns the queue afterwards."""
    import asyncio

    from scrapy import signals
    from scrapy.http import HtmlResponse

    from harvester.distributed import LeaseAckMiddleware
    from harvester.items import PageItem

    queue = make_queue(redis_url, key, HARVESTER_REDIS_URL=redis_url)
    queue.push(Request("http://a.example/report.html"))
    request = queue.pop()
    crawler = queue.spider.crawler
    crawler.harvester_queue = queue
    middleware = LeaseAckMiddleware(crawler)
    item = PageItem(site="t", url=request.url, final_url=request.url, status=200, headers={}, body=b"<p>x</p>",
                    fetched_at="2026-12-01T00:00:00Z")
    response = HtmlResponse(request.url, body=item.body, request=request)

    async def callback_output():
        yield item

    async def run():
        return [value async for value in middleware.process_spider_output(response, callback_output())]

    assert asyncio.run(run()) == [item]
    assert queue.leased() == 1  # the item is still in the pipelines: the lease is held
    crawler.signals.send_catch_log(signal, item=item, response=response, spider=queue.spider,
                                   exception=RuntimeError("storage failed"), failure=None)
    return queue


def test_a_stored_page_acknowledges_its_lease(redis_url):
    from scrapy import signals

    queue = _lease_run(redis_url, "t5", signals.item_scraped)
    assert (len(queue), queue.leased(), queue.reclaim()) == (0, 0, (0, 0))
    assert not queue.inflight


def test_a_page_not_stored_gives_its_lease_back_at_once(redis_url):
    """Storage failed or the lock was lost (item dropped), or a pipeline raised: the page was
    fetched but is not in the archive, so its request goes back for another worker now, instead
    of being acknowledged (lost) or waiting out its lease."""
    from scrapy import signals

    for key, signal in (("t6", signals.item_dropped), ("t7", signals.item_error)):
        queue = _lease_run(redis_url, key, signal)
        assert not queue.inflight  # no longer renewed by this worker
        queue.renew()
        assert queue.reclaim() == (1, 0)
        assert (len(queue), queue.leased()) == (1, 0)
        assert queue.pop().url == "http://a.example/report.html"


def test_a_failed_fetch_finds_its_lease_by_the_canonical_url(redis_url):
    """An errback's item (a dead link recorded) carries no lease: it is found by the page's URL,
    which is the canonical one while the request went to the URL as listed."""
    from scrapy import signals

    from harvester.distributed import LeaseAckMiddleware
    from harvester.items import PageItem

    queue = make_queue(redis_url, "t8", HARVESTER_REDIS_URL=redis_url)
    queue.push(Request("http://a.example/r.html?from=list", meta={"harvester_page_url": "http://a.example/r.html"}))
    request = queue.pop()
    crawler = queue.spider.crawler
    crawler.harvester_queue = queue
    middleware = LeaseAckMiddleware(crawler)  # noqa: F841 (signals hold their receivers weakly)
    item = PageItem(site="t", url="http://a.example/r.html", final_url=request.url, status=404, headers={}, body=b"",
                    fetched_at="2026-12-01T00:00:00Z", error="HTTP 404")
    crawler.signals.send_catch_log(signals.item_scraped, item=item, response=None, spider=queue.spider)
    assert (len(queue), queue.leased(), queue.inflight) == (0, 0, {})
