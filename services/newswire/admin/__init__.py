"""Operator tooling: ``newswire status``, ``newswire dlq``, and the helpers behind them.

Pure logic (lag arithmetic, rates, dead-letter filtering, the status data model, PromQL
metric-name extraction) lives in :mod:`model`, :mod:`deadletters` and :mod:`promql`; Kafka and
search-engine I/O lives in :mod:`status` and :mod:`dlq`; terminal output in :mod:`render`
(progress bars, shared with the services' commands, are :mod:`newswire.progress`).
"""
