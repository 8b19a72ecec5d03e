#!/usr/bin/env bash
# Plans every stack of one environment from a synthesized cdktf.out, read-only:
#   .github/scripts/terraform-plan.sh <env> [--detailed-exitcode]
# For each cdktf.out/stacks/<env>-*: terraform init, plan -out=plan.tfplan (-lock=false: a
# speculative plan must neither wait for nor block a deploy holding the state lock), and
# terraform show -json plan.tfplan > plan.json, which plan-review reads.
# Exit: 0 no changes (or changes without --detailed-exitcode), 2 changes with
# --detailed-exitcode (drift), 1 any terraform error. Every stack is planned either way.
set -uo pipefail

env_name="${1:?usage: terraform-plan.sh <env> [--detailed-exitcode]}"
detailed="${2:-}"
out_dir="${CDKTF_OUT:-cdktf.out}"
shopt -s nullglob
stacks=("$out_dir"/stacks/"$env_name"-*)
if [ "${#stacks[@]}" -eq 0 ]; then
  echo "error: no stacks for environment $env_name in $out_dir/stacks; run npm run synth first" >&2
  exit 1
fi

changed=()
failed=()
for dir in "${stacks[@]}"; do
  stack="$(basename "$dir")"
  echo "::group::terraform plan $stack"
  code=0
  terraform -chdir="$dir" init -input=false -no-color >/dev/null || code=1
  if [ "$code" -eq 0 ]; then
    terraform -chdir="$dir" plan -input=false -lock=false -no-color -detailed-exitcode -out=plan.tfplan
    code=$?
  fi
  if [ "$code" -ne 1 ]; then
    terraform -chdir="$dir" show -json plan.tfplan >"$dir/plan.json" || code=1
  fi
  echo "::endgroup::"
  case "$code" in
    0) echo "$stack: no changes" ;;
    2) echo "$stack: changes"; changed+=("$stack") ;;
    *) echo "::error::terraform plan failed for $stack"; failed+=("$stack") ;;
  esac
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
if [ "$detailed" = "--detailed-exitcode" ] && [ "${#changed[@]}" -gt 0 ]; then
  echo "changes in: ${changed[*]}"
  exit 2
fi
exit 0
