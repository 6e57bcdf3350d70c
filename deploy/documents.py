"""JSON documents for deploy.sh (policies, function environments, dashboard, desired settings) and the
comparisons that keep a second deploy from changing anything. Standard library only.

    python3 deploy/documents.py <command> ...     (deploy.sh calls it; see each cmd_* below)
"""
from __future__ import annotations

import json
import os
import re
import sys

# SPEC §7: which function reads which variable ("both" = both). deploy.sh adds SQS_QUEUE_URL,
# DYNAMODB_TABLE_NAME and SSL_CERT_FILE itself.
VARIABLES = {
    "GOOGLE_SHEETS_SPREADSHEET_ID": "reader",
    "GOOGLE_SERVICE_ACCOUNT_JSON": "reader",
    "GOOGLE_SHEETS_RANGE": "reader",
    "SQS_QUEUE_URL": "reader",
    "DYNAMODB_TABLE_NAME": "worker",
    "TRADING_ALERT_PUSHOVER_API_TOKEN": "worker",
    "PUSHOVER_USER_KEY": "worker",
    "PUSHOVER_USERS": "worker",
    "PUSHOVER_PRIORITY": "worker",
    "PUSHOVER_RETRY": "worker",
    "PUSHOVER_EXPIRE": "worker",
    "PUSHOVER_SOUND": "worker",
    "FALLBACK_EXCHANGES": "worker",
    "ALERTS_DRY_RUN": "worker",
    "BINANCE_API_KEY": "worker",
    "BINANCE_API_SECRET": "worker",
    "GOOGLE_SHEETS_API_URL": "both",
    "BINANCE_API_URL": "both",
    "COINBASE_API_URL": "both",
    "BYBIT_API_URL": "both",
    "PUSHOVER_API_URL": "both",
    "SSL_CERT_FILE": "both",
    "LOG_LEVEL": "both",
    "AWS_ENDPOINT_URL": "both",
    "AWS_ENDPOINT_URL_SQS": "both",
    "AWS_ENDPOINT_URL_DYNAMODB": "both",
}
REQUIRED = {"reader": ["GOOGLE_SHEETS_SPREADSHEET_ID", "GOOGLE_SERVICE_ACCOUNT_JSON"],
            "worker": ["TRADING_ALERT_PUSHOVER_API_TOKEN"]}
# Lambda sets these itself and rejects them in a function's configuration.
RESERVED = re.compile(r"^(AWS_REGION|AWS_DEFAULT_REGION|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|"
                      r"AWS_LAMBDA_\w+|AWS_EXECUTION_ENV|AWS_XRAY_\w+|_HANDLER|_X_AMZN_TRACE_ID|LAMBDA_\w+|"
                      r"LD_LIBRARY_PATH|TZ)$")
ENV_LIMIT = 4096  # Lambda: all keys and values of a function's environment together
EMF_METRICS = ["RowsRead", "RowsRejected", "SignalsEnqueued", "SignalsEvaluated", "EventsFired",
               "NotificationsSent", "NotificationsFailed", "MessagesRetried"]


class DocumentError(Exception):
    pass


# ---------------------------------------------------------------- environment

def parse_env_file(path: str) -> dict[str, str]:
    """KEY=VALUE lines; `#` comments, blank lines and a leading `export ` are ignored; one pair of matching outer
    quotes is removed. KEY_FILE=path (e.g. GOOGLE_SERVICE_ACCOUNT_JSON_FILE) reads the value from that file."""
    out: dict[str, str] = {}
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[len("export "):].lstrip()
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                raise DocumentError(f"{path}:{n}: expected KEY=VALUE")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if key.endswith("_FILE") and key[:-5] in VARIABLES:
                file_path = value if os.path.isabs(value) else os.path.join(base, value)
                try:
                    with open(file_path, encoding="utf-8") as vf:
                        value = vf.read().strip()
                except OSError as e:
                    raise DocumentError(f"{path}:{n}: {key}: cannot read {file_path}: {e.strerror}") from None
                key = key[:-5]
            if value == "":
                continue  # an empty line in env.example means "not set"
            out[key] = value
    return out


