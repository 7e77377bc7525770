"""A delaying TCP relay for `make bench`: replicas reach PostgreSQL through it, as replicas on
other machines would over a network. tc netem is not available on these machines.

Each chunk either side sends is passed on `delay_s` later, in order, so a request and its
answer cost two delays more than straight. asyncio's timers round sub-millisecond sleeps up
to about a millisecond, so the bench measures the link's real round-trip time through the
relay rather than trusting `delay_s`.

The relay counts round trips: on each connection, client data that follows server data (or
opens the connection) starts one. A submit's count is what it cost in waits on the link.

    relay = Relay("127.0.0.1", 5432, delay_s=0.001)
    port = relay.start()          # served from a thread of its own
    ...
    relay.round_trips             # since start, or since reset_count()
    relay.stop()
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable

HOST = "127.0.0.1"
CHUNK = 65536


class Relay:
    def __init__(self, target_host: str, target_port: int, delay_s: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay_s = delay_s
        self.round_trips = 0
        self._count_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.port = 0

    def reset_count(self) -> None:
        with self._count_lock:
            self.round_trips = 0

    def _counted(self) -> None:
        with self._count_lock:
            self.round_trips += 1

    def start(self) -> int:
        """Serve from a thread; the port it listens on (127.0.0.1)."""
        self._thread = threading.Thread(target=self._run, name="bench-relay", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the relay did not start")
        return self.port

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and self._server is not None:
            loop.call_soon_threadsafe(self._server.close)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._serve, HOST, 0))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
            # Connections still open at stop end here, before their loop closes.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(_settled(pending))
        finally:
            loop.close()

    async def _serve(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self.target)
        except OSError:
            client_out.close()
            return
        last = ["server"]  # who sent last on this connection: client data after it counts

        def from_client() -> None:
            if last[0] == "server":
                self._counted()
            last[0] = "client"

        def from_server() -> None:
            last[0] = "server"

        await asyncio.gather(
            self._pipe(client_in, server_out, from_client),
            self._pipe(server_in, client_out, from_server),
            return_exceptions=True,
        )

    async def _pipe(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        seen: Callable[[], None],
    ) -> None:
        """Copy `source` to `sink`, each chunk `delay_s` after it came, in order."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def read() -> None:
            while chunk := await source.read(CHUNK):
                seen()
                await queue.put((time.monotonic() + self.delay_s, chunk))
            await queue.put((0.0, b""))

        async def write() -> None:
            while True:
                due, chunk = await queue.get()
                if not chunk:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                sink.write(chunk)
                await sink.drain()
            sink.close()

        tasks: list[Awaitable[None]] = [read(), write()]
        try:
            await asyncio.gather(*tasks)
        except (ConnectionError, OSError):
            sink.close()


async def _settled(tasks: set[asyncio.Task[object]]) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)
