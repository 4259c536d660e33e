# shellcheck shell=bash
# tools/lib/procs.sh: the one way rainctl, bench/run and tools/rough-rates start, wait for and stop the processes
# they run. Sourced, not run. The caller defines say (progress to stderr) and may set HOST (default 127.0.0.1).

# A pid file alone is not proof: pids get reused, so also match the process command line. An exited but unreaped
# (zombie) process has no command line, so it counts as gone.
pid_of() { # pidfile cmdline-substring -> prints pid if that process is alive
  local pid cmdline
  [[ -s $1 ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n $pid && -r /proc/$pid/cmdline ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ $cmdline == *"$2"* ]] || return 1
  printf '%s' "$pid"
}

port_busy() { # port -> true if something accepts TCP connections on it
  timeout 2 bash -c "exec 3<>/dev/tcp/${HOST:-127.0.0.1}/$1" 2>/dev/null
}

http_200() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true)" == 200 ]]; }

# Polls check-fn every half second; stops early, rather than timing out, when alive-fn says the process has died.
wait_until() { # seconds check-fn alive-fn -> 0 ready, 1 timeout, 2 process died
  local deadline=$((SECONDS + $1))
  while (( SECONDS < deadline )); do
    "$2" && return 0
    "$3" || { sleep 0.5; "$2" && return 0; return 2; }
    sleep 0.5
  done
  return 1
}

# TERM, then KILL after the grace: a JVM stuck in shutdown must not hold its ports for the next run.
stop_pid() { # name pidfile cmdline-substring grace-seconds
  local pid deadline
  if ! pid="$(pid_of "$2" "$3")"; then rm -f "$2"; return 0; fi
  say "stopping $1 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + $4))
  while pid_of "$2" "$3" >/dev/null && (( SECONDS < deadline )); do sleep 0.5; done
  if pid_of "$2" "$3" >/dev/null; then
    say "$1 did not exit within $4 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$2"
}

# Launch a long-running process detached from this shell (own session, no tty, appended log), so Ctrl-C in the
# terminal or the end of the script does not take it down.
spawn() { # pidfile logfile cmd...
  local pidfile="$1" log="$2"; shift 2
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}
