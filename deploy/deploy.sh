#!/usr/bin/env bash
# Deploys the trading-signal alerts to AWS, or updates an existing deployment. Idempotent: a second run with
# nothing changed changes nothing; new code updates only the code. Every call goes through the aws CLI.
#
#   deploy/deploy.sh --region eu-west-1 [--env-file deploy/env] [--alarm-email you@example.com]
#
# Options (defaults in brackets):
#   --region R              AWS region [$AWS_REGION / $AWS_DEFAULT_REGION]
#   --prefix P              resource name prefix [trading-signals]
#   --endpoint-url URL      a local AWS emulator (moto); passed to every aws call
#   --arch A                x86_64 | arm64 [x86_64]; the zips must be built for it
#   --schedule EXPR         EventBridge schedule for the reader [rate(1 hour)]
#   --batch-size N          SQS messages per worker invocation, 1-10000 [10]
#   --worker-concurrency N  most workers at once (event source MaximumConcurrency), 2-1000 [5]
#   --memory MB             memory of both functions [256]
#   --timeout S             timeout of both functions, seconds [60]; the queue's visibility timeout is 6x this
#   --max-receive-count N   deliveries before a message goes to the dead-letter queue [5]
#   --log-retention-days N  CloudWatch Logs retention [30]
#   --env-file F            the functions' settings, see deploy/env.example [deploy/env]
#   --alarm-email ADDR      subscribe this address to the alarm topic (confirm the e-mail AWS sends)
#   --package-dir D         deploy D/reader.zip and D/worker.zip as they are (no build)
#   --skip-build            deploy the existing dist/*.zip without rebuilding
#   --dry-run               print the plan, change nothing (reads only)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"; PREFIX=trading-signals; ENDPOINT=""; ARCH=x86_64
SCHEDULE="rate(1 hour)"; BATCH_SIZE=10; CONCURRENCY=5; MEMORY=256; TIMEOUT=60; MAX_RECEIVE=5; RETENTION=30
ENV_FILE="$HERE/env"; ALARM_EMAIL=""; PACKAGE_DIR=""; BUILD=1; DRY_RUN=0

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "deploy: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --region) need_value "$@"; REGION="$2"; shift 2 ;;
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --endpoint-url) need_value "$@"; ENDPOINT="$2"; shift 2 ;;
    --arch) need_value "$@"; ARCH="$2"; shift 2 ;;
    --schedule) need_value "$@"; SCHEDULE="$2"; shift 2 ;;
    --batch-size) need_value "$@"; BATCH_SIZE="$2"; shift 2 ;;
    --worker-concurrency) need_value "$@"; CONCURRENCY="$2"; shift 2 ;;
    --memory) need_value "$@"; MEMORY="$2"; shift 2 ;;
    --timeout) need_value "$@"; TIMEOUT="$2"; shift 2 ;;
    --max-receive-count) need_value "$@"; MAX_RECEIVE="$2"; shift 2 ;;
    --log-retention-days) need_value "$@"; RETENTION="$2"; shift 2 ;;
    --env-file) need_value "$@"; ENV_FILE="$2"; shift 2 ;;
    --alarm-email) need_value "$@"; ALARM_EMAIL="$2"; shift 2 ;;
    --package-dir) need_value "$@"; PACKAGE_DIR="$2"; BUILD=0; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "deploy: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=deploy/common.sh
. "$HERE/common.sh"

int_in() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ] || usage_error "$1 must be an integer from $3 to $4"; }
[ -n "$REGION" ] || usage_error "--region is required (or set AWS_REGION)"
[[ "$PREFIX" =~ ^[A-Za-z0-9-]{1,40}$ ]] || usage_error "--prefix: letters, digits and '-', at most 40"
case "$ARCH" in x86_64|arm64) ;; *) usage_error "--arch must be x86_64 or arm64" ;; esac
int_in --batch-size "$BATCH_SIZE" 1 10000
int_in --worker-concurrency "$CONCURRENCY" 2 1000
int_in --memory "$MEMORY" 128 10240
int_in --timeout "$TIMEOUT" 1 900
int_in --max-receive-count "$MAX_RECEIVE" 1 1000
case "$RETENTION" in 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653) ;;
  *) usage_error "--log-retention-days must be one CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, …)" ;; esac
