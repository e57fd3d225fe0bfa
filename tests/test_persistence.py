"""Durable state: what a client was told is done survives a restart, kill -9 included."""

import os
import sqlite3

import requests

from emulator.services.store import DB_FILENAME, SCHEMA_VERSION, Store
from tests.conftest import client_for_url


def test_state_survives_kill_9(spawn, tmp_path):
    data = str(tmp_path / "data")
    first = spawn("--data", data).wait_ready()
    cognito = client_for_url(first.url)
    pool = cognito.create_user_pool(PoolName="durable", UsernameAttributes=["phone_number"])["UserPool"]
    client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="app", GenerateSecret=True)["UserPoolClient"]
    cognito.update_user_pool_client(UserPoolId=pool["Id"], ClientId=client["ClientId"], AuthSessionValidity=7)
    first.kill()  # SIGKILL: no chance to flush or close anything

    second = spawn("--data", data).wait_ready()
    cognito = client_for_url(second.url)
    restored = cognito.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert restored["UsernameAttributes"] == ["phone_number"]
    assert restored["CreationDate"] == pool["CreationDate"]
    restored_client = cognito.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=client["ClientId"])["UserPoolClient"]
    assert restored_client["ClientSecret"] == client["ClientSecret"]
    assert restored_client["AuthSessionValidity"] == 7
    # The seed ran twice against the same data: still one otp-demo pool.
    names = [p["Name"] for p in cognito.list_user_pools(MaxResults=60)["UserPools"]]
    assert names.count("otp-demo") == 1
    assert names.count("durable") == 1


def test_database_is_wal_with_a_schema_version(tmp_path):
    store = Store.open(str(tmp_path))
    store.close()
    with sqlite3.connect(os.path.join(tmp_path, DB_FILENAME)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_store_of_the_previous_schema_is_migrated_with_its_users(tmp_path):
    store = Store.open(str(tmp_path))
    store.insert_pool({"Id": "us-east-1_migrated1", "Name": "old"})
    store.insert_user("us-east-1_migrated1", {"Username": "ana", "Key": "ana", "UserStatus": "CONFIRMED",
                                              "Enabled": True, "Attributes": {"sub": "s-1", "email": "Ana@Example.com"}})
    store.close()
    with sqlite3.connect(os.path.join(tmp_path, DB_FILENAME)) as db:  # as the emulator before schema 6 left it
        db.execute("DROP INDEX users_by_email_any_case")
        db.execute("DROP INDEX users_by_preferred_username_any_case")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    store = Store.open(str(tmp_path))
    try:
        assert [user["Username"] for user in store.find_users("us-east-1_migrated1", "email", "ana@example.COM",
                                                              any_case=True)] == ["ana"]
        assert store.find_users("us-east-1_migrated1", "email", "ana@example.COM") == []
    finally:
        store.close()
    with sqlite3.connect(os.path.join(tmp_path, DB_FILENAME)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"users_by_email_any_case", "users_by_preferred_username_any_case"} <= indexes


def test_store_from_a_newer_emulator_is_refused(tmp_path):
    with sqlite3.connect(os.path.join(tmp_path, DB_FILENAME)) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    try:
        Store.open(str(tmp_path))
    except Exception as error:  # noqa: BLE001 - any clear refusal will do
        assert "schema version" in str(error)
    else:
        raise AssertionError("a newer schema was opened")


def test_clock_offset_survives_restart(spawn, tmp_path):
    data = str(tmp_path / "data")
    first = spawn("--data", data).wait_ready()
    advanced = requests.post(f"{first.url}/_emulator/clock", json={"seconds": 86400}, timeout=5).json()
    assert advanced["offset_seconds"] == 86400
    first.kill()
    second = spawn("--data", data).wait_ready()
    assert requests.get(f"{second.url}/_emulator/clock", timeout=5).json()["offset_seconds"] == 86400


def test_memory_data_keeps_nothing(spawn):
    first = spawn("--data", ":memory:").wait_ready()
    client_for_url(first.url).create_user_pool(PoolName="fleeting")
    first.kill()
    second = spawn("--data", ":memory:").wait_ready()
    names = [p["Name"] for p in client_for_url(second.url).list_user_pools(MaxResults=60)["UserPools"]]
    assert names == ["otp-demo", "otp-native"]


def test_the_trace_keeps_the_newest_ten_thousand(tmp_path):
    from emulator.services.store import KEPT_INVOCATIONS

    store = Store.open(":memory:")
    for number in range(KEPT_INVOCATIONS + 1000):
        store.insert_trigger_invocation(None, "u", {"n": number})
    kept = store.list_trigger_invocations()
    assert len(kept) == KEPT_INVOCATIONS
    assert kept[-1]["n"] == KEPT_INVOCATIONS + 999
