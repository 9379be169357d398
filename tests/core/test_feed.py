"""The change feed (core.feed): what actions say changed reaches every subscriber once per
outermost transaction, after the commit, merged; nothing for what rolled back (PUB-8, issue 13)."""

import logging

import pytest
from django.db import transaction

from core import feed
from core.feed import Changes


class Rollback(Exception):
    pass


@pytest.fixture
def heard(monkeypatch):
    """Only this test's subscribers (the publisher and search stay out of it)."""
    monkeypatch.setattr(feed, "_subscribers", [])
    received: list[Changes] = []
    feed.subscribe(received.append)
    return received


@pytest.mark.django_db
def test_the_changes_of_one_transaction_arrive_once_merged(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feed.changed(resources=[7, 3], columns=[11])
        feed.changed(resources=[3, 5], sites=[2])
        with transaction.atomic():  # a savepoint that commits joins the same delivery
            feed.changed(column_lists=[4])
        assert heard == []  # nothing before the commit
    assert heard == [Changes(resources={3, 5, 7}, columns={11}, column_lists={4}, sites={2})]


@pytest.mark.django_db
def test_a_rolled_back_savepoint_alone_reaches_nobody(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            feed.changed(resources=[1])
            raise Rollback
    assert callbacks == [] and heard == []

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Rollback), transaction.atomic():
            feed.changed(resources=[1])
            raise Rollback
        feed.changed(resources=[2])
    assert heard == [Changes(resources={2})]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_delivered_for_a_rolled_back_transaction(heard):
    with pytest.raises(Rollback), transaction.atomic():
        feed.changed(resources=[1], sites=[2])
        raise Rollback
    assert heard == []

    with transaction.atomic():
        feed.changed(resources=[3])
        with transaction.atomic():
            feed.changed(sites=[5])
        assert heard == []
    assert heard == [Changes(resources={3}, sites={5})]

    feed.changed(columns=[6])  # autocommit: the change is committed already, delivered at once
    assert heard[-1] == Changes(columns={6})


@pytest.mark.django_db
def test_an_empty_change_registers_nothing(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        feed.changed()
        feed.changed(resources=[], sites=())
    assert callbacks == [] and heard == []


@pytest.mark.django_db
def test_a_failing_subscriber_is_logged_and_the_others_still_hear(heard, django_capture_on_commit_callbacks, caplog):
    def broken(changes):
        raise OSError("disk full")

    later: list[Changes] = []
    feed._subscribers.insert(0, broken)
    feed.subscribe(later.append)
    with caplog.at_level(logging.ERROR, logger="core.feed"):
        with django_capture_on_commit_callbacks(execute=True):
            feed.changed(resources=[1])  # the action itself never sees the subscriber's error
    assert heard == later == [Changes(resources={1})]
    assert any("disk full" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_subscribing_twice_delivers_once(monkeypatch):
    monkeypatch.setattr(feed, "_subscribers", [])

    def callback(changes):
        pass

    feed.subscribe(callback)
    feed.subscribe(callback)  # AppConfig.ready() may run more than once
    assert feed._subscribers == [callback]


def test_the_publisher_and_search_subscribe():
    names = {f"{c.__module__}.{c.__qualname__}" for c in feed._subscribers}
    assert "publishing.publish_tasks.publish_what_changed" in names
    assert "search.receivers.reindex_what_changed" in names