[[ "$SCHEDULE" =~ ^(rate|cron)\(.+\)$ ]] || usage_error "--schedule must be rate(...) or cron(...)"
[ -f "$ENV_FILE" ] || usage_error "no env file at $ENV_FILE: copy deploy/env.example to deploy/env and fill it in"
# A batch larger than 10 needs a batching window; 1 s keeps latency low.
BATCH_WINDOW=0; [ "$BATCH_SIZE" -le 10 ] || BATCH_WINDOW=1
VISIBILITY=$((TIMEOUT * 6)); [ "$VISIBILITY" -ge 30 ] || VISIBILITY=30
RETENTION_SECONDS=345600  # queue message retention: 4 days (the DLQ keeps 14)

TOTAL=13
[ "$DRY_RUN" = 1 ] && say "dry run: reading only; nothing below is changed"
say "deploying prefix $PREFIX to $REGION${ENDPOINT:+ via $ENDPOINT}"

# ----------------------------------------------------------------------------------------------- 1. packages
step "account and packages"
ACCOUNT=$(aws_ sts get-caller-identity --query Account --output text) || fail "cannot read the account id (credentials?)"
names_and_arns
if [ -z "$PACKAGE_DIR" ]; then
  PACKAGE_DIR="$ROOT/dist"
  if [ "$BUILD" = 1 ] && [ "$DRY_RUN" = 0 ]; then
    "$ROOT/scripts/package" --arch "$ARCH" --out "$PACKAGE_DIR" >&2 || fail "scripts/package failed"
  fi
fi
for f in reader worker; do
  zip="$PACKAGE_DIR/$f.zip"
  if [ ! -f "$zip" ]; then
    [ "$DRY_RUN" = 1 ] || fail "$zip not found"
    continue
  fi
  manifest="$PACKAGE_DIR/$f.manifest.json"
  if [ -f "$manifest" ]; then
    built_for=$(docs get "@$manifest" arch)
    [ "$built_for" = "$ARCH" ] || fail "$zip was built for $built_for, --arch is $ARCH"
  fi
done
progress "account $ACCOUNT, packages in $PACKAGE_DIR"
# Check the settings before creating anything (the real environments are written at steps 7 and 8).
for f in reader worker; do
  docs env "$f" "$ENV_FILE" "$WORK/check-env.json" SQS_QUEUE_URL=- DYNAMODB_TABLE_NAME=- >/dev/null \
    || fail "the env file $ENV_FILE: $(cat "$WORK/docs-err")"
done
rm -f "$WORK/check-env.json"

# ----------------------------------------------------------------------------------------------- 2-3. queues
ensure_queue() {  # name attributes-json → sets QUEUE_URL_OUT
  local name="$1" desired="$2" current changes
  if QUEUE_URL_OUT=$(aws_read sqs get-queue-url --queue-name "$name" --query QueueUrl --output text); then
    current=$(aws_ sqs get-queue-attributes --queue-url "$QUEUE_URL_OUT" --attribute-names All --query Attributes) \
      || fail "cannot read the attributes of $name"
    changes=$(docs changed "$current" "$desired")
    if [ -z "$changes" ]; then progress "$name unchanged"; return; fi
    write "update $name ($changes)" sqs set-queue-attributes --queue-url "$QUEUE_URL_OUT" --attributes "$desired" \
      || fail "cannot update $name"
    progress "$name $(did updated) ($changes)"
  else
    [ $? = 3 ] || fail "cannot look up $name"
    QUEUE_URL_OUT=$(write "create $name" sqs create-queue --queue-name "$name" --attributes "$desired" \
      --query QueueUrl --output text) || fail "cannot create $name"
    [ -n "$QUEUE_URL_OUT" ] || QUEUE_URL_OUT="(the new queue's URL)"
    progress "$name $(did created)"
  fi
}
step "dead-letter queue"
ensure_queue "$DLQ_NAME" "$(docs queue 30 1209600)"
step "queue"
ensure_queue "$QUEUE_NAME" "$(docs queue "$VISIBILITY" "$RETENTION_SECONDS" "$DLQ_ARN" "$MAX_RECEIVE")"
QUEUE_URL="$QUEUE_URL_OUT"

