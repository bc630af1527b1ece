# A one-node Slurm cluster in a temporary directory, for `make test-cluster`; sourced by run_cluster.sh.
# cluster_start DIR writes the configuration under DIR, starts munged, slurmctld and slurmd in the background and
# waits until the node is idle; cluster_stop stops exactly the daemons it started, by pid. Clients find the cluster
# through SLURM_CONF, exported by cluster_start.

CLUSTER_PIDS=""
# The daemons and mungekey live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

# Installs what the test needs from Debian when missing (as root; otherwise says what to run): Slurm, MUNGE, and
# python3-venv for the Kubernetes schema check.
cluster_install() {
  local missing=""
  for tool in slurmctld slurmd sbatch; do command -v "$tool" >/dev/null || missing="slurm-wlm"; done
  command -v munged >/dev/null && command -v mungekey >/dev/null || missing="$missing munge"
  python3 -c 'import ensurepip' 2>/dev/null || missing="$missing python3-venv"
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages:$missing; run: sudo apt-get install -y $missing" >&2
    return 1
  fi
  echo "installing: $missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

# A TCP port nothing listens on, from BASE upwards.
cluster_free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

cluster_start() {
  local dir=$1 host cpus memory controller_port node_port
  host=$(hostname -s)
  cpus=$(nproc)
  # Less than the machine has (slurmd drains a node configured with more), enough for small --mem requests.
  memory=$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)
  controller_port=$(cluster_free_port 16817)
  node_port=$(cluster_free_port $((controller_port + 1)))
  mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
  chmod 755 "$dir/munge"
  mungekey --create --keyfile="$dir/munge/munge.key" --force
  chmod 600 "$dir/munge/munge.key"
  # cred_expire is also how long a requeued job waits before it may start again (default 120 s).
  cat > "$dir/slurm.conf" <<CONF
ClusterName=exptest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=3600
KillWait=30
SchedulerParameters=sched_interval=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory Features=exptest State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  # munged refuses a root-owned log directory it did not expect unless forced.
  munged --foreground --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" > "$dir/munge/munged.out" 2>&1 &
  CLUSTER_PIDS="$CLUSTER_PIDS $!"
  local waited=0
  until [ -S "$dir/munge/munge.socket" ]; do
    sleep 0.2; waited=$((waited + 1))
    [ $waited -lt 100 ] || { echo "munged did not start" >&2; cat "$dir/munge/munged.log" >&2; return 1; }
  done
  slurmctld -D -i -f "$SLURM_CONF" > "$dir/slurmctld.out" 2>&1 &
  CLUSTER_PIDS="$CLUSTER_PIDS $!"
  slurmd -D -f "$SLURM_CONF" -N "$host" > "$dir/slurmd.out" 2>&1 &
  CLUSTER_PIDS="$CLUSTER_PIDS $!"
  waited=0
  until sinfo --noheader --format=%T 2>/dev/null | grep -qx idle; do
    sleep 0.5; waited=$((waited + 1))
    if [ $waited -ge 120 ]; then
      echo "the node did not become idle within 60 s:" >&2
      sinfo >&2 || true
      tail -20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
      return 1
    fi
  done
}

cluster_stop() {
  local pid
  # Jobs first, so no slurmstepd or exp outlives the daemons (scancel sends SIGTERM; exp stops after its step).
  if [ -n "$CLUSTER_PIDS" ] && scancel --user="$(id -un)" 2>/dev/null; then
    for _ in $(seq 150); do
      squeue --noheader --format=%T 2>/dev/null | grep -Eq 'RUNNING|COMPLETING|PENDING|CONFIGURING' || break
      sleep 0.2
    done
  fi
  for pid in $CLUSTER_PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $CLUSTER_PIDS; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  CLUSTER_PIDS=""
}
