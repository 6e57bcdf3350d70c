#!/usr/bin/env bash
# Removes everything deploy/deploy.sh created for a prefix in a region: the event source mapping, the schedule,
# both functions, their log groups, both roles, the state table (with its notification history), both queues,
# the alarms, the dashboard and the alarm topic. Safe to re-run: what is already gone is skipped.
#
#   deploy/destroy.sh --region eu-west-1 [--prefix trading-signals] [--endpoint-url URL] [--yes] [--dry-run]
#
# Asks for the prefix as confirmation unless --yes.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"; PREFIX=trading-signals; ENDPOINT=""; YES=0; DRY_RUN=0
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || { echo "destroy: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --region) need_value "$@"; REGION="$2"; shift 2 ;;
    --prefix) need_value "$@"; PREFIX="$2"; shift 2 ;;
    --endpoint-url) need_value "$@"; ENDPOINT="$2"; shift 2 ;;
    --yes|-y) YES=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "destroy: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=deploy/common.sh
. "$HERE/common.sh"
say() { printf 'destroy: %s\n' "$*" >&3; }
[ -n "$REGION" ] || usage_error "--region is required (or set AWS_REGION)"
[[ "$PREFIX" =~ ^[A-Za-z0-9-]{1,40}$ ]] || usage_error "--prefix: letters, digits and '-', at most 40"

TOTAL=9
step "account"
ACCOUNT=$(aws_ sts get-caller-identity --query Account --output text) || fail "cannot read the account id (credentials?)"
names_and_arns
progress "account $ACCOUNT, region $REGION${ENDPOINT:+ via $ENDPOINT}, prefix $PREFIX"

if [ "$YES" = 0 ] && [ "$DRY_RUN" = 0 ]; then
  [ -t 0 ] || usage_error "not a terminal: pass --yes to confirm"
  printf 'This deletes the %s functions, queues (with any queued signals), the state table (with the notification history), roles, alarms and dashboard in %s.\nType the prefix (%s) to confirm: ' \
    "$PREFIX" "$REGION" "$PREFIX" >&3
  read -r answer
  [ "$answer" = "$PREFIX" ] || { say "not confirmed; nothing deleted"; exit 1; }
fi

gone() { progress "$1 $(did deleted)"; }
absent() { progress "$1 already gone"; }
# delete "label" aws-read-args... -- aws-delete-args...: reads first, so that a missing resource is not an error.
delete() {
  local label="$1" read_args=() del_args=(); shift
  while [ "$1" != "--" ]; do read_args+=("$1"); shift; done; shift
  del_args=("$@")
  if aws_read "${read_args[@]}" >/dev/null; then
    write "delete $label" "${del_args[@]}" >/dev/null || fail "cannot delete $label"
    gone "$label"
  else
    [ $? = 3 ] || fail "cannot look up $label"
    absent "$label"
  fi
}

step "event source mapping"
uuids=$(aws_read lambda list-event-source-mappings --function-name "$WORKER_NAME" \
  --query 'EventSourceMappings[].UUID' --output text) || { [ $? = 3 ] || fail "cannot list event source mappings"; uuids=""; }
if [ -z "$uuids" ] || [ "$uuids" = None ]; then absent "event source mapping of $WORKER_NAME"; fi
for uuid in $uuids; do
  [ "$uuid" = None ] && continue
  write "delete mapping $uuid" lambda delete-event-source-mapping --uuid "$uuid" >/dev/null \
    || fail "cannot delete the event source mapping $uuid"
  gone "event source mapping $uuid"
done

step "schedule"
if aws_read events describe-rule --name "$RULE_NAME" >/dev/null; then
  ids=$(aws_ events list-targets-by-rule --rule "$RULE_NAME" --query 'Targets[].Id' --output text) \
    || fail "cannot list the targets of $RULE_NAME"
  if [ -n "$ids" ] && [ "$ids" != None ]; then
    # shellcheck disable=SC2086 # one argument per target id
    write "remove targets" events remove-targets --rule "$RULE_NAME" --ids $ids >/dev/null \
      || fail "cannot remove the targets of $RULE_NAME"
  fi
  write "delete $RULE_NAME" events delete-rule --name "$RULE_NAME" || fail "cannot delete $RULE_NAME"
  gone "$RULE_NAME"
