#!/bin/bash
# Submit the shards, then their merge, which starts once every shard has succeeded. If a shard
# fails, the merge is cancelled (not left pending forever): rerun the shard with resubmit.sh.
set -euo pipefail
shards=$(sbatch --parsable shards.sbatch)
merge=$(sbatch --parsable --dependency="afterok:${shards%%;*}" --kill-on-invalid-dep=yes merge.sbatch)
echo "shards: job ${shards%%;*}; merge: job ${merge%%;*}"