def _compact_service_account(text: str) -> tuple[str, str]:
    """(compact JSON, client_email): compact to save room in Lambda's 4 KB environment."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise DocumentError(f"GOOGLE_SERVICE_ACCOUNT_JSON is not JSON ({e.msg} at {e.pos})") from None
    missing = [k for k in ("client_email", "private_key", "token_uri") if not isinstance(doc, dict) or k not in doc]
    if missing:
        raise DocumentError(f"GOOGLE_SERVICE_ACCOUNT_JSON lacks {', '.join(missing)}: use the service account's key file")
    return json.dumps(doc, separators=(",", ":")), doc["client_email"]


def function_environment(function: str, given: dict[str, str], added: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(variables for this function, notes for the progress output — names only, never values)."""
    notes = []
    env = {}
    for key, value in given.items():
        if RESERVED.match(key):
            raise DocumentError(f"{key} is set by Lambda itself and cannot be configured; remove it from the env file")
        owner = VARIABLES.get(key)
        if owner is None:
            notes.append(f"{key} is not a SPEC §7 variable; given to both functions")
            owner = "both"
        if owner in (function, "both"):
            env[key] = value
    for key, value in added.items():
        env.setdefault(key, value)
    if function == "reader" and "GOOGLE_SERVICE_ACCOUNT_JSON" in env:
        env["GOOGLE_SERVICE_ACCOUNT_JSON"], email = _compact_service_account(env["GOOGLE_SERVICE_ACCOUNT_JSON"])
        notes.append(f"share the sheet with the service account {email}")
    required = list(REQUIRED[function])
    if function == "worker" and env.get("ALERTS_DRY_RUN") == "1":
        required.remove("TRADING_ALERT_PUSHOVER_API_TOKEN")
    missing = [k for k in required if k not in env]
    if missing:
        raise DocumentError(f"the env file does not set {', '.join(missing)} (needed by the {function})")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > ENV_LIMIT:
        raise DocumentError(f"the {function}'s environment is {size} bytes; Lambda allows {ENV_LIMIT}")
    return env, notes


def cmd_env(function: str, env_file: str, out_path: str, *assignments: str) -> None:
    """Writes {"Variables": {...}} for one function to out_path (mode 600); prints the variable names."""
    given = parse_env_file(env_file) if env_file != "-" else {}
    added = dict(a.split("=", 1) for a in assignments)
    env, notes = function_environment(function, given, added)
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"Variables": env}, f, sort_keys=True)
    print(" ".join(sorted(env)))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


# ---------------------------------------------------------------- policies

def trust_policy() -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def _logs(log_group_arn: str) -> dict:
    # CreateLogGroup is not granted: deploy.sh creates the group (with a retention) before the function.
    return {"Sid": "OwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:*"}


def role_policy(function: str, queue_arn: str, table_arn: str, log_group_arn: str) -> dict:
    if function == "reader":
        statements = [{"Sid": "EnqueueSignals", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                       "Resource": queue_arn}]
    elif function == "worker":
        statements = [
            # What the SQS event source mapping needs (receive, delete, attributes) plus visibility changes.
            {"Sid": "ConsumeSignals", "Effect": "Allow",
             "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                        "sqs:ReceiveMessage"],
             "Resource": queue_arn},
            # The item-level actions the state machine uses; TransactWriteItems is authorised per item action.
            {"Sid": "SignalState", "Effect": "Allow",
             "Action": ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
                        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
             "Resource": table_arn},
        ]
    else:
        raise DocumentError(f"unknown function {function}")
    return {"Version": "2012-10-17", "Statement": statements + [_logs(log_group_arn)]}


# ---------------------------------------------------------------- dashboard

