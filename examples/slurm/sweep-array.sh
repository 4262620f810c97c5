#!/bin/bash
# One shard of a catalog experiment per task of a SLURM job array.
#   mkdir -p logs && sbatch --array=1-4 examples/slurm/sweep-array.sh queue-depth
# Run from the StackSim checkout (sbatch starts the task in the submitting directory).
#SBATCH --job-name=stacksim-shard
#SBATCH --cpus-per-task=1
#SBATCH --mem=3G
#SBATCH --time=02:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail
EXPERIMENT=${1:?usage: sbatch --array=1-N sweep-array.sh EXPERIMENT [extra experiment flags]}
shift
N=${SLURM_ARRAY_TASK_COUNT}
I=${SLURM_ARRAY_TASK_ID}
OUT=${STACKSIM_SHARDS:-out}/$EXPERIMENT/shard-$I
./stacksim experiment "$EXPERIMENT" "$@" --out "$OUT" --shard "$I/$N" --jobs "${SLURM_CPUS_PER_TASK:-1}" --resume
