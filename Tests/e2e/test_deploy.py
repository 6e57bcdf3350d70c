"""deploy/deploy.sh against moto: everything is created as configured, a re-run only reads, new code and a new
flag change just those, a dry run changes nothing, secrets never reach the output, destroy.sh leaves nothing.

The first deploy uploads the real zips from scripts/package. The tests run in file order on one deployment.
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zipfile

import pytest

from deploy_fixtures import DEPLOY, DESTROY, make_settings, run_script
from devstack.moto import start_moto
from package_fixtures import built_packages

PREFIX = "sig-test"
TIMEOUT = 45
CONCURRENCY = 3
EMAIL = "oncall@example.com"


@pytest.fixture(scope="module")
def moto():
    # Signature checking off: moto 5.2.1 rejects every correctly signed Lambda (REST-JSON) call with
    # SignatureDoesNotMatch when it is on. test_wrong_credentials_* checks the failure path with it on.
    with start_moto(auth=False) as m:
        yield m


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return make_settings(tmp_path_factory.mktemp("settings"))


@pytest.fixture(scope="module")
def package_dir():
    return built_packages()["reader"].parent


@pytest.fixture(scope="module")
def deploy(moto, settings, package_dir, tmp_path_factory):
    trace = tmp_path_factory.mktemp("trace") / "calls"

    def run(*extra, packages=None, env_file=None, env=None):
        args = ["--prefix", PREFIX, "--env-file", str(env_file or settings[0]), "--timeout", str(TIMEOUT),
                "--worker-concurrency", str(CONCURRENCY), "--alarm-email", EMAIL,
                "--package-dir", str(packages or package_dir), *extra]
        return run_script(DEPLOY, moto, args, trace, env)
    return run


@pytest.fixture(scope="module")
def first_two(deploy):
    return deploy(), deploy()


def aws(moto, service):
    return moto.boto3_client(service)


def assert_no_secret(text, settings):
    for name, value in settings[1].items():
        assert value not in text, f"{name} appeared in the output"


def lambda_sha(path):
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


# ------------------------------------------------------------------------------------------- first and second run

def test_first_deploy_creates_every_resource_and_echoes_no_secret(first_two, settings):
    first, _ = first_two
    assert first.returncode == 0, first.stderr
    for step in ("dead-letter queue", "queue", "state table", "log groups", "IAM roles", "reader function",
                 "worker function", "schedule", "event source mapping", "alarm topic", "alarms", "dashboard"):
        assert f"] {step}\n" in first.stdout
    assert "share the sheet with the service account sheet-reader@alerts-test.iam.gserviceaccount.com" in first.stdout
    assert_no_secret(first.stdout + first.stderr, settings)
    for op in ("sqs create-queue", "dynamodb create-table", "iam create-role", "lambda create-function",
               "events put-rule", "lambda create-event-source-mapping", "cloudwatch put-metric-alarm",
               "cloudwatch put-dashboard", "sns subscribe"):
        assert op in first.calls


def test_second_deploy_changes_nothing(first_two, moto, settings):
    first, second = first_two
    assert second.returncode == 0, second.stderr
    assert second.writes == [], f"a re-run with nothing changed made changes: {second.writes}"
    assert "0 change(s)" in second.stdout
    assert_no_secret(second.stdout + second.stderr, settings)


# ------------------------------------------------------------------------------------------- read back

def test_queue_has_dead_letter_redrive_and_visibility_six_times_the_timeout(first_two, moto):
    sqs = aws(moto, "sqs")
    url = sqs.get_queue_url(QueueName=f"{PREFIX}-queue")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    dlq_url = sqs.get_queue_url(QueueName=f"{PREFIX}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.loads(attrs["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq_arn
    assert int(redrive["maxReceiveCount"]) == 5
    assert int(attrs["VisibilityTimeout"]) == 6 * TIMEOUT


def test_table_is_on_demand_with_string_keys_and_ttl(first_two, moto):
    ddb = aws(moto, "dynamodb")
    table = ddb.describe_table(TableName=f"{PREFIX}-state")["Table"]
    assert {(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]} == {("PK", "HASH"), ("SK", "RANGE")}
    assert {(a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]} == {("PK", "S"), ("SK", "S")}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = ddb.describe_time_to_live(TableName=f"{PREFIX}-state")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_functions_run_bootstrap_on_provided_al2023_with_split_environments(first_two, moto, package_dir):
    lam = aws(moto, "lambda")
    sqs = aws(moto, "sqs")
    envs = {}
    for name in ("reader", "worker"):
        cfg = lam.get_function_configuration(FunctionName=f"{PREFIX}-{name}")
        assert (cfg["Runtime"], cfg["Handler"], cfg["Timeout"], cfg["MemorySize"]) == \
               ("provided.al2023", "bootstrap", TIMEOUT, 256)
        assert cfg["Architectures"] == ["x86_64"]
        assert cfg["Role"].endswith(f":role/{PREFIX}-{name}")
        assert cfg["CodeSha256"] == lambda_sha(package_dir / f"{name}.zip")
        envs[name] = cfg["Environment"]["Variables"]
    reader, worker = envs["reader"], envs["worker"]
    assert set(reader) == {"GOOGLE_SHEETS_SPREADSHEET_ID", "GOOGLE_SERVICE_ACCOUNT_JSON", "SQS_QUEUE_URL",
                           "SSL_CERT_FILE"}
    assert set(worker) == {"TRADING_ALERT_PUSHOVER_API_TOKEN", "PUSHOVER_USER_KEY", "PUSHOVER_USERS",
                           "FALLBACK_EXCHANGES", "DYNAMODB_TABLE_NAME", "SSL_CERT_FILE"}
    assert reader["SQS_QUEUE_URL"] == sqs.get_queue_url(QueueName=f"{PREFIX}-queue")["QueueUrl"]
    assert json.loads(reader["GOOGLE_SERVICE_ACCOUNT_JSON"])["client_email"].startswith("sheet-reader@")
    assert worker["DYNAMODB_TABLE_NAME"] == f"{PREFIX}-state"
    assert reader["SSL_CERT_FILE"] == worker["SSL_CERT_FILE"] == "/var/task/ca-bundle.crt"
    assert json.loads(worker["PUSHOVER_USERS"]) == {"desk": "gdeskgroupkey0000000000000000"}


def test_each_function_has_its_own_log_group_with_a_retention(first_two, moto):
    groups = {g["logGroupName"]: g for g in aws(moto, "logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{PREFIX}-")["logGroups"]}
    assert set(groups) == {f"/aws/lambda/{PREFIX}-reader", f"/aws/lambda/{PREFIX}-worker"}
    assert {g.get("retentionInDays") for g in groups.values()} == {30}


def _statements(doc):
    doc = json.loads(doc) if isinstance(doc, str) else doc
    for st in doc["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        yield st, actions, resources


def test_roles_are_least_privilege_inline_policies_without_wildcards(first_two, moto):
    iam = aws(moto, "iam")
    account = aws(moto, "sts").get_caller_identity()["Account"]
    queue_arn = f"arn:aws:sqs:{moto.region}:{account}:{PREFIX}-queue"
    table_arn = f"arn:aws:dynamodb:{moto.region}:{account}:table/{PREFIX}-state"
    granted = {}
    for name in ("reader", "worker"):
        role = iam.get_role(RoleName=f"{PREFIX}-{name}")["Role"]
        trust = role["AssumeRolePolicyDocument"]
        trust = json.loads(trust) if isinstance(trust, str) else trust
        assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "lambda.amazonaws.com"}]
        assert iam.list_attached_role_policies(RoleName=f"{PREFIX}-{name}")["AttachedPolicies"] == []
        names = iam.list_role_policies(RoleName=f"{PREFIX}-{name}")["PolicyNames"]
        assert len(names) == 1
        doc = iam.get_role_policy(RoleName=f"{PREFIX}-{name}", PolicyName=names[0])["PolicyDocument"]
        granted[name] = {}
        log_group = f"arn:aws:logs:{moto.region}:{account}:log-group:/aws/lambda/{PREFIX}-{name}:*"
        for st, actions, resources in _statements(doc):
            assert st["Effect"] == "Allow"
            for a in actions:
                assert a != "*" and not a.endswith(":*") and "FullAccess" not in a, a
            for r in resources:
                assert r != "*" and r in (queue_arn, table_arn, log_group), r
                granted[name].setdefault(r, set()).update(actions)
    log = {"logs:CreateLogStream", "logs:PutLogEvents"}
    reader_log = f"arn:aws:logs:{moto.region}:{account}:log-group:/aws/lambda/{PREFIX}-reader:*"
    worker_log = f"arn:aws:logs:{moto.region}:{account}:log-group:/aws/lambda/{PREFIX}-worker:*"
    assert granted["reader"] == {queue_arn: {"sqs:SendMessage"}, reader_log: log}
    assert granted["worker"][queue_arn] == {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                            "sqs:ChangeMessageVisibility"}
    assert granted["worker"][table_arn] >= {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                                            "dynamodb:Query"}
    assert all(a.startswith("dynamodb:") and "Table" not in a for a in granted["worker"][table_arn])
    assert granted["worker"][worker_log] == log


def test_schedule_invokes_the_reader_hourly(first_two, moto):
    events = aws(moto, "events")
    lam = aws(moto, "lambda")
    rule = events.describe_rule(Name=f"{PREFIX}-schedule")
    assert (rule["ScheduleExpression"], rule["State"]) == ("rate(1 hour)", "ENABLED")
    reader_arn = lam.get_function_configuration(FunctionName=f"{PREFIX}-reader")["FunctionArn"]
    targets = events.list_targets_by_rule(Rule=f"{PREFIX}-schedule")["Targets"]
    assert [t["Arn"] for t in targets] == [reader_arn]
    policy = json.loads(lam.get_policy(FunctionName=f"{PREFIX}-reader")["Policy"])
    [st] = [s for s in policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}]
    assert st["Action"] == "lambda:InvokeFunction"
    assert st["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]


def test_worker_consumes_the_queue_with_partial_batch_responses_and_bounded_concurrency(first_two, moto):
    lam = aws(moto, "lambda")
    [esm] = lam.list_event_source_mappings(FunctionName=f"{PREFIX}-worker")["EventSourceMappings"]
    assert esm["EventSourceArn"].endswith(f":{PREFIX}-queue")
    assert esm["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert esm["ScalingConfig"] == {"MaximumConcurrency": CONCURRENCY}
    assert esm["BatchSize"] == 10
    assert esm["State"] == "Enabled"


def test_dashboard_and_alarms_cover_the_pipeline(first_two, moto):
    cw = aws(moto, "cloudwatch")
    body = json.loads(cw.get_dashboard(DashboardName=PREFIX)["DashboardBody"])
    text = json.dumps(body)
    metrics = [m for w in body["widgets"] for m in w["properties"]["metrics"]]

    def shown(namespace, metric, dimension_value):
        # CloudWatch's "." repeats the previous row's value; expand rows before matching.
        previous = []
        for row in metrics:
            if isinstance(row, list):
                row = [previous[i] if v == "." and i < len(previous) else v for i, v in enumerate(row)]
                previous = row
                if row[:2] == [namespace, metric] and dimension_value in row:
                    return True
        return False

    for metric in ("Invocations", "Duration", "Errors"):
        assert shown("AWS/Lambda", metric, f"{PREFIX}-reader"), metric
    for metric in ("ConcurrentExecutions", "Throttles", "Errors"):
        assert shown("AWS/Lambda", metric, f"{PREFIX}-worker"), metric
    for metric in ("ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible",
                   "ApproximateAgeOfOldestMessage"):
        assert shown("AWS/SQS", metric, f"{PREFIX}-queue"), metric
    assert shown("AWS/SQS", "ApproximateNumberOfMessagesVisible", f"{PREFIX}-dlq")
    for metric in ("RowsRead", "RowsRejected", "SignalsEnqueued", "SignalsEvaluated", "EventsFired",
                   "NotificationsSent", "NotificationsFailed", "MessagesRetried"):
        assert f'Namespace=\\"TradingAlerts\\" MetricName=\\"{metric}\\"' in text, metric

    topic = next(t["TopicArn"] for t in aws(moto, "sns").list_topics()["Topics"] if t["TopicArn"].endswith(f":{PREFIX}-alarms"))
    subs = aws(moto, "sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subs] == [("email", EMAIL)]
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms(AlarmNamePrefix=PREFIX)["MetricAlarms"]}
    dlq = alarms[f"{PREFIX}-dlq-not-empty"]
    assert (dlq["MetricName"], dlq["ComparisonOperator"], dlq["Threshold"]) == \
           ("ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", 0)
    assert dlq["Dimensions"] == [{"Name": "QueueName", "Value": f"{PREFIX}-dlq"}]
    oldest = alarms[f"{PREFIX}-queue-oldest-over-2h"]
    assert (oldest["MetricName"], oldest["ComparisonOperator"], oldest["Threshold"]) == \
           ("ApproximateAgeOfOldestMessage", "GreaterThanThreshold", 7200)
    assert oldest["Dimensions"] == [{"Name": "QueueName", "Value": f"{PREFIX}-queue"}]
    assert dlq["AlarmActions"] == oldest["AlarmActions"] == [topic]


# ------------------------------------------------------------------------------------------- changes

def test_dry_run_prints_the_plan_and_changes_nothing(first_two, deploy, moto, settings):
    run = deploy("--dry-run", "--memory", "512")
    assert run.returncode == 0, run.stderr
    assert run.writes == []
    assert f"{PREFIX}-reader would be updated (MemorySize)" in run.stdout
    assert f"{PREFIX}-worker would be updated (MemorySize)" in run.stdout
    assert "nothing was changed" in run.stdout
    assert_no_secret(run.stdout + run.stderr, settings)
    cfg = aws(moto, "lambda").get_function_configuration(FunctionName=f"{PREFIX}-reader")
    assert cfg["MemorySize"] == 256


def test_new_code_updates_only_that_code_and_a_new_flag_only_its_setting(first_two, deploy, moto, package_dir,
                                                                         tmp_path):
    shutil.copy(package_dir / "reader.zip", tmp_path / "reader.zip")
    with zipfile.ZipFile(tmp_path / "worker.zip", "w") as z:  # stands in for a rebuilt worker
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o755 << 16
        z.writestr(info, "#!/bin/sh\necho new worker\n")
    run = deploy("--batch-size", "5", packages=tmp_path)
    assert run.returncode == 0, run.stderr
    assert sorted(run.writes) == ["lambda update-event-source-mapping", "lambda update-function-code"]
    assert f"{PREFIX}-worker updated (code)" in run.stdout
    lam = aws(moto, "lambda")
    assert lam.get_function_configuration(FunctionName=f"{PREFIX}-worker")["CodeSha256"] == \
        lambda_sha(tmp_path / "worker.zip")
    [esm] = lam.list_event_source_mappings(FunctionName=f"{PREFIX}-worker")["EventSourceMappings"]
    assert (esm["BatchSize"], esm["ScalingConfig"]) == (5, {"MaximumConcurrency": CONCURRENCY})


def test_a_missing_setting_fails_before_anything_is_created(tmp_path, moto, package_dir):
    env = tmp_path / "env"
    env.write_text("TRADING_ALERT_PUSHOVER_API_TOKEN=x\n")
    run = run_script(DEPLOY, moto, ["--prefix", "other", "--env-file", str(env), "--package-dir", str(package_dir)],
                     tmp_path / "trace")
    assert run.returncode == 1
    assert "step 1/13 (account and packages) failed" in run.stderr
    assert "GOOGLE_SHEETS_SPREADSHEET_ID" in run.stderr
    assert run.writes == []


def test_wrong_credentials_fail_at_the_first_step_with_the_reason(settings, tmp_path):
    with start_moto(auth=True) as checking:
        run = run_script(DEPLOY, checking, ["--prefix", PREFIX, "--env-file", str(settings[0])], tmp_path / "trace",
                         env={"AWS_SECRET_ACCESS_KEY": "not-the-secret"})
    assert run.returncode == 1
    assert "step 1/13 (account and packages) failed: cannot read the account id" in run.stderr
    assert "SignatureDoesNotMatch" in run.stderr
    assert run.writes == []


def test_a_conflicting_resource_fails_at_its_step_with_the_reason(moto, settings, package_dir, tmp_path):
    aws(moto, "dynamodb").create_table(
        TableName="clash-state", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    run = run_script(DEPLOY, moto, ["--prefix", "clash", "--env-file", str(settings[0]),
                                    "--package-dir", str(package_dir)], tmp_path / "trace")
    assert run.returncode == 1
    assert "step 4/13 (state table) failed: clash-state exists with another key schema" in run.stderr
    assert not [w for w in run.writes if w.startswith(("lambda", "iam", "events"))], "went on after the failure"
    run_script(DESTROY, moto, ["--prefix", "clash", "--yes"], tmp_path / "trace2")


# ------------------------------------------------------------------------------------------- teardown

def test_destroy_asks_for_confirmation_without_a_terminal(first_two, moto, tmp_path):
    run = run_script(DESTROY, moto, ["--prefix", PREFIX], tmp_path / "trace")
    assert run.returncode == 2 and "--yes" in run.stderr
    assert run.writes == []


def test_destroy_removes_everything_deploy_created(first_two, moto, tmp_path):
    run = run_script(DESTROY, moto, ["--prefix", PREFIX, "--yes"], tmp_path / "trace")
    assert run.returncode == 0, run.stderr
    assert not [u for u in aws(moto, "sqs").list_queues().get("QueueUrls", []) if PREFIX in u]
    assert PREFIX + "-state" not in aws(moto, "dynamodb").list_tables()["TableNames"]
    assert not [f for f in aws(moto, "lambda").list_functions()["Functions"] if f["FunctionName"].startswith(PREFIX)]
    assert aws(moto, "lambda").list_event_source_mappings()["EventSourceMappings"] == []
    assert not [r for r in aws(moto, "iam").list_roles()["Roles"] if r["RoleName"].startswith(PREFIX)]
    assert aws(moto, "events").list_rules(NamePrefix=PREFIX)["Rules"] == []
    assert not [g for g in aws(moto, "logs").describe_log_groups()["logGroups"] if PREFIX in g["logGroupName"]]
    cw = aws(moto, "cloudwatch")
    assert cw.describe_alarms(AlarmNamePrefix=PREFIX)["MetricAlarms"] == []
    assert cw.list_dashboards(DashboardNamePrefix=PREFIX)["DashboardEntries"] == []
    assert not [t for t in aws(moto, "sns").list_topics()["Topics"] if PREFIX in t["TopicArn"]]
    again = run_script(DESTROY, moto, ["--prefix", PREFIX, "--yes"], tmp_path / "trace2")
    assert again.returncode == 0 and again.writes == []