# ----------------------------------------------------------------------------------------------- 4. table
step "state table"
if current=$(aws_read dynamodb describe-table --table-name "$TABLE_NAME" --query Table); then
  keys=$(docs get "$current" KeySchema)
  [ "$(docs same "$keys" '[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}]' && echo y)" = y ] \
    || fail "$TABLE_NAME exists with another key schema ($keys); delete it or choose another --prefix"
  billing=$(docs get "$current" BillingModeSummary.BillingMode)
  if [ "$billing" != "PAY_PER_REQUEST" ]; then
    write "switch $TABLE_NAME to on-demand" dynamodb update-table --table-name "$TABLE_NAME" \
      --billing-mode PAY_PER_REQUEST >/dev/null || fail "cannot switch $TABLE_NAME to on-demand"
    progress "$TABLE_NAME $(did "switched to on-demand")"
  else
    progress "$TABLE_NAME unchanged"
  fi
else
  [ $? = 3 ] || fail "cannot look up $TABLE_NAME"
  write "create $TABLE_NAME" dynamodb create-table --table-name "$TABLE_NAME" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=PK,AttributeType=S AttributeName=SK,AttributeType=S \
    --key-schema AttributeName=PK,KeyType=HASH AttributeName=SK,KeyType=RANGE >/dev/null \
    || fail "cannot create $TABLE_NAME"
  [ "$DRY_RUN" = 1 ] || aws_ dynamodb wait table-exists --table-name "$TABLE_NAME" || fail "$TABLE_NAME did not become active"
  progress "$TABLE_NAME $(did created)"
fi
ttl=$(aws_read dynamodb describe-time-to-live --table-name "$TABLE_NAME" --query TimeToLiveDescription --output json) || ttl='{}'
if [ "$(docs get "$ttl" TimeToLiveStatus)" = ENABLED ] && [ "$(docs get "$ttl" AttributeName)" = expires_at ]; then
  progress "$TABLE_NAME TTL on expires_at unchanged"
else
  write "enable TTL on $TABLE_NAME.expires_at" dynamodb update-time-to-live --table-name "$TABLE_NAME" \
    --time-to-live-specification Enabled=true,AttributeName=expires_at >/dev/null || fail "cannot enable TTL"
  progress "$TABLE_NAME TTL on expires_at $(did enabled)"
fi

# ----------------------------------------------------------------------------------------------- 5. log groups
step "log groups"
for group in "$READER_LOG_GROUP" "$WORKER_LOG_GROUP"; do
  found=$(aws_ logs describe-log-groups --log-group-name-prefix "$group" \
    --query "logGroups[?logGroupName=='$group'] | [0]" --output json) || fail "cannot list log groups"
  if [ "$found" = null ] || [ -z "$found" ]; then
    write "create $group" logs create-log-group --log-group-name "$group" || fail "cannot create $group"
    write "keep $group for $RETENTION days" logs put-retention-policy --log-group-name "$group" \
      --retention-in-days "$RETENTION" || fail "cannot set the retention of $group"
    progress "$group $(did created) (retention $RETENTION days)"
  elif [ "$(docs get "$found" retentionInDays)" != "$RETENTION" ]; then
    write "keep $group for $RETENTION days" logs put-retention-policy --log-group-name "$group" \
      --retention-in-days "$RETENTION" || fail "cannot set the retention of $group"
    progress "$group $(did updated) (retention $RETENTION days)"
  else
    progress "$group unchanged"
  fi
done

# ----------------------------------------------------------------------------------------------- 6. roles
step "IAM roles"
ROLES_CREATED=0
ensure_role() {  # role-name policy-json
  local role="$1" policy="$2" current trust
  trust=$(docs trust)
  if current=$(aws_read iam get-role --role-name "$role" --query Role.AssumeRolePolicyDocument --output json); then
    if docs same "$current" "$trust"; then progress "$role unchanged"; else
      write "reset the trust policy of $role" iam update-assume-role-policy --role-name "$role" \
        --policy-document "$trust" || fail "cannot update the trust policy of $role"
      progress "$role $(did updated) (trust policy)"
    fi
  else
    [ $? = 3 ] || fail "cannot look up $role"
    write "create $role" iam create-role --role-name "$role" --assume-role-policy-document "$trust" \
      --description "Lambda execution role for $PREFIX" >/dev/null || fail "cannot create $role"
    ROLES_CREATED=1
    progress "$role $(did created)"
  fi
  if current=$(aws_read iam get-role-policy --role-name "$role" --policy-name "$role" --query PolicyDocument --output json) \
     && docs same "$current" "$policy"; then
    progress "$role inline policy unchanged"
  else
    write "put the inline policy of $role" iam put-role-policy --role-name "$role" --policy-name "$role" \
      --policy-document "$policy" || fail "cannot put the inline policy of $role"
    ROLES_CREATED=1
    progress "$role inline policy $(did written)"
  fi
}
ensure_role "$READER_ROLE" "$(docs policy reader "$QUEUE_ARN" "$TABLE_ARN" "$READER_LOG_GROUP_ARN")"
ensure_role "$WORKER_ROLE" "$(docs policy worker "$QUEUE_ARN" "$TABLE_ARN" "$WORKER_LOG_GROUP_ARN")"

