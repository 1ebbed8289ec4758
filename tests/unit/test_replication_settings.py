"""What the no-loss promise rests on in a replicated cluster: producers and topic configs.

Every producer newswire uses (the fetcher's and the tools' aiokafka producers, and the faust
producer of the parser and indexer) must wait for all in-sync replicas and be idempotent, and
the topics `newswire setup` creates with replication must refuse writes that only one broker
holds. faust's and aiokafka's defaults are not proof, so the effective settings are checked.
"""

from __future__ import annotations

import asyncio

import pytest

from newswire.broker import (
    faust_app,
    min_insync_replicas,
    producer_options,
    replication_configs,
)
from newswire.settings import Settings


def test_the_aiokafka_producer_waits_for_all_replicas_and_is_idempotent() -> None:
    options = producer_options(Settings())
    assert options["acks"] == "all"
    assert options["enable_idempotence"] is True


@pytest.mark.parametrize("service", ["parser", "indexer"])
def test_the_faust_producer_waits_for_all_replicas_and_is_idempotent(
    service: str, tmp_path: object
) -> None:
    async def effective() -> tuple[dict[str, object], object]:
        app = faust_app(service, Settings(data_dir=tmp_path))  # type: ignore[arg-type]
        producer = app.producer
        options = {
            **producer._settings_default(),
            **producer._settings_auth(),
            **producer._settings_extra(),
        }
        client = producer._new_producer()
        try:
            # aiokafka gives an idempotent producer a transaction manager for its producer id.
            return options, client._txn_manager
        finally:
            await client.stop()

    options, txn_manager = asyncio.run(effective())
    assert options["acks"] in ("all", -1)
    assert options["enable_idempotence"] is True
    assert txn_manager is not None


@pytest.mark.parametrize(("factor", "isr"), [(1, 1), (2, 1), (3, 2), (5, 2)])
def test_min_insync_replicas_lets_one_broker_go(factor: int, isr: int) -> None:
    assert min_insync_replicas(factor) == isr


def test_replicated_topics_get_min_isr_and_no_unclean_election() -> None:
    assert replication_configs(Settings(replication_factor=1)) == {}
    assert replication_configs(Settings(replication_factor=3)) == {
        "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false",
    }


def test_search_url_may_name_every_node_of_a_cluster() -> None:
    settings = Settings(search_url="http://127.0.0.1:19201, http://127.0.0.1:19202")
    assert settings.search_hosts == ["http://127.0.0.1:19201", "http://127.0.0.1:19202"]
    assert Settings().search_hosts == ["http://127.0.0.1:9200"]
