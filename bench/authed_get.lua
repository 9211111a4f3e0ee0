-- wrk script: GET $ADMIT_PATH, each request as the next of many accounts (their access tokens,
-- one per line, in $ADMIT_TOKENS). Counts non-200 answers.
local path = os.getenv("ADMIT_PATH") or "/api/me"
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk_common.lua")
local tokens = common.lines("ADMIT_TOKENS")

function init(args)
  next_token = id * 7919
  failed = 0
end

function request()
  next_token = next_token + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[(next_token % #tokens) + 1] })
end

function response(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200: %d\n", common.total("failed")))
end
