#!/bin/bash
#SBATCH --job-name=cnn-lstm
#SBATCH --partition=cpu
#SBATCH --array=0-11%4
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
#SBATCH --output=slurm-%x-%A_%a.out

# One array task per shard; runs/ on shared storage coordinates them (each trial is claimed once).
# scancel or a requeue sends SIGTERM: exp stops after the current step and the next task resumes the trial.
set -euo pipefail
exec exp run 'experiments/lr grid.yaml' --shard "$SLURM_ARRAY_TASK_ID/12" --threads "$SLURM_CPUS_PER_TASK"
