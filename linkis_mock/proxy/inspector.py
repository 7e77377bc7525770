"""What the proxy does with each exchange it forwarded: check it against the specs,
book what disagrees, and hand it to the recorder. Framework-free."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from linkis_mock.contract.routes import RouteTable
from linkis_mock.proxy.conformance import Conformance
from linkis_mock.proxy.exchange import Exchange
from linkis_mock.proxy.violations import ViolationBook

if TYPE_CHECKING:
    from linkis_mock.proxy.recording import Recorder

logger = logging.getLogger(__name__)


class Inspector:
    def __init__(
        self, routes: RouteTable, book: ViolationBook, recorder: Recorder | None = None
    ) -> None:
        self.routes = routes
        self.conformance = Conformance(routes)
        self.book = book
        self.recorder = recorder

    def __call__(self, exchange: Exchange) -> int:
        """The number of violations in the exchange (for `X-Mock-Violations`)."""
        operation = self.routes.operation(exchange.method, exchange.path)
        try:
            findings = self.conformance.check(exchange)
            self.book.record(exchange, operation.operation_id if operation else None, findings)
            if self.recorder is not None:
                self.recorder.observe(exchange)
        except Exception:  # a bug here must not cost the client the server's reply
            logger.exception("could not inspect %s %s", exchange.method, exchange.path)
            return 0
        return len(findings)