# ----------------------------------------------------------------------------------------------- 7-8. functions
ensure_function() {  # name zip role-arn env-json-file
  # Documents holding the environment go through files in the private $WORK, never through argv.
  local name="$1" zip="$2" role="$3" envfile="$4" changes code_changed=0 sha
  local current="$WORK/function-current.json" desired="$WORK/function-desired.json"
  docs function-config provided.al2023 bootstrap "$role" "$MEMORY" "$TIMEOUT" "$ARCH" "@$envfile" > "$desired"
  if aws_read lambda get-function-configuration --function-name "$name" > "$current"; then
    sha=""; [ -f "$zip" ] && sha=$(docs sha256 "$zip")
    if [ -z "$sha" ]; then progress "$name code: would be built and compared"
    elif [ "$sha" != "$(docs get "@$current" CodeSha256)" ] || [ -n "$(docs changed "@$current" "@$desired" Architectures)" ]; then
      code_changed=1
      write "upload new code to $name" lambda update-function-code --function-name "$name" \
        --zip-file "fileb://$zip" --architectures "$ARCH" >/dev/null || fail "cannot update the code of $name"
      wait_function "$name"
    fi
    changes=$(docs changed "@$current" "@$desired" Runtime Handler Role MemorySize Timeout Environment.Variables)
    if [ -n "$changes" ]; then
      write "update the configuration of $name ($changes)" lambda update-function-configuration \
        --function-name "$name" --runtime provided.al2023 --handler bootstrap --role "$role" \
        --memory-size "$MEMORY" --timeout "$TIMEOUT" --environment "file://$envfile" >/dev/null \
        || fail "cannot update the configuration of $name"
      wait_function "$name"
    fi
    if [ "$code_changed" = 0 ] && [ -z "$changes" ]; then progress "$name unchanged"
    else progress "$name $(did updated) ($(echo $([ "$code_changed" = 1 ] && echo code) $changes))"; fi
  else
    [ $? = 3 ] || fail "cannot look up $name"
    if [ "$DRY_RUN" = 1 ]; then progress "$name would be created"; return; fi
    # A role made seconds ago may not be assumable by Lambda yet (IAM is eventually consistent): retry.
    retry_while "cannot be assumed|role defined for the function" aws_ lambda create-function --function-name "$name" \
      --runtime provided.al2023 --handler bootstrap --role "$role" --zip-file "fileb://$zip" \
      --architectures "$ARCH" --memory-size "$MEMORY" --timeout "$TIMEOUT" --environment "file://$envfile" \
      --description "$PREFIX $name (Swift, provided.al2023)" >/dev/null || fail "cannot create $name"
    aws_ lambda wait function-active-v2 --function-name "$name" || fail "$name did not become active"
    progress "$name created"
  fi
}
function_env() {  # function env-file out-file extra-assignments... (prints names, never values)
  local names
  names=$(docs env "$@") || fail "the env file $ENV_FILE: $(cat "$WORK/docs-err")"
  progress "$1 environment: $names"
  while IFS= read -r line; do progress "$line"; done < "$WORK/docs-err"
}
step "reader function"
function_env reader "$ENV_FILE" "$WORK/reader-env.json" "SQS_QUEUE_URL=$QUEUE_URL" "SSL_CERT_FILE=/var/task/ca-bundle.crt"
ensure_function "$READER_NAME" "$PACKAGE_DIR/reader.zip" "$READER_ROLE_ARN" "$WORK/reader-env.json"
step "worker function"
function_env worker "$ENV_FILE" "$WORK/worker-env.json" "DYNAMODB_TABLE_NAME=$TABLE_NAME" "SSL_CERT_FILE=/var/task/ca-bundle.crt"
ensure_function "$WORKER_NAME" "$PACKAGE_DIR/worker.zip" "$WORKER_ROLE_ARN" "$WORK/worker-env.json"

