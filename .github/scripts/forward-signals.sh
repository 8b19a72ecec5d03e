#!/usr/bin/env bash
# Runs a command so that cancelling the step (by hand, by a newer run, or by a timeout) reaches
# it the way Ctrl-C in a terminal would:
#   .github/scripts/forward-signals.sh <command> [args…]
#
# Why: GitHub cancels a `run:` step by sending SIGINT to the step's entry process, its bash,
# then SIGTERM 7.5 s later, then kills the process tree 2.5 s after that
# (https://docs.github.com/en/actions/reference/workflow-cancellation-reference). bash does
# not pass a signal on to the command it waits for, and `npm run` would not get it further
# either: npm forwards it to the `sh -c` it starts, and Debian's dash does not pass it on to
# node. So a release in the middle of a canary was killed with traffic still split.
#
# How: the command runs in its own process group (set -m, which also keeps bash from
# ignoring SIGINT in a background job); SIGINT and SIGTERM sent to this script are sent to
# that whole group, as a terminal sends Ctrl-C to its foreground group, so node (and
# terraform under cdktf) get them directly. The script then waits until every process of the
# group has finished its clean-up (the release tools return canary traffic and record it), so
# the next step never runs alongside it. Exit status: the command's.
set -uo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: .github/scripts/forward-signals.sh <command> [args…]" >&2
  exit 2
fi

set -m
"$@" &
child=$!
interrupted=""
signalled=""
forward() {
  interrupted=1
  signalled=1
  echo "forward-signals: $1 received, forwarded to the command's process group (pid $child)" >&2
  kill -s "$1" -- "-$child" 2>/dev/null || true
}
trap 'forward INT' INT
trap 'forward TERM' TERM

# A trapped signal makes `wait` return early (status > 128) with the command still running:
# wait again until it really exited. stderr: bash's own job notices ("Interrupt …").
while :; do
  interrupted=""
  wait "$child" 2>/dev/null
  status=$?
  [ -n "$interrupted" ] || break
done
# After a signal, child processes that outlive the command (npm's `sh -c` exits before node)
# still finish what the signal started.
if [ -n "$signalled" ]; then
  while kill -0 -- "-$child" 2>/dev/null; do sleep 0.1; done
fi
exit "$status"
