"""The service contract (docs/ENTRY.md) in Python's standard library: nothing to install.

One asyncio loop serves every connection (HTTP/1.1, keep-alive): no thread per connection, which
matters in a sandbox of 128 processes and threads.
"""

import asyncio
import os
import re
import signal
import time

PORT = int(os.environ.get("PORT", "8080"))
UPSTREAM_HOST, UPSTREAM_PORT, UPSTREAM_PATH = "upstream", 8080, "/quote"
# A quote younger than FRESH is served as it is; an older one is refreshed in the background (one
# request at a time reaches the dependency). While the dependency fails the cached copy is served
# for at most STALE seconds: the platform counts a quote older than 30 s as a wrong answer.
FRESH = 1.0
STALE = 25.0
# Fail fast: a slow dependency must not hold our requests.
UPSTREAM_TIMEOUT = 0.5

INDEX = b"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SRE Chaos entry</title></head>
<body><h1>Hello from Python</h1><p>Try <a href="/api/quote">/api/quote</a>.</p></body></html>
"""
HEX_NONCE = re.compile(r"[0-9a-fA-F]{1,128}")
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 502: "Bad Gateway"}


class QuoteCache:
    """The last good quote, and at most one refresh in flight."""

    def __init__(self):
        self.body = None
        self.at = 0.0
        self.refreshing = None

    async def fetch(self):
        reader, writer = await asyncio.open_connection(UPSTREAM_HOST, UPSTREAM_PORT)
        try:
            request = f"GET {UPSTREAM_PATH} HTTP/1.0\r\nHost: {UPSTREAM_HOST}\r\n\r\n"
            writer.write(request.encode())
            answer = await reader.read(1 << 20)
            while chunk := await reader.read(1 << 16):
                answer += chunk
        finally:
            writer.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        # Only a good answer is cached: an error must not replace a usable copy.
        if not head.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
            raise ValueError(head.split(b"\r\n", 1)[0])
        return body

    async def _refresh(self):
        try:
            self.body = await asyncio.wait_for(self.fetch(), UPSTREAM_TIMEOUT)
            self.at = time.monotonic()
        except (OSError, asyncio.TimeoutError, ValueError):
            pass  # keep the copy we have
        finally:
            self.refreshing = None

    async def get(self):
        age = time.monotonic() - self.at if self.body is not None else float("inf")
        if age >= FRESH:
            if self.refreshing is None:
                self.refreshing = asyncio.ensure_future(self._refresh())
            if age >= STALE:
                # Nothing usable yet: wait for this refresh rather than fail at once.
                await asyncio.shield(self.refreshing)
        if self.body is not None and time.monotonic() - self.at < STALE:
            return self.body
        return None


CACHE = QuoteCache()


async def answer(method, target):
    if method not in ("GET", "HEAD"):
        return 405, "text/plain", b"GET only\n"
    path, _, query = target.partition("?")
    if path == "/":
        return 200, "text/html; charset=utf-8", INDEX
    if path == "/healthz":
        return 200, "text/plain", b"ok\n"
    if path == "/api/echo":
        params = dict(p.partition("=")[::2] for p in query.split("&"))
        nonce = params.get("nonce", "")
        # Only a hex nonce is echoed: anything else could inject content into the answer.
        if not HEX_NONCE.fullmatch(nonce):
            return 400, "text/plain", b"nonce must be 1-128 hex digits\n"
        return 200, "text/plain", f"nonce={nonce}\n".encode()
    if path == "/api/quote":
        body = await CACHE.get()
        if body is None:
            return 502, "text/plain", b"the dependency is failing and no recent quote is cached\n"
        return 200, "application/json", body
    return 404, "text/plain", b"not found\n"


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, version = (lines[0].split(" ") + ["", "", ""])[:3]
            headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
            status, ctype, body = await answer(method, target)
            close = version != "HTTP/1.1" or headers.get("connection", "").lower() == "close"
            out = (
                f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\n{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n"
            ).encode()
            writer.write(out if method == "HEAD" else out + body)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "0.0.0.0", PORT, backlog=1024)
    stop = asyncio.Event()
    # Docker stops the container with SIGTERM; as PID 1, python would otherwise ignore it.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print(f"listening on :{PORT}", flush=True)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
