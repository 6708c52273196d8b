-- wrk script for bench_target.py: method, body and bearer token come from the environment.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
if wrk.body then
  wrk.headers["Content-Type"] = "application/json"
end
