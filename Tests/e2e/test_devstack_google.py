"""The Google stand-in: service-account JWT verification and the Sheets values API, as the reader will meet them."""
import time
import urllib.parse

import pytest
from devstack_fixtures import get, google, http  # noqa: F401  (fixtures)

from devstack.google import JWT_BEARER, generate_service_account_key, sign_assertion

SHEET = [["Symbol", "Condition", "Target Price", "Active", "Note"],
         ["BTCUSDT", "above", 65000.5, True],
         [],
         ["ETHUSDT", "below", 3000, False, ""],
         ["", "", None]]


def grant(google, assertion, grant_type=JWT_BEARER):
    return http("POST", google.token_url, {"grant_type": grant_type, "assertion": assertion})


def token_for(google, key_file):
    reply = grant(google, sign_assertion(key_file))
    assert reply.status == 200, reply.text
    return reply.json()["access_token"]


def values(google, token, sheet_id, rng, **params):
    query = urllib.parse.urlencode(params)
    url = f"{google.url}/v4/spreadsheets/{sheet_id}/values/{urllib.parse.quote(rng, safe='')}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return get(f"{url}?{query}" if query else url, headers=headers)


def test_generated_key_file_has_the_fields_google_hands_out(google):
    key = google.create_service_account()
    assert key["type"] == "service_account"
    assert key["private_key"].startswith("-----BEGIN " + "PRIVATE KEY-----\n")      # PKCS#8
    assert key["private_key"].rstrip().endswith("-----END PRIVATE KEY-----")
    assert key["client_email"].endswith(".iam.gserviceaccount.com")
    assert key["token_uri"] == f"{google.url}/token"
    assert len(key["private_key_id"]) == 40 and key["client_id"].isdigit()
    assert {"project_id", "auth_uri", "client_x509_cert_url"} <= key.keys()


def test_a_good_assertion_gets_a_bearer_token_that_reads_the_sheet(google):
    key = google.create_service_account()
    google.serve_sheet("sheet1", SHEET)
    reply = grant(google, sign_assertion(key))
    assert reply.status == 200
    body = reply.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3599 and body["access_token"]
    data = values(google, body["access_token"], "sheet1", "A1:ZZ", valueRenderOption="UNFORMATTED_VALUE").json()
    assert data == {"range": "Signals!A1:ZZ1000", "majorDimension": "ROWS",
                    "values": [["Symbol", "Condition", "Target Price", "Active", "Note"],
                               ["BTCUSDT", "above", 65000.5, True], [], ["ETHUSDT", "below", 3000, False]]}


def test_formatted_values_are_text_and_unformatted_are_numbers(google):
    key = google.create_service_account()
    google.serve_sheet("s", [["price", "on"], [{"value": 65000.5, "formatted": "$65,000.50"}, True]])
    token = token_for(google, key)
    assert values(google, token, "s", "A2:B2").json()["values"] == [["$65,000.50", "TRUE"]]
    assert values(google, token, "s", "A2:B2", valueRenderOption="UNFORMATTED_VALUE").json()["values"] == \
        [[65000.5, True]]


def test_quoted_sheet_names_with_spaces_and_whole_sheet_ranges(google):
    key = google.create_service_account()
    google.serve_sheet("s", {"My Signals": [["a", "b"], [1, 2]], "Other": [["x"]]})
    token = token_for(google, key)
    reply = values(google, token, "s", "'My Signals'!A1:B", valueRenderOption="UNFORMATTED_VALUE")
    assert reply.status == 200
    assert reply.json()["range"] == "'My Signals'!A1:B1000"
    assert reply.json()["values"] == [["a", "b"], [1, 2]]
    assert values(google, token, "s", "Other").json()["values"] == [["x"]]
    assert values(google, token, "s", "A1:A1").json()["values"] == [["a"]]     # no sheet name: the first tab


@pytest.mark.parametrize("case, make, error, description", [
    ("signature by another key", lambda key, url: sign_assertion(generate_service_account_key(url) | {
        "client_email": key["client_email"], "private_key_id": key["private_key_id"]}),
     "invalid_grant", "Invalid JWT Signature."),
    ("audience is Google's, not this endpoint", lambda key, url: sign_assertion(
        key, aud="https://oauth2.googleapis.com/token"), "invalid_grant", "Failed audience check"),
    ("expired an hour ago", lambda key, url: sign_assertion(key, now=time.time() - 7200),
     "invalid_grant", "short-lived token"),
    ("lifetime over one hour", lambda key, url: sign_assertion(key, lifetime=3601),
     "invalid_grant", "short-lived token"),
    ("issued in the future", lambda key, url: sign_assertion(key, now=time.time() + 3000),
     "invalid_grant", "short-lived token"),
    ("wrong kid", lambda key, url: sign_assertion(key, kid="0" * 40), "invalid_grant", "Invalid JWT Signature."),
    ("no kid", lambda key, url: sign_assertion(key, header={"alg": "RS256", "typ": "JWT"}),
     "invalid_grant", "kid"),
    ("unknown account", lambda key, url: sign_assertion(key, iss="nobody@x.iam.gserviceaccount.com"),
     "invalid_grant", "account not found"),
    ("no sheets scope", lambda key, url: sign_assertion(key, scope="https://www.googleapis.com/auth/gmail.send"),
     "invalid_scope", "Invalid OAuth scope"),
    ("HS256", lambda key, url: sign_assertion(key, header={"alg": "HS256", "kid": key["private_key_id"]}),
     "invalid_grant", "algorithm"),
    ("not a JWT", lambda key, url: "abc.def", "invalid_grant", "Invalid JWT"),
])
def test_bad_assertions_get_googles_error(google, case, make, error, description):
    key = google.create_service_account()
    reply = grant(google, make(key, google.token_url))
    assert reply.status == 400, case
    body = reply.json()
    assert body["error"] == error, case
    assert description in body["error_description"], (case, body)


