#!/bin/bash
# Rerun failed shards, e.g. `./resubmit.sh 3 7` (each resumes its own folder), then merge again.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: resubmit.sh TASK..." >&2; exit 2; }
tasks=$(IFS=,; echo "$*")
shards=$(sbatch --parsable --array="$tasks" shards.sbatch)
merge=$(sbatch --parsable --dependency="afterok:${shards%%;*}" --kill-on-invalid-dep=yes merge.sbatch)
echo "shards: job ${shards%%;*}; merge: job ${merge%%;*}"
