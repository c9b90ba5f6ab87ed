import pytest


@pytest.fixture
def migrated(postgres):
    postgres.exec_run("migrate up")
    return postgres
