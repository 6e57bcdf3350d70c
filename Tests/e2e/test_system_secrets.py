"""No secret (Pushover token, AWS secret key and session token, the service account's private key, Google's bearer
token, a JWT, a SigV4 signature) in any line either function writes or in any result, even at debug level and
when the services refuse the credentials. (Every other system test checks the same at teardown.)"""
from system_fixtures import T0, assert_no_secrets, make_system, serve_small_sheet, stack, titles  # noqa: F401

DEBUG = {"LOG_LEVEL": "debug"}


def test_debug_logs_of_a_tick_with_a_rejected_notification_hold_no_secret(stack, make_system):
    expected = serve_small_sheet(stack)
    system = make_system(reader_env=DEBUG, worker_env=DEBUG)
    stack.pushover.fail(400, times=None, title=expected[0])

    tick = system.tick(T0)

    assert tick.reader.ok and titles(tick.notifications) == expected[1:]
    assert any(r.get("level") == "DEBUG" for r in tick.worker_logs + tick.reader_logs)
    assert_no_secrets(system)


def test_refused_aws_credentials_are_reported_without_the_secret(stack, make_system):
    serve_small_sheet(stack)
    wrong = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzWRONGKEY"
    creds = {"AWS_SECRET_ACCESS_KEY": wrong, **DEBUG}
    system = make_system(reader_env=creds, worker_env=creds)

    tick = system.tick(T0)

    assert not tick.reader.ok and "SignatureDoesNotMatch" in tick.reader.error, tick.reader.error
    for text in system.outputs():
        assert wrong not in text
    assert_no_secrets(system)