def dashboard(region: str, prefix: str) -> dict:
    reader, worker, queue, dlq = f"{prefix}-reader", f"{prefix}-worker", f"{prefix}-queue", f"{prefix}-dlq"

    def widget(x, y, title, metrics, stat="Sum", w=12, h=6):
        return {"type": "metric", "x": x, "y": y, "width": w, "height": h,
                "properties": {"title": title, "region": region, "view": "timeSeries", "stacked": False,
                               "stat": stat, "period": 300, "metrics": metrics}}

    emf = [[{"expression": f"SEARCH('Namespace=\"TradingAlerts\" MetricName=\"{m}\"', 'Sum', 300)",
             "id": f"m{i}", "label": m}] for i, m in enumerate(EMF_METRICS)]
    return {"widgets": [
        widget(0, 0, "Reader: invocations and errors", [
            ["AWS/Lambda", "Invocations", "FunctionName", reader], [".", "Errors", ".", "."]]),
        widget(12, 0, "Reader: duration (ms)", [
            ["AWS/Lambda", "Duration", "FunctionName", reader, {"stat": "Average"}],
            ["...", {"stat": "Maximum"}]], stat="Average"),
        widget(0, 6, "Worker: concurrent executions", [
            ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", worker]], stat="Maximum"),
        widget(12, 6, "Worker: invocations, errors, throttles", [
            ["AWS/Lambda", "Invocations", "FunctionName", worker], [".", "Errors", ".", "."],
            [".", "Throttles", ".", "."]]),
        widget(0, 12, "Queue: visible and in flight", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue],
            [".", "ApproximateNumberOfMessagesNotVisible", ".", "."]], stat="Maximum"),
        widget(12, 12, "Queue: age of oldest message (s)", [
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue]], stat="Maximum"),
        widget(0, 18, "Dead-letter queue: depth", [
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", dlq]], stat="Maximum"),
        widget(12, 18, "TradingAlerts (EMF counts)", [m for group in emf for m in group], w=12),
    ]}


# ---------------------------------------------------------------- comparison

def normalise(value):
    """Compare documents the way AWS treats them: key order, single-string vs list Action/Resource, JSON held in
    strings (RedrivePolicy, policy documents) and numbers-as-strings ("30" vs 30) do not count as differences."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = normalise(v)
            if k in ("Action", "NotAction", "Resource", "NotResource"):
                v = sorted(v) if isinstance(v, list) else [v]
            out[k] = v
        return out
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str):
        s = value.strip()
        if s[:1] in "{[":
            try:
                return normalise(json.loads(s))
            except json.JSONDecodeError:
                pass
        if re.fullmatch(r"-?\d+(\.\d+)?", s):
            return normalise(float(s))
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _get(doc, path: str):
    for part in path.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


def changed(current: dict, desired: dict, paths: list[str]) -> list[str]:
    return [p for p in paths if normalise(_get(current, p)) != normalise(_get(desired, p))]


def _load(arg: str):
    if arg.startswith("@"):
        with open(arg[1:], encoding="utf-8") as f:
            return json.load(f)
    return json.loads(arg)


def cmd_changed(current: str, desired: str, *paths: str) -> None:
    """Prints the dotted paths whose values differ (nothing when all match). Paths default to desired's keys."""
    cur, want = _load(current) or {}, _load(desired)
    print(" ".join(changed(cur, want, list(paths) or sorted(want))))


def cmd_same(a: str, b: str) -> None:
    sys.exit(0 if normalise(_load(a)) == normalise(_load(b)) else 1)


def cmd_get(doc: str, path: str) -> None:
    value = _get(_load(doc), path)
    if value is not None:
        print(value if isinstance(value, str) else json.dumps(value))


def cmd_policy(function: str, queue_arn: str, table_arn: str, log_group_arn: str) -> None:
    print(json.dumps(role_policy(function, queue_arn, table_arn, log_group_arn), separators=(",", ":")))


def cmd_trust() -> None:
    print(json.dumps(trust_policy(), separators=(",", ":")))


def cmd_dashboard(region: str, prefix: str) -> None:
    print(json.dumps(dashboard(region, prefix), separators=(",", ":")))


def cmd_queue(visibility: str, retention: str, dlq_arn: str = "", max_receive: str = "") -> None:
    attrs = {"VisibilityTimeout": visibility, "MessageRetentionPeriod": retention}
    if dlq_arn:
        attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": int(max_receive)},
                                            separators=(",", ":"))
    print(json.dumps(attrs, separators=(",", ":")))


def cmd_function_config(runtime: str, handler: str, role: str, memory: str, timeout: str, arch: str,
                        env: str) -> None:
    print(json.dumps({"Runtime": runtime, "Handler": handler, "Role": role, "MemorySize": int(memory),
                      "Timeout": int(timeout), "Architectures": [arch], "Environment": _load(env)}))


