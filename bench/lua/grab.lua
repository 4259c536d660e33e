-- wrk script: POST /v1/rains/<code>/grab as fast as the connections allow, each request with the next
-- pre-minted token of a distinct viewer (viewers.lua; environment as described there).
dofile(os.getenv("BENCH_LUA_DIR") .. "/viewers.lua")

function init(args)
  load_viewers()
end

done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
