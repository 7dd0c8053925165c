# Sourced by the benchmarks. Sets the variable named $1 to the microseconds
# since the epoch, from bash's own clock: `date` is a process of its own,
# and its start (1-2 ms) counted in every sample. `date` where bash is older
# than 5.0.
clock_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"
  else
    printf -v "$1" '%s' "$(($(date +%s%N) / 1000))"
  fi
}
