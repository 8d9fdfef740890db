"""Prometheus metrics, one registry per app instance so tests can run several."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.transactions = Counter(
            "samsnakk_as_transactions", "Appservice transactions accepted", registry=r
        )
        self.events_received = Counter(
            "samsnakk_as_events_received", "New events persisted to the inbox", registry=r
        )
        self.events_processed = Counter(
            "samsnakk_inbox_events_processed", "Inbox events handled", registry=r
        )
        self.inbox_pending = Gauge(
            "samsnakk_inbox_pending", "Inbox events not yet handled", registry=r
        )
        self.commands = Counter(
            "samsnakk_commands", "Bot commands handled", ["command", "outcome"], registry=r
        )
        self.command_latency = Histogram(
            "samsnakk_command_seconds", "Time from command received to reply sent", registry=r
        )
        self.varsler = Counter(
            "samsnakk_varsler",
            "Varsel attempts by channel and outcome",
            ["channel", "outcome"],
            registry=r,
        )
        self.handler_errors = Counter(
            "samsnakk_handler_errors", "Unexpected errors in handlers", ["where"], registry=r
        )
        self.antispam_decisions = Counter(
            "samsnakk_antispam_decisions",
            "Invite and join checks answered for Synapse",
            ["callback", "outcome"],
            registry=r,
        )
