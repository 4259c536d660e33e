-- wrk script for plain GETs (the /health/live floor): only the report hook.
done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
