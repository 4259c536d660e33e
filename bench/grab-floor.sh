# shellcheck shell=bash
# How the bench calls rain-api's grab.lua on its own, shared by bench/run (the floor in each run) and
# bench/script-cost (comparing versions of the script). Sourced; the caller defines rcli (redis-cli with its
# host and port).

# A rain shard's keys, as grab.lua takes them: state packets outbox users tap-rates.
grab_keys() { # code shard
  local tag="rain:{$1:$2}"
  echo "$tag:state $tag:packets $tag:outbox $tag:users $tag:tap-rates"
}

# The arguments after the keys, as the API sends them with the bench's configuration: a random viewer each call
# (redis-benchmark -r), maxGrabsPerUser 10000, the home shard, and the tap-rate limit the bench configures
# (1,000,000/s, burst 100,000,000: charged, never refusing). Every call pops a packet and appends to the outbox.
GRAB_ARGS=(bench-viewer-__rand_int__ 10000 0 1 100000000)

# A shard as prepare leaves it for calls grabs, open for ever: its state, and packets of 100 in its list, a
# thousand more than the calls so that none finds the list empty.
open_shard() { # state-key packets-key calls
  rcli hset "$1" loadedCount "$3" startsAt 0 endsAt 99999999999999 >/dev/null
  fill_list "$2" $(($3 + 1000))
}

fill_list() { # key count
  rcli eval "for i = 1, tonumber(ARGV[1]), 1000 do
      local batch = {} for j = i, math.min(i + 999, tonumber(ARGV[1])) do batch[#batch + 1] = j .. ':100' end
      redis.call('RPUSH', KEYS[1], unpack(batch)) end return redis.call('LLEN', KEYS[1])" 1 "$1" "$2" >/dev/null
}

# Redis's own CPU so far, user and system seconds (INFO cpu).
redis_cpu_s() { rcli info cpu | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.6f", s }'; }
