#!/usr/bin/env bash
# make test-cluster: sweeps through a real one-node Slurm cluster (Debian's slurm-wlm and munge), and the Kubernetes
# Job of `exp sweep k8s` checked by kubernetes-validate against the Kubernetes API's JSON schemas.
#   usage: run_cluster.sh EXP [VENV]     EXP: the exp executable; VENV: where kubernetes-validate is installed
# Proves, each step failing the script when it does not hold:
#   1. `exp sweep slurm --submit` submits through sbatch, records the job in sweep.json, `exp sweep status` shows it;
#      every trial completes exactly once (sweep.json, run.json, exp compare);
#   2. a task cancelled by scancel mid-training stops after its step (interrupted, last checkpoint kept), and a
#      resubmitted task resumes it to byte-identical metrics of an uninterrupted run; a task requeued by
#      scontrol requeue mid-training resumes its trial once when it restarts;
#   3. two array tasks submitted at once for that same trial train it once between them;
#   4. a failing trial is `failed` in exp sweep show and FAILED in scontrol show job;
#   5. exp as PID 1 of a PID namespace, started as the Job starts it, stops after its step on SIGTERM from outside;
#   6. the generated Job validates strictly against Kubernetes 1.29 and 1.37 schemas, and a broken one does not.
set -euo pipefail
exp=$(realpath "$1")
venv=$(realpath -m "${2:-.build/cluster-venv}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/slurm_cluster.sh"

started=$(date +%s)
step() { printf '[test-cluster %4ss] %s\n' $(($(date +%s) - started)) "$*"; }
fail() { echo "test-cluster FAILED: $*" >&2; exit 1; }
# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$(($(date +%s) + limit))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/exp-cluster.XXXXXX")
cleanup() {
  local status=$?
  cluster_stop
  if [ $status -ne 0 ]; then
    for log in "$work"/slurm-*.out "$work"/slurmctld.log "$work"/slurmd.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -15 "$log"; }
    done
  fi
  # A half-finished pip would leave a broken venv behind; it takes a minute at most.
  [ -z "${pip_pid:-}" ] || wait "$pip_pid" 2>/dev/null || true
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cluster_install || fail "Slurm, MUNGE or python3-venv missing"
# kubernetes-validate installs in the background while the cluster works.
(
  { [ -x "$venv/bin/kubernetes-validate" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q kubernetes-validate==1.37.0; }; } \
    > "$work/pip.log" 2>&1
) &
pip_pid=$!

step "starting slurmctld, slurmd and munged in $work"
cluster_start "$work/cluster"
step "cluster up: $(sinfo --noheader --format='%n %T %c CPUs')"

cd "$work"
export PATH="$(dirname "$exp"):$PATH" EXP_CACHE="$work/cache"
"$exp" data synth --out corpus --actors 4 --sample-rate 8000 > synth.log 2>&1 || fail "exp data synth: $(tail -3 synth.log)"
cat > sweep.yaml <<'SPEC'
name: cluster
seed: 5
data: {corpus: ravdess, root: corpus, sample_rate: 8000, duration: 1.0, normalize: peak}
features: {type: mfcc, n_mfcc: 8, n_fft: 256, hop_length: 256, n_mels: 20}
model:
  layers:
    - {type: conv1d, filters: 8, kernel_size: 3, activation: relu}
    - {type: lstm, units: 8}
    - {type: dense, units: classes, activation: softmax}
optimizer: {type: adam, learning_rate: 0.01}
training: {epochs: 20, batch_size: 16}
split: {type: speaker_holdout, test_speakers: ["04"], validation_speakers: ["03"]}
sweep:
  grid: {optimizer.learning_rate: [0.01, 0.003, 0.001]}
SPEC
# The second trial's corpus is missing on the node: it fails at run time, after its run directory exists.
sed -e 's/^name: cluster/name: broken/' -e 's/epochs: 20/epochs: 1/' \
    -e 's/grid: .*/grid: {data.root: [corpus, corpus-missing]}/' sweep.yaml > broken.yaml

slurm_options=(--cpus 1 --time 00:20:00 --account exptest --qos normal --mem 300M --constraint exptest
               --sbatch export=ALL --runs-dir runs)
"$exp" sweep slurm sweep.yaml "${slurm_options[@]}" > sweep.sbatch
for directive in --account=exptest --qos=normal --mem=300M --constraint=exptest --export=ALL; do
  grep -qx "#SBATCH $directive" sweep.sbatch || fail "sweep.sbatch lacks #SBATCH $directive"
done

step "1. exp sweep slurm --submit: 3 trials, 20 epochs each"
job=$("$exp" sweep slurm sweep.yaml "${slurm_options[@]}" --submit 2> submit.log) || fail "submit: $(cat submit.log)"
[ "$(json runs/cluster/sweep.json "d['jobs'][-1]['id']")" = "$job" ] || fail "sweep.json does not record job $job"
status_has() { "$exp" sweep status sweep.yaml --runs-dir runs | grep -Eq "$1"; }
wait_until 30 "exp sweep status to show ${job}_0 pending or running" status_has "${job}_0 +(PENDING|RUNNING)"
run0="runs/cluster/$(json runs/cluster/sweep.json "d['trials'][0]['run_id']")"
epochs_done() { [ -f "$1/history.jsonl" ] && wc -l < "$1/history.jsonl" || echo 0; }
trained_two() { [ "$(epochs_done "$run0")" -ge 2 ]; }
wait_until 300 "trial 0 to finish 2 epochs" trained_two
step "2. scancel ${job}_0 after $(epochs_done "$run0") epochs"
scancel "${job}_0"
run1="runs/cluster/$(json runs/cluster/sweep.json "d['trials'][1]['run_id']")"
trained_two_1() { [ "$(epochs_done "$run1")" -ge 2 ]; }
wait_until 300 "trial 1 to finish 2 epochs" trained_two_1
[ "$(epochs_done "$run1")" -lt 20 ] || fail "trial 1 finished before it could be requeued"
step "   scontrol requeue ${job}_1 after $(epochs_done "$run1") epochs"
scontrol requeue "${job}_1"
task_state() { squeue --noheader --array --states=all --format='%i %T' --jobs="$1" | awk -v t="$2" '$1 == t { print $2 }'; }
cancelled() { [ "$(task_state "$job" "${job}_0")" = CANCELLED ]; }
wait_until 60 "${job}_0 to be CANCELLED" cancelled
scontrol show job "${job}_0" | grep -q "JobState=CANCELLED" || fail "scontrol does not show ${job}_0 cancelled"
job_done() { ! squeue --noheader --array --format='%T' --jobs="$1" 2>/dev/null | grep -Eq 'PENDING|RUNNING|COMPLETING|CONFIGURING'; }
wait_until 600 "job $job to end" job_done "$job"
status=$(json "$run0/run.json" "d['status']"); kept=$(json "$run0/run.json" "d['epochs_completed']")
[ "$status" = interrupted ] || fail "cancelled trial is $status, not interrupted"
[ "$kept" -ge 2 ] && [ "$kept" -lt 20 ] || fail "cancelled trial kept $kept epochs"
grep -q "stopping after the current step" slurm-cluster-"${job}"_0.out || fail "task 0 never saw SIGTERM"
[ "$(json "$run1/run.json" "d['status'], d['resumes'], d['epochs_completed']")" = "completed 1 20" ] \
  || fail "requeued trial 1: $(json "$run1/run.json" "d['status'], d['resumes'], d['epochs_completed']")"
scontrol show job -o "${job}_1" | grep -q "JobState=COMPLETED .*Restarts=1 " || fail "scontrol: $(scontrol show job "${job}_1")"
run2="runs/cluster/$(json runs/cluster/sweep.json "d['trials'][2]['run_id']")"
[ "$(json "$run2/run.json" "d['status'], d['resumes'], d['epochs_completed']")" = "completed 0 20" ] \
  || fail "trial 2: $(json "$run2/run.json" "d['status'], d['resumes'], d['epochs_completed']")"
step "   trial 0 interrupted after $kept epochs with its checkpoint; requeued trial 1 resumed once and completed;" \
  "trial 2 completed without a resume"

step "3. two array tasks for trial 0 at once (sbatch --array=0, twice): one resumes, one finds it held or done"
again_a=$(sbatch --parsable --array=0 sweep.sbatch)
again_b=$(sbatch --parsable --array=0 sweep.sbatch)
wait_until 600 "jobs $again_a and $again_b to end" job_done "$again_a,$again_b"
ran=$(cat slurm-cluster-"$again_a"_0.out slurm-cluster-"$again_b"_0.out | grep -c "cluster: 1 ran" || true)
held=$(cat slurm-cluster-"$again_a"_0.out slurm-cluster-"$again_b"_0.out | grep -Ec "1 held by other processes|1 already completed" || true)
[ "$ran" = 1 ] && [ "$held" = 1 ] || fail "expected one task to train trial 0 and one to leave it (ran=$ran held=$held)"
[ "$(json "$run0/run.json" "d['status'], d['resumes'], d['epochs_completed']")" = "completed 1 20" ] \
  || fail "trial 0 after resubmission: $(json "$run0/run.json" "d['status'], d['resumes'], d['epochs_completed']")"
[ "$(json "$run0/../../cluster/sweep.json" "[t['status'] for t in d['trials']]")" = "['completed', 'completed', 'completed']" ] \
  || fail "sweep.json: $(cat runs/cluster/sweep.json)"
for run in runs/cluster/cluster-*/; do
  python3 - "$run" <<'PY' || fail "history of $run"
import json, sys
epochs = [json.loads(line)["epoch"] for line in open(sys.argv[1] + "/history.jsonl")]
assert epochs == list(range(1, 21)), epochs
PY
done
rows=$("$exp" compare runs/cluster --format csv | tail -n +2 | wc -l)
[ "$rows" = 3 ] || fail "exp compare lists $rows runs, not 3"

step "4. a sweep with a failing trial; meanwhile trial 0 again, uninterrupted, outside Slurm"
broken=$("$exp" sweep slurm broken.yaml --cpus 1 --runs-dir runs --submit 2> submit-broken.log) || fail "$(cat submit-broken.log)"
"$exp" sweep run sweep.yaml --trial 0 --runs-dir reference --threads 1 --quiet 2> reference.log || fail "reference: $(cat reference.log)"
cmp "$run0/metrics.json" "reference/cluster/$(basename "$run0")/metrics.json" \
  || fail "the resumed trial's metrics differ from the uninterrupted run's"
step "   resumed trial 0: metrics.json byte-identical to the uninterrupted run"
wait_until 300 "job $broken to end" job_done "$broken"
"$exp" sweep show broken.yaml --runs-dir runs > broken-show.txt
grep -Eq '^1 +broken-[^ ]+ +failed' broken-show.txt || fail "exp sweep show: $(cat broken-show.txt)"
grep -Eq '^0 +broken-[^ ]+ +completed' broken-show.txt || fail "exp sweep show: $(cat broken-show.txt)"
scontrol show job -o "${broken}_1" | grep -q "JobState=FAILED .*ExitCode=1:0" || fail "scontrol: $(scontrol show job "${broken}_1")"
scontrol show job "${broken}_0" | grep -q "JobState=COMPLETED" || fail "scontrol: $(scontrol show job "${broken}_0")"
"$exp" sweep status broken.yaml --runs-dir runs | tee broken-status.txt | grep -Eq "failed +${broken}_1 +FAILED" \
  || fail "exp sweep status: $(cat broken-status.txt)"
step "   trial 1 failed in exp sweep show and status, ${broken}_1 FAILED in scontrol"
cluster_stop

step "5. exp as a pod's PID 1 (a PID namespace, the Job's command) stops after its step on SIGTERM from outside"
sed -e 's/^name: cluster/name: pod/' -e 's/epochs: 20/epochs: 40/' -e '/^sweep:/,$d' sweep.yaml > pod.yaml
unshare --pid --fork --mount-proc /bin/sh -c "exec exp run pod.yaml --shard 0/1 --threads 1" > pod.log 2>&1 &
pod_pid=$!
pod_run() { ls -d runs/pod/pod-*/ 2>/dev/null | head -1; }
pod_started() { [ -n "$(pod_run)" ] && [ "$(epochs_done "$(pod_run)")" -ge 1 ]; }
wait_until 300 "the pod's run to finish an epoch" pod_started
init=$(pgrep -P "$pod_pid")
grep -Eq '^NSpid:\s+[0-9]+\s+1$' "/proc/$init/status" || fail "exp is not PID 1 in its namespace"
kill -TERM "$init"
pod_status=0; wait "$pod_pid" || pod_status=$?
[ "$pod_status" = 130 ] || fail "exp as PID 1 exited $pod_status on SIGTERM: $(tail -3 pod.log)"
[ "$(json "$(pod_run)/run.json" "d['status']")" = interrupted ] && [ "$(json "$(pod_run)/run.json" "d['epochs_completed']")" -lt 40 ] \
  || fail "exp as PID 1: $(cat "$(pod_run)/run.json")"

step "6. exp sweep k8s against the Kubernetes API schemas (kubernetes-validate, strict)"
wait "$pip_pid" || fail "installing kubernetes-validate: $(tail -5 pip.log)"
"$exp" sweep k8s sweep.yaml --runs-dir runs --image registry.example/exp:1 --cpus 2 > job.yaml
"$exp" sweep k8s broken.yaml 'training.batch_size=8,16' --shards 2 --parallelism 1 --volume-claim team-runs > job2.yaml
for version in 1.29.0 1.37.0; do
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$version" job.yaml job2.yaml || fail "schema $version rejects the Job"
done
sed 's/completionMode:/completionMod:/' job.yaml > job-broken.yaml
if "$venv/bin/kubernetes-validate" --strict --quiet job-broken.yaml > /dev/null 2>&1; then
  fail "kubernetes-validate accepted an unknown field: the check proves nothing"
fi
step "passed"
