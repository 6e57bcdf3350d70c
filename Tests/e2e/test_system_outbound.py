"""SPEC §8: every outbound request names the product and its version in `User-Agent` (Coinbase, among others,
refuses requests without one). Checked on what each stand-in actually received during one tick: Google's token
and Sheets endpoints, SQS and DynamoDB (through the fault proxy), the three exchanges and Pushover."""
import re

from system_fixtures import T0, make_system, serve_small_sheet, stack  # noqa: F401

USER_AGENT = re.compile(r"^trading-signals/\d+\.\d+\.\d+")


def test_every_request_of_a_tick_names_the_product_and_version(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system()

    tick = system.tick(T0)

    assert tick.reader.ok and len(tick.notifications) == len(expected)
    servers = {"google": stack.google, "aws": stack.proxy, "pushover": stack.pushover, **stack.exchanges.venues}
    for name, server in servers.items():
        # The harness itself (queue set-up, the SQS event source) talks to moto through the proxy with boto3.
        requests = [e.request for e in server.log.all() if not (e.request.header("user-agent") or "").startswith("Boto3/")]
        assert requests, f"{name} received nothing"
        wrong = {r.header("user-agent") for r in requests if not USER_AGENT.match(r.header("user-agent") or "")}
        assert not wrong, f"{name} got requests with User-Agent {wrong}"