# ----------------------------------------------------------------------------------------------- 9. schedule
step "schedule"
current=$(aws_read events describe-rule --name "$RULE_NAME") || { [ $? = 3 ] || fail "cannot look up $RULE_NAME"; current='{}'; }
if [ "$(docs get "$current" ScheduleExpression)" = "$SCHEDULE" ] && [ "$(docs get "$current" State)" = ENABLED ]; then
  progress "$RULE_NAME unchanged ($SCHEDULE)"
else
  write "put rule $RULE_NAME ($SCHEDULE)" events put-rule --name "$RULE_NAME" --schedule-expression "$SCHEDULE" \
    --state ENABLED --description "Runs the $PREFIX reader" >/dev/null || fail "cannot put $RULE_NAME"
  progress "$RULE_NAME $(did "set to $SCHEDULE")"
fi
targets='{}'; [ "$current" = '{}' ] || targets=$(aws_ events list-targets-by-rule --rule "$RULE_NAME") \
  || fail "cannot list the targets of $RULE_NAME"
if [ "$(docs target-arn "$targets" reader)" = "$READER_ARN" ]; then
  progress "$RULE_NAME target unchanged"
else
  write "point $RULE_NAME at $READER_NAME" events put-targets --rule "$RULE_NAME" \
    --targets "[{\"Id\":\"reader\",\"Arn\":\"$READER_ARN\"}]" >/dev/null || fail "cannot set the target of $RULE_NAME"
  progress "$RULE_NAME target $(did set)"
fi
policy=$(aws_read lambda get-policy --function-name "$READER_NAME" --query Policy --output text) || policy='{}'
if docs has-permission "$policy" "$PERMISSION_ID" events.amazonaws.com "$RULE_ARN"; then
  progress "invoke permission for $RULE_NAME unchanged"
else
  if [ "$policy" != '{}' ] && docs has-permission "$policy" "$PERMISSION_ID"; then
    write "remove the stale invoke permission" lambda remove-permission --function-name "$READER_NAME" \
      --statement-id "$PERMISSION_ID" || fail "cannot remove the stale invoke permission"
  fi
  write "let $RULE_NAME invoke $READER_NAME" lambda add-permission --function-name "$READER_NAME" \
    --statement-id "$PERMISSION_ID" --action lambda:InvokeFunction --principal events.amazonaws.com \
    --source-arn "$RULE_ARN" >/dev/null || fail "cannot allow $RULE_NAME to invoke $READER_NAME"
  progress "invoke permission for $RULE_NAME $(did added)"
fi

# ----------------------------------------------------------------------------------------------- 10. event source
step "event source mapping"
desired=$(docs esm "$BATCH_SIZE" "$BATCH_WINDOW" "$CONCURRENCY")
current=$(aws_read lambda list-event-source-mappings --function-name "$WORKER_NAME" --event-source-arn "$QUEUE_ARN" \
  --query 'EventSourceMappings[0]' --output json) || { [ $? = 3 ] || fail "cannot list event source mappings"; current=null; }
if [ "$current" = null ] || [ -z "$current" ]; then
  if [ "$DRY_RUN" = 1 ]; then progress "$QUEUE_NAME → $WORKER_NAME would be created"; else
    # The worker role's SQS permissions may take seconds to reach Lambda after a first deploy.
    retry_while "execution role does not have permissions" aws_ lambda create-event-source-mapping \
      --function-name "$WORKER_NAME" --event-source-arn "$QUEUE_ARN" --batch-size "$BATCH_SIZE" \
      --maximum-batching-window-in-seconds "$BATCH_WINDOW" --function-response-types ReportBatchItemFailures \
      --scaling-config "MaximumConcurrency=$CONCURRENCY" --enabled >/dev/null || fail "cannot create the event source mapping"
    progress "$QUEUE_NAME → $WORKER_NAME created (batch $BATCH_SIZE, at most $CONCURRENCY workers)"
  fi
