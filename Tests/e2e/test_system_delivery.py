"""At-least-once delivery through the whole system: SQS duplicates, a batch redelivered after its notifications
went out, a second tick, and poison messages. A notification is never sent twice; nothing valid is lost."""
import json

from devstack.event_source import InvokeOutcome
from system_fixtures import CHECK_DELAY_MS, T0, HOUR, make_system, serve_small_sheet, stack, titles  # noqa: F401


def sent(stack) -> list[str]:
    return titles(stack.pushover.accepted())


def test_the_scheduled_event_delivered_twice_notifies_once(stack, make_system):
    """EventBridge and SQS are both at-least-once: the reader runs twice for one event, every message is queued
    twice, and copies of one signal may land in the same worker batch."""
    expected = serve_small_sheet(stack)
    system = make_system()
    for _ in range(2):
        run, _ = system.run_reader(T0, event_id="evt-twice")
        assert run.ok and run.result["enqueued"] == 4
    stack.exchanges.clock.set(T0 + CHECK_DELAY_MS)

    report = system.deliver(timeout=60)

    assert report.deleted == 8 and report.remaining == 0 and report.dlq_depth == 0, report
    assert sent(stack) == expected


def test_a_batch_whose_response_was_lost_is_redelivered_without_notifying_again(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system()
    calls = []

    def lose_the_first_response(event, invoke):
        result = invoke(event)        # the worker runs and notifies ...
        calls.append(result)
        if len(calls) == 1:           # ... but Lambda reports a timeout: the whole batch comes back
            return InvokeOutcome(False, b'{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out"}',
                                 "Sandbox.Timedout")
        return result

    system.on_worker_invoke(lose_the_first_response)
    tick = system.tick(T0)

    assert tick.drain.function_errors == 1 and tick.drain.deleted == 4 and tick.drain.dlq_depth == 0, tick.drain
    assert len(calls) == 2
    assert titles(tick.notifications) == expected
    # The redelivered batch finds every event already recorded: nothing fires a second time.
    assert tick.counts["SignalsEvaluated"] == 8 and tick.counts["EventsFired"] == len(expected)


def test_a_second_tick_sends_nothing_new_for_once_signals(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system()
    first = system.tick(T0)
    second = system.tick(T0 + HOUR)

    assert titles(first.notifications) == expected
    assert second.reader.result["enqueued"] == 4 and second.drain.deleted == 4
    assert second.notifications == [] and second.counts["EventsFired"] == 0
    assert [s.decision for s in second.signals] == ["quiet"] * 4


def test_poison_messages_land_in_the_dead_letter_queue_and_their_neighbours_are_notified(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system()
    poison = ["this is not JSON {", json.dumps({"version": 9, "signal": {"id": "from-the-future"}}),
              json.dumps({"version": 1, "run": {"id": "r", "time": "2026-11-25T20:00:00Z"}, "signal": {}})]
    tick = system.tick(T0, deliver=False)
    for body in poison:
        stack.sqs.send_message(QueueUrl=system.queue_url, MessageBody=body)

    report = system.deliver(timeout=60)

    assert report.remaining == 0 and not report.timed_out, report
    assert report.dlq_depth == len(poison)
    dead = system.event_source().dlq_messages()
    assert sorted(m["Body"] for m in dead) == sorted(poison)
    assert all(int(m["Attributes"]["ApproximateReceiveCount"]) >= 3 for m in dead)
    assert sent(stack) == expected
    malformed = [r for r in system.worker.log_records() if r.get("level") == "ERROR" and "malformed" in r.get("message", "")]
    assert len(malformed) == 3 * len(poison)          # reported at every one of the 3 receives
    assert tick.reader.ok