def test_wrong_grant_type_and_missing_assertion(google):
    key = google.create_service_account()
    assert grant(google, sign_assertion(key), "client_credentials").json()["error"] == "unsupported_grant_type"
    reply = http("POST", google.token_url, {"grant_type": JWT_BEARER})
    assert reply.status == 400 and reply.json()["error_description"] == "Missing required parameter: assertion"


def test_the_token_endpoint_uses_its_own_clock(google):
    key = google.create_service_account()
    assertion = sign_assertion(key, now=1_700_000_000)
    assert grant(google, assertion).status == 400
    google.clock = lambda: 1_700_000_100
    assert grant(google, assertion).status == 200


def test_sheets_errors_have_googles_bodies(google):
    key = google.create_service_account()
    google.serve_sheet("shared", SHEET)
    google.serve_sheet("private", SHEET, shared_with=["someone-else@x.iam.gserviceaccount.com"])
    token = token_for(google, key)

    no_token = values(google, None, "shared", "A1:B2")
    assert no_token.status == 401 and no_token.json()["error"]["status"] == "UNAUTHENTICATED"
    assert values(google, "ya29.forged", "shared", "A1:B2").status == 401

    forbidden = values(google, token, "private", "A1:B2")
    assert forbidden.status == 403
    assert forbidden.json()["error"] == {"code": 403, "message": "The caller does not have permission",
                                         "status": "PERMISSION_DENIED", "errors": [
                                             {"message": "The caller does not have permission",
                                              "domain": "global", "reason": "forbidden"}]}
    missing = values(google, token, "no-such-sheet", "A1:B2")
    assert missing.status == 404 and missing.json()["error"]["status"] == "NOT_FOUND"
    assert missing.json()["error"]["message"] == "Requested entity was not found."
    bad = values(google, token, "shared", "Nope!A1:B2")
    assert bad.status == 400 and bad.json()["error"]["message"] == "Unable to parse range: Nope!A1:B2"


def test_injected_sheet_faults_then_recovery(google):
    key = google.create_service_account()
    google.serve_sheet("s", SHEET)
    token = token_for(google, key)
    google.inject(status=429, times=1, retry_after=7, match={"endpoint": "values"})
    google.fail_sheets(503, times=1)
    limited = values(google, token, "s", "A1:B2")
    assert limited.status == 429 and limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert limited.headers["retry-after"] == "7"
    assert values(google, token, "s", "A1:B2").status == 503
    assert values(google, token, "s", "A1:B2").status == 200
    google.unshare("s")
    assert values(google, token, "s", "A1:B2").status == 403


def test_token_endpoint_faults_and_expired_tokens(google):
    key = google.create_service_account()
    google.serve_sheet("s", SHEET)
    google.fail_token(500)
    google.fail_token(400, error="invalid_grant")
    assert grant(google, sign_assertion(key)).status == 500
    rejected = grant(google, sign_assertion(key))
    assert rejected.status == 400 and rejected.json()["error"] == "invalid_grant"
    token = token_for(google, key)
    assert values(google, token, "s", "A1").status == 200
    google.expire_tokens()
    assert values(google, token, "s", "A1").status == 401
    assert google.log.count(path="/token") == 3


def test_control_endpoint_drives_a_cli_started_instance(google):
    from devstack_fixtures import post_json
    key = post_json(f"{google.url}/_control/service_account", {}).json()
    assert post_json(f"{google.url}/_control/sheet", {"spreadsheet_id": "c", "rows": [["a"], [1]]}).status == 200
    token = token_for(google, key)
    assert values(google, token, "c", "A1:A2", valueRenderOption="UNFORMATTED_VALUE").json()["values"] == [["a"], [1]]
    log = get(f"{google.url}/_control/requests?path=/v4/").json()
    assert len(log) == 1 and log[0]["status"] == 200 and log[0]["headers"]["authorization"].startswith("Bearer ")
    assert get(f"{google.url}/_control/nonsense").status == 404


def test_a_recorded_response_is_served_with_its_numbers_exact(google):
    import pathlib
    fixture = pathlib.Path(__file__).resolve().parents[1] / "Fixtures" / "hostile-sheet.json"
    key = google.create_service_account()
    google.serve_sheet("hostile", fixture.read_bytes())
    reply = values(google, token_for(google, key), "hostile", "Signals!A1:ZZ", valueRenderOption="UNFORMATTED_VALUE")
    assert reply.status == 200
    assert '["","BTCUSDT","","above",1e400]' in reply.text          # not inf, not Infinity
    assert '["","BTCUSDT","","above","1e400"]' in reply.text
    assert reply.json()["values"][1] == ["", "BTCUSDT", "", "above", 65000]