else
  changes=$(docs changed "$current" "$desired")
  case "$(docs get "$current" State)" in Disabled|Disabling) changes="${changes:+$changes }State" ;; esac
  if [ -z "$changes" ]; then progress "$QUEUE_NAME → $WORKER_NAME unchanged"; else
    uuid=$(docs get "$current" UUID)
    write "update the event source mapping ($changes)" lambda update-event-source-mapping --uuid "$uuid" \
      --batch-size "$BATCH_SIZE" --maximum-batching-window-in-seconds "$BATCH_WINDOW" \
      --function-response-types ReportBatchItemFailures --scaling-config "MaximumConcurrency=$CONCURRENCY" \
      --enabled >/dev/null || fail "cannot update the event source mapping"
    progress "$QUEUE_NAME → $WORKER_NAME $(did updated) ($changes)"
  fi
fi

# ----------------------------------------------------------------------------------------------- 11. alarm topic
step "alarm topic"
if aws_read sns get-topic-attributes --topic-arn "$TOPIC_ARN" >/dev/null; then
  progress "$TOPIC_NAME unchanged"
else
  [ $? = 3 ] || fail "cannot look up $TOPIC_NAME"
  write "create $TOPIC_NAME" sns create-topic --name "$TOPIC_NAME" >/dev/null || fail "cannot create $TOPIC_NAME"
  progress "$TOPIC_NAME $(did created)"
fi
if [ -n "$ALARM_EMAIL" ]; then
  subs=$(aws_read sns list-subscriptions-by-topic --topic-arn "$TOPIC_ARN") || {
    [ $? = 3 ] || fail "cannot list the subscriptions of $TOPIC_NAME"; subs='{"Subscriptions":[]}'; }
  if docs has-subscription "$subs" email "$ALARM_EMAIL"; then progress "e-mail subscription unchanged"; else
    write "subscribe $ALARM_EMAIL" sns subscribe --topic-arn "$TOPIC_ARN" --protocol email \
      --notification-endpoint "$ALARM_EMAIL" >/dev/null || fail "cannot subscribe $ALARM_EMAIL"
    progress "$ALARM_EMAIL $(did subscribed) (confirm the e-mail from AWS Notifications)"
  fi
fi

# ----------------------------------------------------------------------------------------------- 12. alarms
step "alarms"
for alarm in dlq oldest; do
  desired=$(docs alarm "$alarm" "$PREFIX" "$TOPIC_ARN")
  alarm_name=$(docs get "$desired" AlarmName)
  current=$(aws_ cloudwatch describe-alarms --alarm-names "$alarm_name" --query 'MetricAlarms[0]' --output json) \
    || fail "cannot read $alarm_name"
  changes=""; [ "$current" = null ] || changes=$(docs changed "$current" "$desired")
  if [ "$current" != null ] && [ -z "$changes" ]; then progress "$alarm_name unchanged"; else
    printf '%s' "$desired" > "$WORK/alarm.json"
    write "put $alarm_name" cloudwatch put-metric-alarm --cli-input-json "file://$WORK/alarm.json" \
      || fail "cannot put $alarm_name"
    progress "$alarm_name $(did "$([ "$current" = null ] && echo created || echo "updated ($changes)")")"
  fi
done

# ----------------------------------------------------------------------------------------------- 13. dashboard
step "dashboard"
desired=$(docs dashboard "$REGION" "$PREFIX")
current=$(aws_read cloudwatch get-dashboard --dashboard-name "$DASHBOARD_NAME" --query DashboardBody --output text) \
  || { [ $? = 3 ] || fail "cannot read $DASHBOARD_NAME"; current=""; }
if [ -n "$current" ] && docs same "$current" "$desired"; then progress "$DASHBOARD_NAME unchanged"; else
  printf '%s' "$desired" > "$WORK/dashboard.json"
  write "put $DASHBOARD_NAME" cloudwatch put-dashboard --dashboard-name "$DASHBOARD_NAME" \
    --dashboard-body "file://$WORK/dashboard.json" >/dev/null || fail "cannot put $DASHBOARD_NAME"
  progress "$DASHBOARD_NAME $(did "$([ -z "$current" ] && echo created || echo updated)")"
fi

if [ "$DRY_RUN" = 1 ]; then say "dry run finished: nothing was changed"
else say "done: $(changes_made) change(s)$([ "$(changes_made)" = 0 ] && echo ', everything was up to date')"; fi
