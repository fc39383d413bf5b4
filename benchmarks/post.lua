-- wrk script: POST the JSON body in $BODY_FILE to the URL given on the command line.
local body
init = function(args)
  local file = io.open(os.getenv("BODY_FILE"))
  body = file:read("*a")
  file:close()
end
request = function()
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