else
  [ $? = 3 ] || fail "cannot look up $RULE_NAME"
  absent "$RULE_NAME"
fi

step "functions"
for fn in "$READER_NAME" "$WORKER_NAME"; do
  delete "$fn" lambda get-function-configuration --function-name "$fn" -- lambda delete-function --function-name "$fn"
done

step "log groups"
for group in "$READER_LOG_GROUP" "$WORKER_LOG_GROUP"; do
  found=$(aws_ logs describe-log-groups --log-group-name-prefix "$group" \
    --query "logGroups[?logGroupName=='$group'] | [0].logGroupName" --output text) || fail "cannot list log groups"
  if [ "$found" = "$group" ]; then
    write "delete $group" logs delete-log-group --log-group-name "$group" || fail "cannot delete $group"
    gone "$group"
  else
    absent "$group"
  fi
done

step "roles"
for role in "$READER_ROLE" "$WORKER_ROLE"; do
  if aws_read iam get-role --role-name "$role" >/dev/null; then
    policies=$(aws_ iam list-role-policies --role-name "$role" --query 'PolicyNames' --output text) \
      || fail "cannot list the policies of $role"
    for p in $policies; do
      [ "$p" = None ] && continue
      write "delete inline policy $p" iam delete-role-policy --role-name "$role" --policy-name "$p" \
        || fail "cannot delete the inline policy $p of $role"
    done
    attached=$(aws_ iam list-attached-role-policies --role-name "$role" --query 'AttachedPolicies[].PolicyArn' \
      --output text) || fail "cannot list the managed policies of $role"
    for p in $attached; do
      [ "$p" = None ] && continue
      write "detach $p" iam detach-role-policy --role-name "$role" --policy-arn "$p" || fail "cannot detach $p"
    done
    write "delete $role" iam delete-role --role-name "$role" || fail "cannot delete $role"
    gone "role $role"
  else
    [ $? = 3 ] || fail "cannot look up $role"
    absent "role $role"
  fi
done

step "state table"
delete "$TABLE_NAME" dynamodb describe-table --table-name "$TABLE_NAME" -- dynamodb delete-table --table-name "$TABLE_NAME"

step "queues"
for q in "$QUEUE_NAME" "$DLQ_NAME"; do
  if url=$(aws_read sqs get-queue-url --queue-name "$q" --query QueueUrl --output text); then
    write "delete $q" sqs delete-queue --queue-url "$url" || fail "cannot delete $q"
    gone "$q"
  else
    [ $? = 3 ] || fail "cannot look up $q"
    absent "$q"
  fi
done

step "monitoring"
alarms=$(aws_ cloudwatch describe-alarms --alarm-name-prefix "$PREFIX-" --query 'MetricAlarms[].AlarmName' \
  --output text) || fail "cannot list alarms"
for a in "$PREFIX-dlq-not-empty" "$PREFIX-queue-oldest-over-2h"; do
  if [[ " $(echo $alarms) " == *" $a "* ]]; then
    write "delete $a" cloudwatch delete-alarms --alarm-names "$a" || fail "cannot delete $a"
    gone "$a"
  else
    absent "$a"
  fi
done
delete "dashboard $DASHBOARD_NAME" cloudwatch get-dashboard --dashboard-name "$DASHBOARD_NAME" \
  -- cloudwatch delete-dashboards --dashboard-names "$DASHBOARD_NAME"
delete "$TOPIC_NAME (and its subscriptions)" sns get-topic-attributes --topic-arn "$TOPIC_ARN" \
  -- sns delete-topic --topic-arn "$TOPIC_ARN"

if [ "$DRY_RUN" = 1 ]; then say "dry run finished: nothing was deleted"; else say "done: $(changes_made) deletion(s)"; fi
