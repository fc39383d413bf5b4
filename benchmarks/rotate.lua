-- wrk script: rotate over the request paths in $PATHS_FILE (one URL needs no script).
local paths = {}
local counter = 0
init = function(args)
  for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
  counter = math.random(#paths)
end
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
