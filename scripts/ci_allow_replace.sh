#!/usr/bin/env bash
# Refuse an ALLOW_REPLACE value that is not a list of Terraform addresses before it reaches `make` (whose
# command-line variables are expanded: `$(...)` in one would run). Usage: ci_allow_replace.sh "$ALLOW_REPLACE"
set -euo pipefail
value="${1-}"
if [ -z "$value" ]; then
  exit 0
fi
allowed='^[][A-Za-z0-9_.:"/ -]+$' # one line: a newline is not in the class
if ! [[ "$value" =~ $allowed ]]; then
  echo "ALLOW_REPLACE: not a space-separated list of Terraform addresses (got '$value'; allowed letters, digits, _ . : - / [ ] \")" >&2
  exit 2
fi
echo "plan gate override for this run: $value"
