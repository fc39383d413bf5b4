"""The HTTP edge: what stands between a socket and the routes (app/api/).

The server's protocol and worker processes, the ASGI middleware (request context, limits,
CORS, security headers, the response cache), and the writing of problems. It imports no route
and no service: routes use it (ETags, problem responses), never the other way round.
"""
