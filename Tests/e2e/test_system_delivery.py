"""At-least-once delivery through the whole system: SQS duplicates, a batch redelivered after its notifications
went out, a second tick, and poison messages. A notification is never sent twice; nothing valid is lost."""
import json

from devstack.event_source import InvokeOutcome
from system_fixtures import T0, HOUR, make_system, serve_small_sheet, stack, titles  # noqa: F401


def sent(stack) -> list[str]:
    return titles(stack.pushover.accepted())


def test_every_message_delivered_twice_still_notifies_once(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system()
    tick = system.tick(T0, deliver=False)
    assert tick.reader.ok and tick.reader.result["enqueued"] == 4

    # SQS is at-least-once: put a second copy of every message on the queue.
    bodies: list[str] = []
    for _ in range(50):
        if len(bodies) == 4:
            break
        got = stack.sqs.receive_message(QueueUrl=system.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        bodies += [m["Body"] for m in got.get("Messages", []) if m["Body"] not in bodies]
    assert len(bodies) == 4
    for body in bodies:
        stack.sqs.send_message(QueueUrl=system.queue_url, MessageBody=body)

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
