# Shared by deploy.sh and destroy.sh (sourced after option parsing): resource names, the aws wrapper, progress.
# Expects REGION, PREFIX, ENDPOINT, DRY_RUN, HERE; sets WORK (a private temp dir, removed on exit).

WORK="$(mktemp -d)"; chmod 700 "$WORK"
trap 'rm -rf "$WORK"' EXIT
exec 3>&1  # progress goes to the terminal even from inside $(...)
export AWS_DEFAULT_OUTPUT=json AWS_PAGER=""
STEP_NO=0; STEP_NAME="start"; : > "$WORK/changes"

# Errors that mean "it does not exist" (as opposed to "no permission", "throttled", …), per service.
NOT_FOUND='\((AWS\.SimpleQueueService\.NonExistentQueue|QueueDoesNotExist|ResourceNotFoundException|NoSuchEntity|NotFound|ResourceNotFound)\)'

say() { printf 'deploy: %s\n' "$*" >&3; }
step() { STEP_NO=$((STEP_NO + 1)); STEP_NAME="$1"; printf '[%d/%d] %s\n' "$STEP_NO" "$TOTAL" "$1" >&3; }
progress() { printf '      %s\n' "$*" >&3; }
usage_error() { echo "$(basename "$0"): $*" >&2; exit 2; }

# The last aws error, with every configured secret value replaced by its variable name.
last_error() {
  [ -s "$WORK/err" ] || return 0
  python3 "$HERE/documents.py" redact "$WORK"/*-env.json < "$WORK/err" | sed '/^$/d' | tail -n 5
}
fail() {
  {
    printf '%s: step %d/%d (%s) failed: %s\n' "$(basename "$0")" "$STEP_NO" "$TOTAL" "$STEP_NAME" "$*"
    last_error | sed 's/^/    /'
  } >&2
  exit 1
}

docs() { python3 "$HERE/documents.py" "$@" 2>"$WORK/docs-err"; }

# aws with the region, the endpoint (every call: the v1 CLI ignores AWS_ENDPOINT_URL for some services) and JSON.
# DEPLOY_TRACE=FILE records "service operation" per call (the tests use it to prove a re-run only reads).
aws_() {
  [ -z "${DEPLOY_TRACE:-}" ] || printf '%s %s\n' "$1" "$2" >> "$DEPLOY_TRACE"
  : > "$WORK/err"
  if [ -n "$ENDPOINT" ]; then
    aws --region "$REGION" --endpoint-url "$ENDPOINT" "$@" 2>"$WORK/err"
  else
    aws --region "$REGION" "$@" 2>"$WORK/err"
  fi
}
# Like aws_, but exit status 3 when the resource does not exist.
aws_read() {
  local out
  if out=$(aws_ "$@"); then printf '%s' "$out"; return 0; fi
  grep -qE "$NOT_FOUND" "$WORK/err" && return 3
  return 1
}
# A change: skipped (status 0, no output) in a dry run; recorded for the summary otherwise.
write() {
  local what="$1"; shift
  [ "$DRY_RUN" = 1 ] && return 0
  printf '%s\n' "$what" >> "$WORK/changes"
  aws_ "$@"
}
# "created" → "would be created" in a dry run.
did() { if [ "$DRY_RUN" = 1 ]; then printf 'would be %s' "$*"; else printf '%s' "$*"; fi; }
changes_made() { wc -l < "$WORK/changes" | tr -d ' '; }

# Retry a call while its error matches PATTERN (IAM changes reach Lambda after a few seconds), up to ~90 s.
retry_while() {
  local pattern="$1" delay=2 waited=0; shift
  while true; do
    "$@" && return 0
    grep -qE "$pattern" "$WORK/err" || return 1
    [ "$waited" -lt 90 ] || return 1
    progress "waiting for IAM to propagate ($(sed -n 's/.*: //p' "$WORK/err" | head -c 120))"
    sleep "$delay"; waited=$((waited + delay)); delay=$((delay < 16 ? delay * 2 : 16))
  done
}
wait_function() { [ "$DRY_RUN" = 1 ] || aws_ lambda wait function-updated-v2 --function-name "$1" || fail "$1 did not finish updating"; }

names_and_arns() {  # needs ACCOUNT
  local partition=aws
  case "$REGION" in cn-*) partition=aws-cn ;; us-gov-*) partition=aws-us-gov ;; esac
  QUEUE_NAME="$PREFIX-queue"; DLQ_NAME="$PREFIX-dlq"; TABLE_NAME="$PREFIX-state"
  READER_NAME="$PREFIX-reader"; WORKER_NAME="$PREFIX-worker"
  READER_ROLE="$PREFIX-reader"; WORKER_ROLE="$PREFIX-worker"
  READER_LOG_GROUP="/aws/lambda/$READER_NAME"; WORKER_LOG_GROUP="/aws/lambda/$WORKER_NAME"
  RULE_NAME="$PREFIX-schedule"; TOPIC_NAME="$PREFIX-alarms"; DASHBOARD_NAME="$PREFIX"
  PERMISSION_ID="$PREFIX-schedule"
  QUEUE_ARN="arn:$partition:sqs:$REGION:$ACCOUNT:$QUEUE_NAME"
  DLQ_ARN="arn:$partition:sqs:$REGION:$ACCOUNT:$DLQ_NAME"
  TABLE_ARN="arn:$partition:dynamodb:$REGION:$ACCOUNT:table/$TABLE_NAME"
  READER_ROLE_ARN="arn:$partition:iam::$ACCOUNT:role/$READER_ROLE"
  WORKER_ROLE_ARN="arn:$partition:iam::$ACCOUNT:role/$WORKER_ROLE"
  READER_ARN="arn:$partition:lambda:$REGION:$ACCOUNT:function:$READER_NAME"
  WORKER_ARN="arn:$partition:lambda:$REGION:$ACCOUNT:function:$WORKER_NAME"
  READER_LOG_GROUP_ARN="arn:$partition:logs:$REGION:$ACCOUNT:log-group:$READER_LOG_GROUP"
  WORKER_LOG_GROUP_ARN="arn:$partition:logs:$REGION:$ACCOUNT:log-group:$WORKER_LOG_GROUP"
  RULE_ARN="arn:$partition:events:$REGION:$ACCOUNT:rule/$RULE_NAME"
  TOPIC_ARN="arn:$partition:sns:$REGION:$ACCOUNT:$TOPIC_NAME"
}