def cmd_esm(batch_size: str, window: str, concurrency: str) -> None:
    """The event source mapping settings deploy.sh owns (State is checked apart: it passes through Updating)."""
    print(json.dumps({"BatchSize": int(batch_size), "MaximumBatchingWindowInSeconds": int(window),
                      "FunctionResponseTypes": ["ReportBatchItemFailures"],
                      "ScalingConfig": {"MaximumConcurrency": int(concurrency)}}))


def alarm(kind: str, prefix: str, topic_arn: str) -> dict:
    common = {"Namespace": "AWS/SQS", "Statistic": "Maximum", "Period": 300, "EvaluationPeriods": 1,
              "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching",
              "ActionsEnabled": True, "AlarmActions": [topic_arn], "OKActions": [topic_arn]}
    if kind == "dlq":
        return {"AlarmName": f"{prefix}-dlq-not-empty", **common,
                "AlarmDescription": "Messages reached the dead-letter queue: a signal failed every delivery. "
                                    "Read the worker's logs, fix, then redrive the DLQ.",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": f"{prefix}-dlq"}], "Threshold": 0}
    if kind == "oldest":
        return {"AlarmName": f"{prefix}-queue-oldest-over-2h", **common,
                "AlarmDescription": "A queued signal has waited more than two hours: the worker is not "
                                    "consuming (disabled mapping, throttling, or failing).",
                "MetricName": "ApproximateAgeOfOldestMessage",
                "Dimensions": [{"Name": "QueueName", "Value": f"{prefix}-queue"}], "Threshold": 7200}
    raise DocumentError(f"unknown alarm {kind}")


def cmd_alarm(kind: str, prefix: str, topic_arn: str) -> None:
    print(json.dumps(alarm(kind, prefix, topic_arn)))


def cmd_has_permission(policy: str, sid: str, principal: str = "", source_arn: str = "") -> None:
    """Exit 0 when the function policy has statement `sid` (for that principal and source ARN, when given)."""
    doc = _load(policy) or {}
    for st in doc.get("Statement", []):
        if st.get("Sid") != sid:
            continue
        if not principal:
            sys.exit(0)
        got_principal = (st.get("Principal") or {}).get("Service") if isinstance(st.get("Principal"), dict) else None
        got_source = ((st.get("Condition") or {}).get("ArnLike") or {}).get("AWS:SourceArn")
        sys.exit(0 if got_principal == principal and got_source == source_arn else 1)
    sys.exit(1)


def cmd_has_subscription(subscriptions: str, protocol: str, endpoint: str) -> None:
    subs = (_load(subscriptions) or {}).get("Subscriptions", [])
    sys.exit(0 if any(s.get("Protocol") == protocol and s.get("Endpoint") == endpoint for s in subs) else 1)


def cmd_target_arn(targets: str, target_id: str) -> None:
    for t in (_load(targets) or {}).get("Targets", []):
        if t.get("Id") == target_id:
            print(t.get("Arn", ""))


def cmd_redact(*env_files: str) -> None:
    """stdin → stdout with every configured variable's value (6+ characters) replaced by <KEY>."""
    text = sys.stdin.read()
    values = {}
    for path in env_files:
        try:
            values.update(_load("@" + path).get("Variables", {}))
        except (OSError, json.JSONDecodeError):
            continue
    for key, value in sorted(values.items(), key=lambda kv: -len(kv[1])):
        if len(value) >= 6:
            text = text.replace(value, f"<{key}>")
            text = text.replace(json.dumps(value)[1:-1], f"<{key}>")
    sys.stdout.write(text)


def cmd_sha256(path: str) -> None:
    """What Lambda reports as CodeSha256: base64 of the zip's SHA-256."""
    import base64
    import hashlib
    with open(path, "rb") as f:
        print(base64.b64encode(hashlib.sha256(f.read()).digest()).decode())


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    command = globals().get("cmd_" + argv[0].replace("-", "_"))
    if command is None:
        print(f"documents.py: unknown command {argv[0]}", file=sys.stderr)
        return 2
    try:
        command(*argv[1:])
    except DocumentError as e:
        print(str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
